"""The "to refund" flag becomes two states of the payment (factures/payment_states.py)."""

from django.db import migrations, models


def flags_to_states(apps, schema_editor):
    Payment = apps.get_model("factures", "Payment")
    Payment.objects.filter(refunded_at__isnull=False).update(status="refunded")
    Payment.objects.filter(needs_refund=True, refunded_at__isnull=True).update(status="to_refund")


def states_to_flags(apps, schema_editor):
    Payment = apps.get_model("factures", "Payment")
    Payment.objects.filter(status="to_refund").update(needs_refund=True, status="failed")
    Payment.objects.filter(status="refunded").update(status="failed")


class Migration(migrations.Migration):

    dependencies = [
        ("factures", "0002_payment_refunded"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "En cours"),
                    ("succeeded", "Réussi"),
                    ("failed", "Échoué"),
                    ("cancelled", "Annulé"),
                    ("to_refund", "À rembourser"),
                    ("refunded", "Remboursé"),
                ],
                default="pending",
                max_length=10,
                verbose_name="état",
            ),
        ),
        migrations.RunPython(flags_to_states, states_to_flags),
        migrations.RemoveField(
            model_name="payment",
            name="needs_refund",
        ),
    ]
