"""The bank files: the pain.008 collection (sepaxml, checked against its XSD) and pain.002.

pain.008.001.02 (SEPA Core Direct Debit), the version every French bank accepts. sepaxml
validates its output with xmlschema against the XSD it ships (`sepaxml/schemas/`); a file that
does not validate is never stored.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from espace_famille.models import Structure
from factures.sepa.banking import bic_validate

SCHEMA = "pain.008.001.02"


@dataclass(frozen=True)
class DebitSpec:
    holder: str
    iban: str
    bic: str
    amount_cents: int
    sequence: str
    mandate_reference: str
    mandate_signed_on: datetime.date
    end_to_end_id: str
    description: str


def creditor_name() -> str:
    return (settings.SEPA_CREDITOR_NAME or Structure.current().name or "Espace Famille")[:70]


def pain008_build(*, collection_date: datetime.date, debits: list[DebitSpec]) -> tuple[str, bytes]:
    """(message id, XML) of a collection; raises ValidationError when the XSD refuses it."""
    from sepaxml import SepaDD
    from sepaxml.validation import ValidationError as SepaValidationError

    config = {
        "name": creditor_name(),
        "IBAN": settings.SEPA_CREDITOR_IBAN,
        "BIC": bic_validate(settings.SEPA_CREDITOR_BIC, iban=settings.SEPA_CREDITOR_IBAN),
        "batch": True,
        "creditor_id": settings.SEPA_CREDITOR_ID,
        "currency": "EUR",
    }
    sepa = SepaDD(config, schema=SCHEMA, clean=True)
    for debit in debits:
        payment: dict[str, object] = {
            "name": debit.holder,
            "IBAN": debit.iban,
            "amount": debit.amount_cents,
            "type": debit.sequence,
            "collection_date": collection_date,
            "mandate_id": debit.mandate_reference,
            "mandate_date": debit.mandate_signed_on,
            "description": debit.description,
            "endtoend_id": debit.end_to_end_id,
        }
        if debit.bic:
            payment["BIC"] = debit.bic
        sepa.add_payment(payment)
    try:
        content = sepa.export(validate=True, pretty_print=True)
    except SepaValidationError as exc:
        raise ValidationError(
            _("Le fichier de prélèvement n'est pas conforme au schéma %(schema)s : %(error)s")
            % {"schema": SCHEMA, "error": exc.__cause__ or exc}
        ) from exc
    match = re.search(rb"<MsgId>([^<]+)</MsgId>", content)
    return (match.group(1).decode() if match else ""), content


@dataclass(frozen=True)
class RejectLine:
    end_to_end_id: str
    code: str


def pain002_read(content: bytes) -> list[RejectLine]:
    """The rejected transactions (TxSts RJCT) of a pain.002 status report, any version."""
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise ValidationError(_("Ce fichier n'est pas un compte rendu pain.002 lisible."))
    try:
        # No DTD or entity got this far (refused above): what defusedxml would refuse.
        root = ElementTree.fromstring(content)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise ValidationError(_("Ce fichier n'est pas un compte rendu pain.002 lisible.")) from exc

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    if not any(local(el.tag) == "CstmrPmtStsRpt" for el in root.iter()):
        raise ValidationError(_("Ce fichier n'est pas un compte rendu pain.002 lisible."))
    rejects = []
    for tx in root.iter():
        if local(tx.tag) != "TxInfAndSts":
            continue
        fields = {local(el.tag): (el.text or "").strip() for el in tx.iter()}
        status = fields.get("TxSts", "")
        code = ""
        for reason in tx.iter():
            if local(reason.tag) == "Rsn":
                code = next(
                    ((el.text or "").strip() for el in reason.iter() if local(el.tag) == "Cd"), ""
                )
        if status == "RJCT" and fields.get("OrgnlEndToEndId"):
            rejects.append(RejectLine(fields["OrgnlEndToEndId"], code or "MS03"))
    return rejects
