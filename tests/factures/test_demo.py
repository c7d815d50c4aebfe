"""Demo data of factures: TEST's three billed months, its payments and logins; scale step."""

import pytest
from django.core.management import call_command

from espace_famille.models import AuditEvent
from factures.models import Invoice, Payment, Tariff

pytestmark = pytest.mark.django_db


def test_demo_bills_three_months_for_test_once():
    call_command("demo", force=True)
    invoices = list(Invoice.objects.filter(family__name="TEST").order_by("period_start"))
    assert len(invoices) == 3
    assert [invoice.is_settled for invoice in invoices] == [True, False, False]
    statuses = set(Payment.objects.filter(family__name="TEST").values_list("status", flat=True))
    assert statuses == {"succeeded", "cancelled"}
    assert AuditEvent.objects.filter(family__name="TEST", kind="login").count() >= 10
    assert Tariff.objects.exists()
    counts = (Invoice.objects.count(), Payment.objects.count(), Tariff.objects.count())
    call_command("demo", force=True)
    assert (Invoice.objects.count(), Payment.objects.count(), Tariff.objects.count()) == counts


def test_scale_step_gives_generated_families_a_year_of_invoices():
    call_command("demo", families=4, force=True)
    generated = Invoice.objects.filter(family__name__startswith="GEN-")
    assert generated.count() == 4 * 12
    assert generated.to_pay().count() == 4
    assert Payment.objects.filter(family__name__startswith="GEN-").count() == 4 * 11
    call_command("demo", families=2, force=True)
    assert Invoice.objects.filter(family__name__startswith="GEN-").count() == 6 * 12
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    for year in {n[:4] for n in numbers}:
        used = sorted(int(n[5:]) for n in numbers if n.startswith(year))
        assert used == list(range(1, len(used) + 1))  # gapless
