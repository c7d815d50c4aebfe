"""Writes of the direct debit: mandates, collections, debits and their rejects.

Every write is atomic and audited (factures.audit_kinds.DirectDebitEvent); summaries, emails
and logs show the IBAN masked (`mask_iban`), only the mandate (admin page, PDF) shows it whole.
A debit's payment moves through factures/payment_states.py: pending from the collection file,
succeeded once the debit day is past and staff mark the collection debited, failed (reject
before that) or rejected (reject after it, the invoice's settlement undone).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille.emails import send_to_family
from espace_famille.files import atomic_with_files, file_save
from espace_famille.formatting import long_date
from factures.audit_kinds import DirectDebitEvent
from factures.models import Invoice, Payment, PaymentAllocation
from factures.payment_states import payment_lock, transition
from factures.sepa.banking import (
    bic_validate,
    direct_debit_enabled,
    earliest_collection_date,
    iban_validate,
    mask_iban,
    new_end_to_end_id,
    new_mandate_reference,
    reject_reason,
)
from factures.sepa.models import SepaCollection, SepaDebit, SepaMandate
from factures.sepa.pain import DebitSpec, creditor_name, pain002_read, pain008_build

if TYPE_CHECKING:
    from django.http import HttpRequest

    from famille.models import Family

logger = logging.getLogger(__name__)


def consent_text() -> str:
    """The SEPA mandate's wording (EPC rulebook, French), with the creditor's name."""
    return _(
        "En signant ce formulaire de mandat, vous autorisez %(creditor)s à envoyer des "
        "instructions à votre banque pour débiter votre compte, et votre banque à débiter votre "
        "compte conformément aux instructions de %(creditor)s. Vous bénéficiez du droit d'être "
        "remboursé par votre banque selon les conditions décrites dans la convention que vous "
        "avez passée avec elle. Une demande de remboursement doit être présentée dans les "
        "8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé. Vos "
        "droits concernant le présent mandat sont expliqués dans un document que vous pouvez "
        "obtenir auprès de votre banque. Paiement récurrent : chaque facture de l'Espace "
        "famille est prélevée à son échéance de prélèvement, après un avis envoyé au moins "
        "%(days)s jours avant."
    ) % {"creditor": creditor_name(), "days": settings.SEPA_PRENOTIFICATION_DAYS}


# Mandates ------------------------------------------------------------------------------------


def _mandate_create(
    *,
    family: Family,
    holder: str,
    iban: str,
    bic: str,
    source: str,
    signed_on: datetime.date,
    user: Any,
    request: HttpRequest | None,
) -> SepaMandate:
    if not direct_debit_enabled():
        raise ValidationError(_("Le prélèvement automatique n'est pas proposé par la structure."))
    holder = " ".join((holder or "").split())
    if not holder:
        raise ValidationError(_("Saisissez le nom du titulaire du compte."))
    iban = iban_validate(iban)
    bic = bic_validate(bic, iban=iban)
    online = source == SepaMandate.Source.ONLINE
    try:
        with transaction.atomic():
            if SepaMandate.objects.filter(family=family, status=SepaMandate.Status.ACTIVE).exists():
                raise ValidationError(
                    _(
                        "Un mandat de prélèvement est déjà actif pour ce foyer : "
                        "révoquez-le d'abord."
                    )
                )
            mandate = SepaMandate(
                family=family,
                reference=new_mandate_reference(family.pk),
                holder=holder[:70],
                iban=iban,
                bic=bic,
                source=source,
                signed_on=signed_on,
                consent_text=consent_text(),
                signed_by=user if online else None,
                signed_ip=audit.client_ip(request) if online and request is not None else None,
                recorded_by=None if online else user,
            )
            mandate.save()
            if online:
                kind, summary = (
                    DirectDebitEvent.MANDATE_SIGNED,
                    _("Mandat de prélèvement %(rum)s signé en ligne (compte %(iban)s)"),
                )
            else:
                kind, summary = (
                    DirectDebitEvent.MANDATE_RECORDED,
                    _("Mandat de prélèvement papier %(rum)s enregistré (compte %(iban)s)"),
                )
            audit.record(
                family,
                user,
                kind,
                summary % {"rum": mandate.reference, "iban": mask_iban(iban)},
                obj=mandate,
                request=request,
            )
            transaction.on_commit(lambda: _mandate_pdf_after_commit(mandate.pk))
    except IntegrityError as exc:  # another tab signed at the same moment
        raise ValidationError(
            _("Un mandat de prélèvement est déjà actif pour ce foyer : révoquez-le d'abord.")
        ) from exc
    return mandate


def mandate_subscribe(
    *,
    family: Family,
    user: Any,
    holder: str,
    iban: str,
    bic: str = "",
    request: HttpRequest | None = None,
) -> SepaMandate:
    """A parent signs a mandate in Mes factures (the consent was ticked on the form)."""
    return _mandate_create(
        family=family,
        holder=holder,
        iban=iban,
        bic=bic,
        source=SepaMandate.Source.ONLINE,
        signed_on=timezone.localdate(),
        user=user,
        request=request,
    )


def mandate_record_paper(
    *,
    family: Family,
    user: Any,
    holder: str,
    iban: str,
    bic: str = "",
    signed_on: datetime.date,
    request: HttpRequest | None = None,
) -> SepaMandate:
    """Staff record a mandate the family signed on paper."""
    if signed_on > timezone.localdate():
        raise ValidationError(_("La date de signature ne peut pas être dans le futur."))
    return _mandate_create(
        family=family,
        holder=holder,
        iban=iban,
        bic=bic,
        source=SepaMandate.Source.PAPER,
        signed_on=signed_on,
        user=user,
        request=request,
    )


def mandate_revoke(
    *, mandate: SepaMandate, by: Any, reason: str = "", request: HttpRequest | None = None
) -> bool:
    """End a mandate (the parent or staff). False when it had already ended.

    Debits already in a collection file given to the bank stay: the bank still presents them.
    """
    with transaction.atomic():
        locked = SepaMandate.objects.select_for_update().get(pk=mandate.pk)
        if locked.status == SepaMandate.Status.REVOKED:
            return False
        locked.status = SepaMandate.Status.REVOKED
        locked.ended_at = timezone.now()
        locked.ended_reason = reason[:200]
        locked.save(update_fields=["status", "ended_at", "ended_reason"])
        audit.record(
            locked.family,
            by,
            DirectDebitEvent.MANDATE_REVOKED,
            _("Mandat de prélèvement %(rum)s révoqué") % {"rum": locked.reference},
            obj=locked,
            request=request,
        )
    mandate.refresh_from_db()
    return True


def _mandate_pdf_after_commit(mandate_id: int) -> None:
    try:
        mandate_pdf_store(mandate_id=mandate_id)
    except Exception:  # the download renders it instead
        logger.exception("PDF of SEPA mandate %s not rendered", mandate_id)


def mandate_pdf_store(*, mandate_id: int) -> SepaMandate:
    """Render the mandate's PDF once and store it privately with its checksum."""
    from factures.sepa.pdf import mandate_pdf_render

    mandate = SepaMandate.objects.select_related("family").get(pk=mandate_id)
    if mandate.pdf:
        return mandate
    content = mandate_pdf_render(mandate)
    with atomic_with_files():
        mandate = SepaMandate.objects.select_for_update().get(pk=mandate_id)
        if mandate.pdf:
            return mandate
        name = f"{mandate.reference}-{secrets.token_hex(8)}.pdf"
        file_save(mandate.pdf, name, ContentFile(content))
        mandate.pdf_sha256 = hashlib.sha256(content).hexdigest()
        mandate.save(update_fields=["pdf", "pdf_sha256"])
    return mandate


# Collections ---------------------------------------------------------------------------------


def collection_create(
    *,
    collection_date: datetime.date,
    user: Any,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> SepaCollection:
    """The month's collection: every invoice to pay of a household with an active mandate and
    not already in a collection (but after a reject), its pain.008 file, the families told.

    An invoice being paid online (recent pending payment) waits for the next collection.
    """
    from factures.services import payment_lock_q
    from famille.models import Family

    today = today or timezone.localdate()
    if not direct_debit_enabled():
        raise ValidationError(_("Le prélèvement automatique n'est pas configuré (ICS, IBAN)."))
    earliest = earliest_collection_date(today)
    if collection_date < earliest:
        raise ValidationError(
            _(
                "Les familles doivent être prévenues %(days)s jours avant le prélèvement : "
                "choisissez le %(date)s ou plus tard."
            )
            % {"days": settings.SEPA_PRENOTIFICATION_DAYS, "date": long_date(earliest)}
        )
    now = timezone.now()
    with atomic_with_files():
        mandates = {
            m.family_id: m
            for m in SepaMandate.objects.select_for_update().filter(
                status=SepaMandate.Status.ACTIVE
            )
        }
        invoices = list(
            Invoice.objects.select_for_update()
            .filter(
                family_id__in=list(mandates),
                kind=Invoice.Kind.INVOICE,
                total__gt=F("amount_settled"),
            )
            .exclude(sepa_debits__status__in=[SepaDebit.Status.SCHEDULED, SepaDebit.Status.DEBITED])
            .exclude(
                pk__in=PaymentAllocation.objects.filter(payment_lock_q(now=now)).values(
                    "invoice_id"
                )
            )
            .order_by("family_id", "number")
        )
        if not invoices:
            raise ValidationError(_("Aucune facture à prélever : rien n'a été produit."))
        already = set(
            SepaDebit.objects.filter(
                mandate__in=list(mandates.values()),
                status__in=[SepaDebit.Status.SCHEDULED, SepaDebit.Status.DEBITED],
            ).values_list("mandate_id", flat=True)
        )
        collection = SepaCollection.objects.create(
            collection_date=collection_date,
            total=sum((i.balance for i in invoices), Decimal("0.00")),
            count=len(invoices),
            created_by=user if user is not None and user.pk else None,
        )
        debits, specs = [], []
        for invoice in invoices:
            mandate = mandates[invoice.family_id]
            payment = Payment(
                family_id=invoice.family_id,
                method=Payment.Method.DIRECT_DEBIT,
                provider="",
                reference=f"PRL-{secrets.token_hex(10).upper()}",
                amount=invoice.balance,
                created_at=now,
                created_by=collection.created_by,
                note=_("Prélèvement du %(date)s") % {"date": collection_date.strftime("%d/%m/%Y")},
            )
            payment.save()
            PaymentAllocation.objects.create(
                payment=payment, invoice=invoice, amount=payment.amount
            )
            sequence = (
                SepaDebit.Sequence.RECURRING if mandate.pk in already else SepaDebit.Sequence.FIRST
            )
            debit = SepaDebit(
                collection=collection,
                mandate=mandate,
                invoice=invoice,
                payment=payment,
                amount=payment.amount,
                end_to_end_id=new_end_to_end_id(invoice.number),
                sequence=sequence,
            )
            debits.append(debit)
            specs.append(
                DebitSpec(
                    holder=mandate.holder,
                    iban=mandate.iban,
                    bic=mandate.bic,
                    amount_cents=payment.amount_cents,
                    sequence=sequence,
                    mandate_reference=mandate.reference,
                    mandate_signed_on=mandate.signed_on,
                    end_to_end_id=debit.end_to_end_id,
                    description=_("Facture %(number)s") % {"number": invoice.number},
                )
            )
        SepaDebit.objects.bulk_create(debits)
        message_id, content = pain008_build(collection_date=collection_date, debits=specs)
        name = f"{collection_date:%Y-%m-%d}-{secrets.token_hex(6)}.xml"
        file_save(collection.file, name, ContentFile(content))
        collection.message_id = message_id[:35]
        collection.file_sha256 = hashlib.sha256(content).hexdigest()
        collection.save(update_fields=["file", "file_sha256", "message_id"])
        by_family: dict[int, list[SepaDebit]] = defaultdict(list)
        for debit in debits:
            by_family[debit.invoice.family_id].append(debit)
        families = Family.objects.in_bulk(list(by_family))
        for family_id, family_debits in by_family.items():
            mandate = mandates[family_id]
            audit.record(
                families[family_id],
                user,
                DirectDebitEvent.DEBIT_SCHEDULED,
                _("Prélèvement de %(amount)s € prévu le %(date)s (%(numbers)s), mandat %(rum)s")
                % {
                    "amount": sum((d.amount for d in family_debits), Decimal("0.00")),
                    "date": collection_date.strftime("%d/%m/%Y"),
                    "numbers": ", ".join(d.invoice.number for d in family_debits),
                    "rum": mandate.reference,
                },
                obj=collection,
                request=request,
            )
        collection_pk = collection.pk
        transaction.on_commit(lambda: _prenotify(collection_pk))
    return collection


def _prenotify(collection_pk: int) -> None:
    """One email per household: what is debited, when, on which (masked) account."""
    collection = SepaCollection.objects.get(pk=collection_pk)
    debits = SepaDebit.objects.filter(collection=collection).select_related(
        "invoice", "mandate__family"
    )
    by_family: dict[int, list[SepaDebit]] = defaultdict(list)
    for debit in debits:
        by_family[debit.mandate.family_id].append(debit)
    for family_debits in by_family.values():
        mandate = family_debits[0].mandate
        send_to_family(
            "factures_sepa_prenotification",
            family=mandate.family,
            context={
                "collection": collection,
                "debits": family_debits,
                "total": sum((d.amount for d in family_debits), Decimal("0.00")),
                "mandate": mandate,
                "masked_iban": mask_iban(mandate.iban),
                "creditor_id": settings.SEPA_CREDITOR_ID,
                "creditor_name": creditor_name(),
            },
        )


def collection_mark_debited(
    *,
    collection: SepaCollection,
    by: Any,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> int:
    """The debit day is past: each debit not rejected settles its invoice (a payment of
    method "prélèvement"). Returns how many were settled; running it again settles nothing."""
    today = today or timezone.localdate()
    if collection.collection_date > today:
        raise ValidationError(
            _("Le prélèvement du %(date)s n'a pas encore eu lieu.")
            % {"date": collection.collection_date.strftime("%d/%m/%Y")}
        )
    now = timezone.now()
    settled = 0
    with transaction.atomic():
        locked = SepaCollection.objects.select_for_update().get(pk=collection.pk)
        debits = list(
            SepaDebit.objects.select_for_update()
            .filter(collection=locked, status=SepaDebit.Status.SCHEDULED)
            .select_related("invoice", "mandate__family")
        )
        for debit in debits:
            payment = payment_lock(debit.payment_id)
            invoice = Invoice.objects.select_for_update().get(pk=debit.invoice_id)
            allocation = PaymentAllocation.objects.get(payment=payment, invoice=invoice)
            if invoice.balance >= allocation.amount:
                from factures.services import invoice_apply_settlement

                invoice_apply_settlement(invoice, allocation.amount)
                allocation.applied = True
                allocation.save(update_fields=["applied"])
                transition(payment, Payment.Status.SUCCEEDED, confirmed_at=now)
            else:  # paid by other means meanwhile: the family is owed the money back
                note = _("Facture %(number)s déjà soldée au prélèvement.") % {
                    "number": invoice.number
                }
                transition(payment, Payment.Status.TO_REFUND, confirmed_at=now, note=note)
            debit.status = SepaDebit.Status.DEBITED
            debit.save(update_fields=["status"])
            audit.record(
                debit.mandate.family,
                by,
                DirectDebitEvent.DEBIT_DEBITED,
                _("Prélèvement de %(amount)s € encaissé (facture %(number)s, mandat %(rum)s)")
                % {
                    "amount": debit.amount,
                    "number": invoice.number,
                    "rum": debit.mandate.reference,
                },
                obj=payment,
                request=request,
            )
            settled += 1
        if locked.debited_at is None:
            locked.debited_at = now
            locked.save(update_fields=["debited_at"])
    return settled


# Rejects -------------------------------------------------------------------------------------


def _reject_count(mandate: SepaMandate) -> int:
    """Collections in which the family's bank rejected at least one debit of the mandate."""
    return (
        SepaDebit.objects.filter(mandate=mandate, status=SepaDebit.Status.REJECTED)
        .values("collection_id")
        .distinct()
        .count()
    )


def debit_reject(
    *,
    debit: SepaDebit,
    code: str,
    by: Any,
    rejected_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> bool:
    """The family's bank rejected or returned a debit (R-transaction): the invoice is to pay
    again, the family told, the mandate suspended after SEPA_MAX_REJECTS rejected collections.

    False (and nothing changed) when the debit was already recorded rejected.
    """
    code = (code or "").strip().upper()[:4]
    if not code:
        raise ValidationError(_("Indiquez le code du motif de rejet (ex. AM04)."))
    rejected_on = rejected_on or timezone.localdate()
    with transaction.atomic():
        locked = (
            SepaDebit.objects.select_for_update()
            .select_related("invoice", "mandate__family")
            .get(pk=debit.pk)
        )
        if locked.status == SepaDebit.Status.REJECTED:
            return False
        payment = payment_lock(locked.payment_id)
        note = _("Rejet %(code)s : %(reason)s") % {"code": code, "reason": reject_reason(code)}
        if payment.status == Payment.Status.PENDING:
            transition(payment, Payment.Status.FAILED, note=note)
        elif payment.status == Payment.Status.SUCCEEDED:
            for allocation in payment.allocations.filter(applied=True):
                _invoice_unsettle(invoice_id=allocation.invoice_id, amount=allocation.amount)
                allocation.applied = False
                allocation.save(update_fields=["applied"])
            transition(payment, Payment.Status.REJECTED, note=note)
        else:  # to refund (settled meanwhile by other means): nothing was kept, nothing owed
            payment.note = f"{payment.note} {note}".strip()
            payment.save(update_fields=["note"])
        locked.status = SepaDebit.Status.REJECTED
        locked.reject_code = code
        locked.rejected_on = rejected_on
        locked.save(update_fields=["status", "reject_code", "rejected_on"])
        mandate = locked.mandate
        family = mandate.family
        audit.record(
            family,
            by,
            DirectDebitEvent.DEBIT_REJECTED,
            _("Prélèvement de %(amount)s € rejeté (facture %(number)s) : %(code)s %(reason)s")
            % {
                "amount": locked.amount,
                "number": locked.invoice.number,
                "code": code,
                "reason": reject_reason(code),
            },
            obj=payment,
            request=request,
        )
        suspended = False
        if (
            mandate.status == SepaMandate.Status.ACTIVE
            and _reject_count(mandate) >= settings.SEPA_MAX_REJECTS
        ):
            SepaMandate.objects.filter(pk=mandate.pk).update(
                status=SepaMandate.Status.SUSPENDED,
                ended_at=timezone.now(),
                ended_reason=_("Suspendu après %(count)s rejets")
                % {"count": _reject_count(mandate)},
            )
            suspended = True
            audit.record(
                family,
                by,
                DirectDebitEvent.MANDATE_SUSPENDED,
                _("Mandat de prélèvement %(rum)s suspendu après %(count)s rejets")
                % {"rum": mandate.reference, "count": _reject_count(mandate)},
                obj=mandate,
                request=request,
            )
        debit_pk = locked.pk
        transaction.on_commit(lambda: _tell_rejected(debit_pk, suspended=suspended))
    return True


def _invoice_unsettle(*, invoice_id: int, amount: Decimal) -> None:
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    invoice.amount_settled -= amount
    invoice.settled_at = None
    invoice.save(update_fields=["amount_settled", "settled_at"])


def _tell_rejected(debit_pk: int, *, suspended: bool) -> None:
    debit = SepaDebit.objects.select_related("invoice", "mandate__family").get(pk=debit_pk)
    send_to_family(
        "factures_sepa_rejected",
        family=debit.mandate.family,
        context={
            "debit": debit,
            "invoice": debit.invoice,
            "reason": reject_reason(debit.reject_code),
            "masked_iban": mask_iban(debit.mandate.iban),
            "suspended": suspended,
        },
    )


@dataclass
class ImportResult:
    rejected: int = 0
    already: int = 0
    unknown: list[str] = field(default_factory=list)


def rejects_import(*, content: bytes, by: Any, request: HttpRequest | None = None) -> ImportResult:
    """Record the rejects of a bank's pain.002 status report; importing it again changes
    nothing. Transactions of another file (unknown end-to-end ids) are listed, not guessed."""
    result = ImportResult()
    lines = pain002_read(content)
    if not lines:
        raise ValidationError(_("Ce compte rendu ne contient aucun prélèvement rejeté."))
    debits = SepaDebit.objects.in_bulk(
        [line.end_to_end_id for line in lines], field_name="end_to_end_id"
    )
    for line in lines:
        debit = debits.get(line.end_to_end_id)
        if debit is None:
            result.unknown.append(line.end_to_end_id)
        elif debit_reject(debit=debit, code=line.code, by=by, request=request):
            result.rejected += 1
        else:
            result.already += 1
    return result
