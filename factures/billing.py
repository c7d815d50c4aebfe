"""The monthly billing run: every household's billable bookings become one invoice."""

from __future__ import annotations

import calendar
import datetime
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from factures.models import BilledBooking, BillingSettings, Invoice, ManualCharge, Tariff
from factures.services import LineSpec, invoice_issue

if TYPE_CHECKING:
    from espace_famille.models import StaffJob, User
    from famille.models import Family, Member
    from inscriptions.models import Unit
    from reservations.models import Booking

logger = logging.getLogger(__name__)


@dataclass
class BillingResult:
    invoices: list[Invoice] = field(default_factory=list)
    missing_tariffs: set[str] = field(default_factory=set)
    skipped_bookings: int = 0

    @property
    def total(self) -> Decimal:
        return sum((invoice.total for invoice in self.invoices), Decimal("0.00"))


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def month_is_over_check(*, month: datetime.date, today: datetime.date | None = None) -> None:
    """Refuse a month whose last day is today or later (ValidationError, in French)."""
    today = today or timezone.localdate()
    _start, end = month_bounds(month)
    if end >= today:
        raise ValidationError(
            _(
                "Le mois %(month)s n'est pas terminé : on ne facture qu'un mois échu, "
                "à partir du lendemain de son dernier jour."
            )
            % {"month": f"{month:%m/%Y}"}
        )


def tariff_pick(tariffs: list[Tariff], day: datetime.date, qf: int | None) -> Tariff | None:
    """The tariff of a unit that applies on `day` to a household of quotient `qf`."""
    matching = [tariff for tariff in tariffs if tariff.applies(day, qf)]
    # Several matches (overlapping set-up): the most recent period, then the narrowest bracket.
    return max(
        matching, key=lambda t: (t.valid_from, t.qf_min or 0, -(t.qf_max or 10**9)), default=None
    )


def unit_is_childcare(unit: Unit) -> bool:
    """Whether a unit's price is childcare for the tax credit (not a meal or other expense)."""
    return bool(unit.activity.childcare_tax_credit and not unit.tax_credit_excluded)


def billing_run(
    *,
    month: datetime.date,
    user: User | None = None,
    issued_on: datetime.date | None = None,
    render_pdf: bool = True,
    family_ids: list[int] | None = None,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BillingResult:
    """Bill a month. Each household is billed in its own transaction under a row lock, and a
    booking already linked to an invoice line is never billed again (unique BilledBooking).

    Only a month that is over can be billed: its bookings can no longer be cancelled in time.
    A booking is billed to the household that made it (`Booking.family`, shared custody), else
    to the child's main household, each at its own tariff (its own quotient familial).
    `progress(done, total)` is told after each household (the background job's progress bar).
    """
    from famille.models import Family
    from reservations.selectors import billable_bookings

    start, end = month_bounds(month)
    month_is_over_check(month=month, today=today)
    bookings = billable_bookings(start=start, end=end).filter(billed__isnull=True)
    charges = ManualCharge.objects.filter(line__isnull=True, date__lte=end)
    if family_ids is not None:
        bookings = bookings.filter(
            Q(family_id__in=family_ids) | Q(family__isnull=True, member__family_id__in=family_ids)
        )
        charges = charges.filter(family_id__in=family_ids)
    by_family: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings.order_by("opening__date", "pk"):
        by_family[booking.family_id or booking.member.family_id].append(booking)
    charges_by_family: dict[int, list[ManualCharge]] = defaultdict(list)
    for charge in charges.select_related("member"):
        charges_by_family[charge.family_id].append(charge)

    unit_ids = {b.opening.unit_id for family in by_family.values() for b in family}
    tariffs: dict[int, list[Tariff]] = defaultdict(list)
    for tariff in Tariff.objects.filter(unit_id__in=unit_ids, valid_from__lte=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    ):
        tariffs[tariff.unit_id].append(tariff)

    due_days = BillingSettings.current().payment_due_days
    result = BillingResult()
    family_pks = sorted(set(by_family) | set(charges_by_family))
    families = Family.objects.in_bulk(family_pks)
    for done, family_pk in enumerate(family_pks):
        if progress is not None:
            progress(done, len(family_pks))
        family = families[family_pk]
        invoice = _bill_family(
            family=family,
            bookings=by_family.get(family_pk, []),
            charges=charges_by_family.get(family_pk, []),
            tariffs=tariffs,
            start=start,
            end=end,
            user=user,
            issued_on=issued_on,
            render_pdf=render_pdf,
            due_days=due_days,
            result=result,
        )
        if invoice is not None:
            result.invoices.append(invoice)
    if progress is not None:
        progress(len(family_pks), len(family_pks))
    return result


def _bill_family(
    *,
    family: Family,
    bookings: list[Booking],
    charges: list[ManualCharge],
    tariffs: dict[int, list[Tariff]],
    start: datetime.date,
    end: datetime.date,
    user: User | None,
    issued_on: datetime.date | None,
    render_pdf: bool,
    due_days: int,
    result: BillingResult,
) -> Invoice | None:
    from famille.models import Family

    with transaction.atomic():
        # A concurrent run for the same household waits here, then sees what was billed.
        Family.objects.select_for_update().filter(pk=family.pk).values_list("pk").get()
        billed = set(
            BilledBooking.objects.filter(booking_id__in=[b.pk for b in bookings]).values_list(
                "booking_id", flat=True
            )
        )
        charge_pks = (
            set(
                ManualCharge.objects.filter(
                    pk__in=[c.pk for c in charges], line__isnull=True
                ).values_list("pk", flat=True)
            )
            if charges
            else set()
        )
        lines = _booking_lines(
            [b for b in bookings if b.pk not in billed],
            qf=getattr(family, "quotient_familial", None),
            tariffs=tariffs,
            result=result,
        )
        lines += [
            LineSpec(
                label=charge.label,
                quantity=charge.quantity,
                unit_price=charge.unit_price,
                member=charge.member,
                manual_charge_id=charge.pk,
            )
            for charge in charges
            if charge.pk in charge_pks
        ]
        if not lines:
            return None
        return invoice_issue(
            family=family,
            period_start=start,
            period_end=end,
            lines=lines,
            user=user,
            issued_on=issued_on,
            render_pdf=render_pdf,
            due_days=due_days,
        )


def _booking_lines(
    bookings: list[Booking],
    *,
    qf: int | None,
    tariffs: dict[int, list[Tariff]],
    result: BillingResult,
) -> list[LineSpec]:
    """One line per member, activity, unit and unit price (quantity times unit price)."""
    groups: dict[tuple, list[Booking]] = defaultdict(list)
    childcare: dict[tuple, bool] = {}
    members: dict[int, Member] = {}
    for booking in bookings:
        unit = booking.opening.unit
        tariff = tariff_pick(tariffs.get(unit.pk, []), booking.opening.date, qf)
        if tariff is None:
            result.missing_tariffs.add(str(unit))
            result.skipped_bookings += 1
            continue
        members[booking.member_id] = booking.member
        key = (booking.member_id, unit.activity.name, unit.order, unit.name, tariff.price)
        groups[key].append(booking)
        # Childcare for the tax credit: the activity is childcare and the unit not a meal.
        childcare[key] = childcare.get(key, True) and unit_is_childcare(unit)
    lines = []
    for key in sorted(groups, key=lambda k: (str(members[k[0]]), k[1], k[2], k[3], k[4])):
        member_id, activity_name, _order, unit_name, price = key
        group = groups[key]
        late = sum(1 for b in group if b.status == "cancelled")
        label = f"{activity_name} — {unit_name}"
        if late:
            label += " " + ngettext(
                "(dont %(count)s annulation hors délai)",
                "(dont %(count)s annulations hors délai)",
                late,
            ) % {"count": late}
        lines.append(
            LineSpec(
                label=label,
                quantity=Decimal(len(group)),
                unit_price=price,
                member=members[member_id],
                booking_ids=tuple(b.pk for b in group),
                childcare=childcare[key],
            )
        )
    return lines


def parse_month(value: str) -> datetime.date:
    """`2026-10` → 1 October 2026."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(_("Mois attendu au format AAAA-MM, par exemple 2026-10.")) from exc


def billing_run_job(
    *, job: StaffJob, progress: Callable[[int, int], None], month: str
) -> dict[str, Any]:
    """The billing run as a background job (espace_famille.jobs): its result page's text."""
    from django.urls import reverse

    from espace_famille.admin_formats import euros

    day = datetime.date.fromisoformat(month)
    result = billing_run(month=day, user=job.started_by, progress=progress)
    details = []
    if result.missing_tariffs:
        details.append(
            ngettext(
                "%(count)s réservation non facturée, faute de tarif pour : %(units)s",
                "%(count)s réservations non facturées, faute de tarif pour : %(units)s",
                result.skipped_bookings,
            )
            % {
                "count": result.skipped_bookings,
                "units": ", ".join(sorted(result.missing_tariffs)),
            }
        )
    start, end = month_bounds(day)
    return {
        "summary": ngettext(
            "%(count)s facture émise, total %(total)s.",
            "%(count)s factures émises, total %(total)s.",
            len(result.invoices),
        )
        % {"count": len(result.invoices), "total": euros(result.total)},
        "details": details,
        "url": reverse("admin:factures_invoice_changelist")
        + f"?period_start__gte={start.isoformat()}&period_end__lte={end.isoformat()}",
        "link": _("Voir les factures du mois"),
    }
