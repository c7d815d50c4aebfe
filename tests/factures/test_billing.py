"""The billing run: totals against hand-computed figures, re-runs, tariffs and manual charges."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from espace_famille.models import AuditEvent
from factures.billing import billing_run, tariff_pick
from factures.models import BilledBooking, Invoice, ManualCharge, Tariff
from tests.factories import OCTOBER, book, child

pytestmark = pytest.mark.django_db

WEDNESDAYS = [datetime.date(2026, 10, d) for d in (7, 14, 21, 28)]


def _set_qf(family, value):
    family.quotient_familial = value
    family.save(update_fields=["quotient_familial"])


def test_totals_with_qf_brackets_and_late_cancellations(
    family, other_family, units, tariffs, django_capture_on_commit_callbacks
):
    _set_qf(family, 650)  # low bracket: matin 3 €
    _set_qf(other_family, 1500)  # high bracket: matin 5 €
    lea, hugo, zoe = child(family, "Léa"), child(family, "Hugo"), child(other_family, "Zoé")
    for day in WEDNESDAYS:
        book(lea, units["matin"], day)
        book(lea, units["repas"], day)
    book(hugo, units["matin"], WEDNESDAYS[0])
    book(hugo, units["matin"], WEDNESDAYS[1], status="cancelled", late=True)  # billed
    book(hugo, units["matin"], WEDNESDAYS[2], status="cancelled", late=False)  # not billed
    book(hugo, units["matin"], WEDNESDAYS[3], status="pending")  # not billed
    book(zoe, units["matin"], WEDNESDAYS[0])
    book(zoe, units["repas"], WEDNESDAYS[0])
    book(zoe, units["matin"], datetime.date(2026, 11, 4))  # next month

    with django_capture_on_commit_callbacks(execute=True):
        result = billing_run(month=OCTOBER, render_pdf=False)

    assert len(result.invoices) == 2
    ours = Invoice.objects.get(family=family)
    # Léa: 4 at 3 € + 4 at 4 € = 28 €; Hugo: 2 matins (one late cancellation) at 3 € = 6 €.
    assert ours.total == Decimal("34.00")
    rows = [
        (line.member_name, line.label, line.quantity, line.unit_price, line.amount)
        for line in ours.lines.order_by("position")
    ]
    assert rows == [
        ("Hugo TEST", "Mercredis loisirs — Matin (dont 1 annulation hors délai)", 2, 3, 6),
        ("Léa TEST", "Mercredis loisirs — Matin", 4, 3, 12),
        ("Léa TEST", "Mercredis loisirs — Repas", 4, 4, 16),
    ]
    theirs = Invoice.objects.get(family=other_family)
    assert theirs.total == Decimal("9.00")  # 5 € (high bracket) + 4 €
    assert (ours.period_start, ours.period_end) == (OCTOBER, datetime.date(2026, 10, 31))
    assert AuditEvent.objects.filter(kind="invoice_issued", family=family).count() == 1
    assert len(mail.outbox) == 2
    assert ours.number in mail.outbox[0].body + mail.outbox[1].body


def test_unknown_qf_pays_the_open_bracket(family, units, tariffs):
    book(child(family, "Léa"), units["matin"], WEDNESDAYS[0])
    result = billing_run(month=OCTOBER, render_pdf=False)
    assert result.invoices[0].total == Decimal("5.00")


def test_rerun_bills_nothing_twice_and_picks_up_new_bookings(family, units, tariffs):
    lea = child(family, "Léa")
    book(lea, units["repas"], WEDNESDAYS[0])
    first = billing_run(month=OCTOBER, render_pdf=False)
    again = billing_run(month=OCTOBER, render_pdf=False)
    assert len(first.invoices) == 1
    assert again.invoices == []
    late = book(lea, units["repas"], WEDNESDAYS[1])
    third = billing_run(month=OCTOBER, render_pdf=False)
    assert [i.total for i in third.invoices] == [Decimal("4.00")]
    assert BilledBooking.objects.get(booking=late).line.invoice == third.invoices[0]
    assert Invoice.objects.count() == 2
    assert BilledBooking.objects.count() == 2


def test_booking_without_tariff_is_left_for_a_later_run(family, units, tariffs):
    Tariff.objects.filter(unit=units["repas"]).delete()
    lea = child(family, "Léa")
    book(lea, units["repas"], WEDNESDAYS[0])
    book(lea, units["matin"], WEDNESDAYS[0])
    result = billing_run(month=OCTOBER, render_pdf=False)
    assert result.skipped_bookings == 1
    assert result.missing_tariffs == {"Mercredis loisirs — Repas"}
    assert result.invoices[0].total == Decimal("5.00")
    Tariff.objects.create(unit=units["repas"], price="4.00", valid_from=OCTOBER)
    assert [i.total for i in billing_run(month=OCTOBER, render_pdf=False).invoices] == [
        Decimal("4.00")
    ]


def test_tariff_validity_period_splits_lines(family, units):
    Tariff.objects.create(
        unit=units["repas"],
        price="4.00",
        valid_from=datetime.date(2026, 9, 1),
        valid_until=datetime.date(2026, 10, 15),
    )
    Tariff.objects.create(unit=units["repas"], price="4.50", valid_from=datetime.date(2026, 10, 16))
    for day in WEDNESDAYS:
        book(child(family, "Léa"), units["repas"], day)
    invoice = billing_run(month=OCTOBER, render_pdf=False).invoices[0]
    assert [(line.quantity, line.unit_price) for line in invoice.lines.all()] == [
        (2, Decimal("4.00")),
        (2, Decimal("4.50")),
    ]
    assert invoice.total == Decimal("17.00")


def test_tariff_pick_prefers_matching_bracket(units):
    low = Tariff(unit=units["matin"], price=1, valid_from=OCTOBER, qf_min=0, qf_max=500)
    mid = Tariff(unit=units["matin"], price=2, valid_from=OCTOBER, qf_min=501, qf_max=900)
    top = Tariff(unit=units["matin"], price=3, valid_from=OCTOBER, qf_min=901)
    day = WEDNESDAYS[0]
    assert tariff_pick([low, mid, top], day, 500) is low
    assert tariff_pick([low, mid, top], day, 501) is mid
    assert tariff_pick([low, mid, top], day, 5000) is top
    assert tariff_pick([low, mid, top], day, None) is top
    assert tariff_pick([low, mid], day, None) is None
    assert tariff_pick([low], datetime.date(2026, 9, 30), 100) is None


def test_manual_charge_billed_once(family, units, tariffs):
    charge = ManualCharge.objects.create(
        family=family,
        member=child(family, "Hugo"),
        date=datetime.date(2026, 10, 10),
        label="Sortie au zoo",
        quantity=1,
        unit_price="12.50",
    )
    invoice = billing_run(month=OCTOBER, render_pdf=False).invoices[0]
    assert invoice.total == Decimal("12.50")
    charge.refresh_from_db()
    assert charge.line.invoice == invoice
    assert billing_run(month=OCTOBER, render_pdf=False).invoices == []


def test_command(family, units, tariffs):
    book(child(family, "Léa"), units["repas"], WEDNESDAYS[0])
    out = StringIO()
    call_command("facturer", "--month", "2026-10", "--no-pdf", stdout=out)
    assert "1 invoice(s), total 4.00 EUR for 2026-10." in out.getvalue()
    assert Invoice.objects.get().total == Decimal("4.00")


def test_command_refuses_a_bad_month(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("facturer", "--month", "octobre")


@pytest.mark.parametrize("today", [datetime.date(2026, 10, 15), datetime.date(2026, 10, 31)])
def test_a_month_not_over_is_refused(family, units, tariffs, today):
    from django.core.exceptions import ValidationError

    book(child(family, "Léa"), units["repas"], WEDNESDAYS[0])
    with pytest.raises(ValidationError, match="n'est pas terminé"):
        billing_run(month=OCTOBER, render_pdf=False, today=today)
    assert not Invoice.objects.exists()
    assert not BilledBooking.objects.exists()


def test_a_month_is_billed_from_the_day_after_its_last_day(family, units, tariffs):
    book(child(family, "Léa"), units["repas"], WEDNESDAYS[0])
    result = billing_run(month=OCTOBER, render_pdf=False, today=datetime.date(2026, 11, 1))
    assert [invoice.total for invoice in result.invoices] == [Decimal("4.00")]


def test_command_refuses_the_current_month(family, units, tariffs):
    from django.core.management.base import CommandError
    from django.utils import timezone

    today = timezone.localdate()
    book(child(family, "Léa"), units["repas"], today)
    with pytest.raises(CommandError, match="n'est pas terminé"):
        call_command("facturer", "--month", f"{today:%Y-%m}", "--no-pdf")
    assert not Invoice.objects.exists()
