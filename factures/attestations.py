"""Yearly attestations: the attestation fiscale (childcare of children under 6) and the
attestation de paiement et de présence (employers, CE/CSE), computed and rendered as PDFs.

The rule, for a calendar year Y:
- the money counted is the money RECEIVED in Y: the allocations applied to the family's
  invoices of payments confirmed (received) between 1 January and 31 December of Y, whatever
  the invoice's period. A payment to refund or refunded was never applied: it never counts;
- each allocation is shared among the invoice's lines in proportion to their amounts (a partial
  payment pays part of each line; a credit note lowers the balance, so the money paid for each
  line); each line belongs to one child;
- the attestation fiscale keeps the lines marked childcare (`InvoiceLine.childcare`, from the
  activity's "frais de garde" flag and the unit's "hors frais de garde" flag at billing: meals
  and other non-deductible lines are excluded) of the children born on or after 1 January of
  Y - 6 (under 6 on 1 January of Y, as the tax form counts them: born in Y - 6 or later);
- the attestation de paiement et de présence counts, per child, every line paid in Y and the
  days booked in Y (distinct dates with a booking kept, per activity).

Four queries for a family's year, however many invoices and payments it has.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from espace_famille.models import Structure
from factures.models import ZERO, Invoice, InvoiceLine, PaymentAllocation
from factures.money import round_cents

if TYPE_CHECKING:
    from famille.models import Family

FIRST_YEAR = 2000


@dataclass
class ChildYear:
    """One child's year: money paid in the year for the child's lines, days booked."""

    member_id: int
    name: str
    birth_date: datetime.date | None
    childcare_paid: Decimal = ZERO
    other_paid: Decimal = ZERO
    days: int = 0
    activity_days: dict[str, int] = field(default_factory=dict)
    under_six: bool = False

    @property
    def total_paid(self) -> Decimal:
        return self.childcare_paid + self.other_paid


@dataclass(frozen=True)
class PaymentOfYear:
    date: datetime.date
    label: str
    amount: Decimal  # the part applied to the family's invoices


@dataclass
class YearStatement:
    family: Family
    year: int
    children: list[ChildYear]
    payments: list[PaymentOfYear]
    not_assigned: Decimal  # paid for lines of no child (a household charge)

    @property
    def under_six_born_from(self) -> datetime.date:
        return under_six_born_from(self.year)

    @property
    def eligible(self) -> list[ChildYear]:
        """The children of the attestation fiscale: under 6 on 1 January, childcare paid."""
        return [child for child in self.children if child.under_six and child.childcare_paid]

    @property
    def fiscal_total(self) -> Decimal:
        return sum((child.childcare_paid for child in self.eligible), ZERO)

    @property
    def received_total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def without_birth_date(self) -> list[ChildYear]:
        return [child for child in self.children if child.birth_date is None]

    def child(self, member_id: int) -> ChildYear | None:
        return next((child for child in self.children if child.member_id == member_id), None)


def under_six_born_from(year: int) -> datetime.date:
    """Children born on or after this day are under 6 on 1 January of `year` (tax form)."""
    return datetime.date(year - 6, 1, 1)


def attestation_years(*, today: datetime.date | None = None, first: int | None = None) -> list[int]:
    """The past calendar years a parent may ask for, newest first (at most ten)."""
    today = today or timezone.localdate()
    last = today.year - 1
    first = max(first or last - 2, last - 9, FIRST_YEAR)
    return list(range(last, first - 1, -1))


def year_is_past(year: int, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return FIRST_YEAR <= year < today.year


def _year_window(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    return start, end


def family_year_statement(family: Family, year: int) -> YearStatement:
    """What the family paid in `year`, child by child, and the days booked (four queries)."""
    from famille.models import Member
    from reservations.models import Booking

    start, end = _year_window(year)
    allocations = list(
        PaymentAllocation.objects.filter(
            applied=True,
            payment__family=family,
            payment__confirmed_at__gte=start,
            payment__confirmed_at__lt=end,
            invoice__family=family,
            invoice__kind=Invoice.Kind.INVOICE,
        )
        .select_related("payment", "invoice")
        .order_by("payment__confirmed_at", "payment_id", "pk")
    )
    lines_by_invoice: dict[int, list[InvoiceLine]] = defaultdict(list)
    if allocations:
        for line in InvoiceLine.objects.filter(
            invoice_id__in={allocation.invoice_id for allocation in allocations}
        ).only("invoice_id", "member_id", "amount", "childcare"):
            lines_by_invoice[line.invoice_id].append(line)
    born_from = under_six_born_from(year)
    children = [
        ChildYear(
            member_id=member.pk,
            name=str(member),
            birth_date=member.birth_date,
            under_six=member.birth_date is not None and member.birth_date >= born_from,
        )
        for member in Member.objects.filter(family=family, role=Member.Role.CHILD).order_by(
            "birth_date", "first_name", "pk"
        )
    ]
    by_member = {child.member_id: child for child in children}

    childcare: dict[int, Decimal] = defaultdict(Decimal)
    other: dict[int, Decimal] = defaultdict(Decimal)
    not_assigned = Decimal(0)
    paid: dict[int, Decimal] = defaultdict(Decimal)
    payments = {}
    for allocation in allocations:
        payments[allocation.payment_id] = allocation.payment
        paid[allocation.payment_id] += allocation.amount
        total = allocation.invoice.total
        if total <= 0:
            continue
        for line in lines_by_invoice[allocation.invoice_id]:
            share = line.amount * allocation.amount / total
            if line.member_id not in by_member:
                not_assigned += share
            elif line.childcare:
                childcare[line.member_id] += share
            else:
                other[line.member_id] += share
    for member_id, child in by_member.items():
        child.childcare_paid = round_cents(childcare[member_id])
        child.other_paid = round_cents(other[member_id])

    days: dict[int, set[datetime.date]] = defaultdict(set)
    activity_days: dict[int, dict[str, set[datetime.date]]] = defaultdict(lambda: defaultdict(set))
    booked = (
        Booking.objects.filter(
            member__family=family,
            member__role=Member.Role.CHILD,
            status=Booking.Status.BOOKED,
            opening__date__gte=datetime.date(year, 1, 1),
            opening__date__lte=datetime.date(year, 12, 31),
        )
        .values_list("member_id", "opening__unit__activity__name", "opening__date")
        .distinct()
    )
    for member_id, activity, day in booked:
        days[member_id].add(day)
        activity_days[member_id][activity].add(day)
    for member_id, child in by_member.items():
        child.days = len(days[member_id])
        child.activity_days = {
            name: len(dates) for name, dates in sorted(activity_days[member_id].items())
        }

    return YearStatement(
        family=family,
        year=year,
        children=children,
        payments=[
            PaymentOfYear(
                date=timezone.localtime(payment.confirmed_at).date(),
                label=payment.method_label,
                amount=paid[pk],
            )
            for pk, payment in payments.items()
        ],
        not_assigned=round_cents(not_assigned),
    )


def household_address(family: Family) -> str:
    payer = family.payer_name
    town = " ".join(part for part in (family.postal_code, family.city) if part)
    return "\n".join(part for part in (payer, family.address, town) if part)


def _render(template: str, context: dict[str, object]) -> bytes:
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            template,
            {
                **context,
                "structure": Structure.current(),
                "today": timezone.localdate(),
            },
        )
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def fiscal_attestation_pdf(statement: YearStatement) -> tuple[str, bytes]:
    """(filename, content) of the attestation fiscale of the family's year."""
    content = _render(
        "factures/pdf/attestation_fiscale.html",
        {
            "statement": statement,
            "household": str(statement.family),
            "address": household_address(statement.family),
        },
    )
    return f"attestation-fiscale-{statement.year}.pdf", content


def presence_attestation_pdf(statement: YearStatement, child: ChildYear) -> tuple[str, bytes]:
    """(filename, content) of one child's attestation de paiement et de présence."""
    content = _render(
        "factures/pdf/attestation_presence.html",
        {
            "statement": statement,
            "child": child,
            "household": str(statement.family),
            "address": household_address(statement.family),
        },
    )
    return f"attestation-presence-{statement.year}-{child.member_id}.pdf", content
