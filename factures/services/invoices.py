"""Invoices and credit notes: gapless numbers, issuing, settling, the stored PDF."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille.emails import send_to_family
from espace_famille.files import atomic_with_files, file_save
from factures.audit_kinds import BillingEvent
from factures.models import (
    ZERO,
    BillingSettings,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
)
from factures.money import round_cents

if TYPE_CHECKING:
    from django.core.files.storage import Storage
    from django.http import HttpRequest

    from espace_famille.models import User
    from famille.models import Family, Member

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineSpec:
    """A line to put on a new invoice."""

    label: str
    quantity: Decimal
    unit_price: Decimal
    member: Member | None = None
    member_name: str = ""
    booking_ids: tuple[int, ...] = ()
    manual_charge_id: int | None = None
    childcare: bool = False  # childcare for the tax credit (activity and unit flags)

    @property
    def amount(self) -> Decimal:
        return round_cents(self.quantity * self.unit_price)


def invoice_number_allocate(*, year: int, count: int = 1) -> list[str]:
    """Reserve the next `count` numbers of the year; call inside the transaction that uses them.

    The year's counter row stays locked until that transaction ends, so numbers are gapless:
    a rolled-back transaction gives its numbers back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate invoice numbers inside the transaction that uses them.")
    counter = InvoiceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:  # the year's first invoice
        try:
            with transaction.atomic():
                InvoiceCounter.objects.create(year=year)
        except IntegrityError:
            pass  # another transaction created the row at the same moment
        counter = InvoiceCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [f"{year}-{n:06d}" for n in range(first, first + count)]


# Invoices ----------------------------------------------------------------------------------


def _household_address(family: Family) -> str:
    payer = getattr(family, "payer_name", "")
    town = " ".join(part for part in (family.postal_code, family.city) if part)
    return "\n".join(part for part in (payer, family.address, town) if part)


def invoice_issue(
    *,
    family: Family,
    period_start: datetime.date,
    period_end: datetime.date,
    lines: list[LineSpec],
    user: User | None = None,
    issued_on: datetime.date | None = None,
    kind: str = Invoice.Kind.INVOICE,
    corrects: Invoice | None = None,
    render_pdf: bool = True,
    due_days: int | None = None,
    request: HttpRequest | None = None,
) -> Invoice:
    """Issue one invoice (or credit note) with its lines; its PDF and email follow the commit."""
    from factures.models import BilledBooking, ManualCharge

    if not lines:
        raise ValidationError(_("Une facture a au moins une ligne."))
    issued_on = issued_on or timezone.localdate()
    if due_days is None:
        due_days = BillingSettings.current().payment_due_days
    with transaction.atomic(savepoint=False):
        (number,) = invoice_number_allocate(year=issued_on.year)
        invoice = Invoice(
            number=number,
            kind=kind,
            family=family,
            corrects=corrects,
            household_name=str(family),
            household_address=_household_address(family),
            period_start=period_start,
            period_end=period_end,
            issued_on=issued_on,
            due_date=issued_on + datetime.timedelta(days=due_days),
            total=sum((line.amount for line in lines), ZERO),
            issued_by=user if user is not None and user.pk else None,
        )
        # The database enforces the unique number and the checks: no extra queries for them.
        invoice.full_clean(exclude=["pdf"], validate_unique=False, validate_constraints=False)
        invoice.save()
        created = InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                member=spec.member,
                member_name=spec.member_name or (str(spec.member) if spec.member else ""),
                label=spec.label[:250],
                quantity=spec.quantity,
                unit_price=spec.unit_price,
                amount=spec.amount,
                childcare=spec.childcare,
            )
            for position, spec in enumerate(lines, start=1)
        )
        BilledBooking.objects.bulk_create(
            BilledBooking(booking_id=booking_id, line=line)
            for line, spec in zip(created, lines, strict=True)
            for booking_id in spec.booking_ids
        )
        for line, spec in zip(created, lines, strict=True):
            if spec.manual_charge_id:
                ManualCharge.objects.filter(pk=spec.manual_charge_id, line=None).update(line=line)
        summary = _("%(kind)s %(number)s émise : %(total)s €") % {
            "kind": invoice.get_kind_display(),
            "number": invoice.number,
            "total": invoice.total,
        }
        audit.record(
            family, user, BillingEvent.INVOICE_ISSUED, summary, obj=invoice, request=request
        )
        transaction.on_commit(lambda: _after_issue(invoice.pk, render_pdf=render_pdf))
    return invoice


def _after_issue(invoice_pk: int, *, render_pdf: bool) -> None:
    if render_pdf:
        try:
            invoice_pdf_store(invoice_id=invoice_pk)
        except Exception:  # the PDF view renders it on first download instead
            logger.exception("PDF of invoice %s not rendered", invoice_pk)
    invoice = Invoice.objects.select_related("family").get(pk=invoice_pk)
    send_to_family("factures_invoice_issued", family=invoice.family, context={"invoice": invoice})


def credit_note_issue(
    *,
    invoice: Invoice,
    amount: Decimal,
    reason: str,
    user: User | None = None,
    beyond_balance: bool = False,
) -> Invoice:
    """Correct an issued invoice: a credit note of `amount` that lowers its balance.

    With `beyond_balance` (days of a justified absence already paid), the credit note may
    exceed what is left to pay: it settles the balance, the rest is owed to the family.
    """
    amount = round_cents(Decimal(amount))
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.kind != Invoice.Kind.INVOICE:
            raise ValidationError(_("Un avoir ne se corrige pas par un avoir."))
        if amount <= ZERO or (amount > locked.balance and not beyond_balance):
            raise ValidationError(
                _("Le montant de l'avoir doit être positif et au plus le solde (%(balance)s €).")
                % {"balance": locked.balance}
            )
        label = _("Avoir sur la facture %(number)s : %(reason)s") % {
            "number": locked.number,
            "reason": reason,
        }
        note = invoice_issue(
            family=locked.family,
            period_start=locked.period_start,
            period_end=locked.period_end,
            lines=[LineSpec(label=label, quantity=Decimal(1), unit_price=-amount)],
            user=user,
            kind=Invoice.Kind.CREDIT_NOTE,
            corrects=locked,
        )
        invoice_apply_settlement(locked, min(amount, locked.balance))
    return note


def invoice_apply_settlement(invoice: Invoice, amount: Decimal) -> None:
    """Add what a payment or credit note settles; once the invoice is settled, its stored PDF
    is rendered again after the commit (in the background), marked "Acquittée"."""
    invoice.amount_settled += amount
    fields = ["amount_settled"]
    if invoice.is_settled and invoice.settled_at is None:
        invoice.settled_at = timezone.now()
        fields.append("settled_at")
        invoice_pk = invoice.pk
        transaction.on_commit(lambda: _enqueue_pdf_refresh(invoice_pk))
    invoice.save(update_fields=fields)


def _enqueue_pdf_refresh(invoice_pk: int) -> None:
    from factures.tasks import invoice_pdf_refresh

    try:
        invoice_pdf_refresh.enqueue(invoice_id=invoice_pk)
    except Exception:  # the PDF view renders it again on the next download instead
        logger.exception("PDF refresh of invoice %s not queued", invoice_pk)


def invoice_pdf_store(*, invoice_id: int, refresh: bool = False) -> Invoice:
    """Render the invoice's PDF once and store it with its checksum; later calls reuse it.

    `refresh`: render it again when the stored one predates the settlement (it still asks to
    be paid); the new file replaces the old one, which is deleted after the commit.
    """
    from factures.pdf import invoice_pdf_render

    invoice = Invoice.objects.select_related("family").get(pk=invoice_id)
    if invoice.pdf and not (refresh and invoice.pdf_is_stale):
        return invoice
    # Rendered before the transaction (about a second): only what is settled changes, checked
    # again under the lock; on SQLite every writer waits while a write transaction is open.
    for _attempt in range(3):
        rendered_state = (invoice.amount_settled, invoice.settled_at)
        rendered_at = timezone.now()
        _filename, _mimetype, content = invoice_pdf_render(invoice)
        with atomic_with_files():  # the file is deleted again if the row is not updated
            invoice = (
                Invoice.objects.select_for_update().select_related("family").get(pk=invoice_id)
            )
            if invoice.pdf and not (refresh and invoice.pdf_is_stale):
                return invoice  # stored meanwhile by another request
            if (invoice.amount_settled, invoice.settled_at) != rendered_state:
                continue  # settled while rendering: render what is true now
            old_name = invoice.pdf.name if invoice.pdf else ""
            token = secrets.token_hex(8)
            name = f"{invoice.issued_on.year}/{invoice.number}-{token}.pdf"  # under factures/
            file_save(invoice.pdf, name, ContentFile(content))
            invoice.pdf_sha256 = hashlib.sha256(content).hexdigest()
            invoice.pdf_rendered_at = rendered_at
            invoice.save(update_fields=["pdf", "pdf_sha256", "pdf_rendered_at"])
            if old_name:
                storage = invoice.pdf.storage
                transaction.on_commit(partial(_delete_replaced, storage, old_name))
        return invoice
    return invoice


def _delete_replaced(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # `manage.py sweep_orphans` removes it later
        logger.exception("Replaced PDF %s not deleted", name)


def invoice_lines_childcare_sync(
    *, year: int, user: User, request: HttpRequest | None = None
) -> int:
    """Set the childcare flag of the booking lines of invoices issued in `year` and the year
    before from their activity and unit as they are now; return how many lines changed.

    For a structure that ticks "frais de garde" on its activities after billing (in January,
    before the attestations): a line's flag says which attestation counts it and is printed
    nowhere, so the invoices themselves do not change. Manual lines keep theirs.
    """
    from factures.models import BilledBooking

    start = datetime.date(year - 1, 1, 1)
    end = datetime.date(year, 12, 31)
    with transaction.atomic():
        rows = (
            BilledBooking.objects.filter(line__invoice__issued_on__range=(start, end))
            .values_list(
                "line_id",
                "line__childcare",
                "booking__opening__unit__activity__childcare_tax_credit",
                "booking__opening__unit__tax_credit_excluded",
            )
            .distinct()
        )
        wanted: dict[int, bool] = {}
        current: dict[int, bool] = {}
        for line_id, flag, activity_childcare, unit_excluded in rows:
            current[line_id] = flag
            wanted[line_id] = wanted.get(line_id, True) and activity_childcare and not unit_excluded
        changed = [line_id for line_id, flag in wanted.items() if flag != current[line_id]]
        for flag in (True, False):
            ids = [line_id for line_id in changed if wanted[line_id] is flag]
            if ids:
                # Not through save(): the line's printed values never change, only this flag.
                InvoiceLine.objects.filter(pk__in=ids).update(childcare=flag)
        summary = _(
            "Frais de garde recalculés sur les lignes des factures de %(first)s et %(last)s : "
            "%(count)s ligne(s) modifiée(s)"
        ) % {"first": year - 1, "last": year, "count": len(changed)}
        audit.record(None, user, BillingEvent.CHILDCARE_LINES_UPDATED, summary, request=request)
    return len(changed)
