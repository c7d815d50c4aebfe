"""Demo data: tariffs, three months billed for TEST, a payment history and login events."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from espace_famille import audit
from espace_famille.models import AuditEvent
from espace_famille.registry import DemoStep, ScaleStep, demo_steps, scale_steps
from factures import services
from factures.billing import billing_run, month_bounds
from factures.models import (
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Tariff,
)
from factures.money import round_cents
from factures.services import LineSpec

if TYPE_CHECKING:
    from famille.models import Family, Member

GENERATED_PREFIX = "GEN-"
BASE_PRICES = {"matin": "4.50", "repas": "3.80", "après-midi": "4.50", "journée": "12.00"}
# Quotient familial brackets: (min, max, share of the full price).
BRACKETS = [(None, 700, Decimal("0.60")), (701, 1200, Decimal("0.80")), (1201, None, Decimal(1))]
DEMO_LOGIN_SUMMARY = "Connexion (démo)"


def _past_months(count: int, today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _tariffs(valid_from: datetime.date) -> None:
    from inscriptions.models import Unit

    for unit in Unit.objects.filter(tariffs__isnull=True):
        base = Decimal(BASE_PRICES.get(unit.name.lower(), "5.00"))
        for qf_min, qf_max, share in BRACKETS:
            Tariff.objects.create(
                unit=unit,
                price=round_cents(base * share),
                valid_from=valid_from,
                qf_min=qf_min,
                qf_max=qf_max,
            )


def _demo_lines(family: Family, start: datetime.date) -> list[LineSpec]:
    """Lines for a month without bookings in the demo: a few units per child."""
    from inscriptions.models import Unit

    units = list(Unit.objects.select_related("activity").order_by("activity__name", "order")[:2])
    qf = getattr(family, "quotient_familial", None)
    lines = []
    for child in family.members.filter(role="child").order_by("birth_date"):
        for index, unit in enumerate(units):
            tariffs = [t for t in unit.tariffs.all() if t.applies(start, qf)]
            if not tariffs:
                continue
            lines.append(
                LineSpec(
                    label=f"{unit.activity.name} — {unit.name}",
                    quantity=Decimal(4 + 2 * index + start.month % 3),
                    unit_price=tariffs[0].price,
                    member=child,
                )
            )
    if not lines:
        lines.append(
            LineSpec(label="Accueil de loisirs", quantity=Decimal(4), unit_price=Decimal("9.50"))
        )
    return lines


def _demo_billing() -> None:
    from famille.models import Family

    today = timezone.localdate()
    months = _past_months(3, today)
    _tariffs(datetime.date(months[0].year, 1, 1))
    test = Family.objects.filter(name="TEST").first()
    if test is None:
        return
    invoices = []
    for month in months:
        start, end = month_bounds(month)
        invoice = Invoice.objects.filter(
            family=test, kind=Invoice.Kind.INVOICE, period_start=start
        ).first()
        if invoice is None:
            result = billing_run(month=month, family_ids=[test.pk], issued_on=end)
            invoice = result.invoices[0] if result.invoices else None
        if invoice is None:
            invoice = services.invoice_issue(
                family=test,
                period_start=start,
                period_end=end,
                lines=_demo_lines(test, start),
                issued_on=end,
            )
        invoices.append(invoice)
    _demo_payments(test, invoices[0], invoices[1])
    _demo_logins(test, today)


def _demo_payments(family: Family, paid: Invoice, attempted: Invoice) -> None:
    if Payment.objects.filter(family=family, method=Payment.Method.ONLINE).exists():
        return
    login = family.logins.order_by("pk").first()
    started = timezone.make_aware(
        datetime.datetime.combine(
            paid.issued_on + datetime.timedelta(days=3), datetime.time(20, 15)
        )
    )
    cancelled = services.payment_start(
        family=family,
        invoice_ids=[attempted.pk],
        user=login,
        provider="sandbox",
        now=started - datetime.timedelta(days=1),
    )
    services.payment_fail(payment_id=cancelled.pk, status=Payment.Status.CANCELLED, reason="demo")
    payment = services.payment_start(
        family=family, invoice_ids=[paid.pk], user=login, provider="sandbox", now=started
    )
    services.payment_confirm(
        payment_id=payment.pk,
        amount_cents=payment.amount_cents,
        currency="EUR",
        now=started + datetime.timedelta(minutes=2),
    )


def _demo_logins(family: Family, today: datetime.date) -> None:
    if AuditEvent.objects.filter(
        family=family, kind=audit.Kind.LOGIN, summary=DEMO_LOGIN_SUMMARY
    ).exists():
        return
    logins = list(family.logins.order_by("pk"))
    if not logins:
        return
    for days in (1, 3, 6, 9, 14, 20, 27, 33, 41, 50):
        event = audit.record(
            family, logins[days % len(logins)], audit.Kind.LOGIN, DEMO_LOGIN_SUMMARY
        )
        moment = timezone.make_aware(
            datetime.datetime.combine(
                today - datetime.timedelta(days=days), datetime.time(8 + days % 12, 5 * (days % 12))
            )
        )
        # Backdate the demo rows (the audit model refuses changes through save()).
        AuditEvent.objects.filter(pk=event.pk).update(created_at=moment)


def _generated_invoices(count: int) -> None:
    """A year of invoices (the last one to pay) and their online payments, in bulk."""
    from famille.models import Family, Member

    families = list(
        Family.objects.filter(name__startswith=GENERATED_PREFIX, invoices__isnull=True).order_by(
            "pk"
        )
    )
    if not families:
        return
    today = timezone.localdate()
    months = _past_months(12, today)
    children: dict[int, list[Member]] = defaultdict(list)
    for child in Member.objects.filter(family__in=families, role="child"):
        children[child.family_id].append(child)
    for chunk_start in range(0, len(families), 500):
        with transaction.atomic():
            _generated_chunk(families[chunk_start : chunk_start + 500], months, children)


def _generated_chunk(
    families: list[Family], months: list[datetime.date], children: dict[int, list[Member]]
) -> None:
    now = timezone.now()
    by_year: dict[int, list[tuple]] = defaultdict(list)
    for family in families:
        for month in months:
            by_year[month_bounds(month)[1].year].append((family, month))
    invoices, line_specs = [], []
    for year, items in sorted(by_year.items()):
        numbers = services.invoice_number_allocate(year=year, count=len(items))
        for number, (family, month) in zip(numbers, items, strict=True):
            start, end = month_bounds(month)
            kids: list[Member | None] = [*children.get(family.pk, [])] or [None]
            lines = [
                (kid, Decimal(8 + (family.pk + month.month) % 5), Decimal("9.50")) for kid in kids
            ]
            total = sum((round_cents(q * p) for _k, q, p in lines), Decimal("0.00"))
            paid = month != months[-1]
            invoices.append(
                Invoice(
                    number=number,
                    family=family,
                    household_name=str(family),
                    household_address=family.city,
                    period_start=start,
                    period_end=end,
                    issued_on=end,
                    due_date=end + datetime.timedelta(days=30),
                    total=total,
                    amount_settled=total if paid else Decimal("0.00"),
                    settled_at=now if paid else None,
                )
            )
            line_specs.append(lines)
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            member=kid,
            member_name=str(kid) if kid else "",
            label="Accueil de loisirs — Journée",
            quantity=quantity,
            unit_price=price,
            amount=round_cents(quantity * price),
        )
        for invoice, lines in zip(invoices, line_specs, strict=True)
        for position, (kid, quantity, price) in enumerate(lines, start=1)
    )
    payments = [
        Payment(
            family=invoice.family,
            method=Payment.Method.ONLINE,
            provider="sandbox",
            reference=services.new_payment_reference(),
            amount=invoice.total,
            status=Payment.Status.SUCCEEDED,
            created_at=timezone.make_aware(
                datetime.datetime.combine(invoice.issued_on, datetime.time(21, 0))
            )
            + datetime.timedelta(days=5),
            confirmed_at=now,
        )
        for invoice in invoices
        if invoice.amount_settled
    ]
    Payment.objects.bulk_create(payments)
    paid_invoices = [invoice for invoice in invoices if invoice.amount_settled]
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=payment, invoice=invoice, amount=invoice.total, applied=True)
        for payment, invoice in zip(payments, paid_invoices, strict=True)
    )


demo_steps.register(DemoStep("factures", 60, _demo_billing))
scale_steps.register(ScaleStep("factures", 60, _generated_invoices))
