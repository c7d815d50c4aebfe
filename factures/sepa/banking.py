"""Account numbers and dates of the direct debit: validation (schwifty), masking, references.

No database access here: models, services, forms and templates share these functions.
"""

from __future__ import annotations

import calendar
import datetime
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The R-transaction reasons staff meet most (EPC guidance, French banks' wording).
REJECT_REASONS: dict[str, StrOrPromise] = {
    "AM04": gettext_lazy("Provision insuffisante"),
    "AC04": gettext_lazy("Compte clôturé"),
    "AC01": gettext_lazy("Numéro de compte incorrect"),
    "AC06": gettext_lazy("Compte bloqué"),
    "AG01": gettext_lazy("Compte n'acceptant pas le prélèvement"),
    "MD01": gettext_lazy("Pas de mandat valide"),
    "MD06": gettext_lazy("Remboursement demandé par le débiteur"),
    "MD07": gettext_lazy("Débiteur décédé"),
    "MS02": gettext_lazy("Refus du débiteur"),
    "MS03": gettext_lazy("Raison non communiquée"),
    "SL01": gettext_lazy("Service spécifique de la banque du débiteur"),
}


def reject_reason(code: str) -> str:
    return str(REJECT_REASONS.get(code, _("Motif %(code)s") % {"code": code}))


def compact(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def mask_iban(iban: str) -> str:
    """ "FR76 **** **** **** **** ***0 189": the country, its check digits and the last four."""
    value = compact(iban)
    if len(value) <= 8:
        return "*" * len(value)
    hidden = value[:4] + "*" * (len(value) - 8) + value[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


def iban_validate(value: str) -> str:
    """The IBAN in compact form, or a ValidationError in French (SEPA zone only)."""
    from schwifty import IBAN
    from schwifty.exceptions import (
        InvalidBBANChecksum,
        InvalidChecksumDigits,
        InvalidCountryCode,
        InvalidLength,
        SchwiftyException,
    )

    text = compact(value)
    if not text:
        raise ValidationError(_("Saisissez l'IBAN du compte à débiter."), code="required")
    try:
        iban = IBAN(text)
    except InvalidCountryCode:
        raise ValidationError(
            _("L'IBAN doit commencer par le code d'un pays (FR pour la France)."), code="country"
        ) from None
    except InvalidLength:
        raise ValidationError(
            _("L'IBAN n'a pas la bonne longueur (27 caractères pour un compte en France)."),
            code="length",
        ) from None
    except (InvalidChecksumDigits, InvalidBBANChecksum):
        raise ValidationError(
            _("Cet IBAN n'est pas valide : vérifiez chaque caractère (clé de contrôle erronée)."),
            code="checksum",
        ) from None
    except SchwiftyException:
        raise ValidationError(
            _("Cet IBAN n'est pas valide : vérifiez chaque caractère."), code="invalid"
        ) from None
    if not iban.in_sepa_zone:
        raise ValidationError(
            _("Ce compte n'est pas dans la zone SEPA : il ne peut pas être prélevé."),
            code="sepa",
        )
    return str(iban.compact)


def bic_validate(value: str, *, iban: str = "") -> str:
    """The BIC (8 or 11 characters) or, left empty, the one schwifty knows for the IBAN."""
    from schwifty import BIC, IBAN
    from schwifty.exceptions import SchwiftyException

    text = compact(value)
    if not text:
        if iban:
            try:
                known = IBAN(iban).bic
            except SchwiftyException:
                known = None
            return str(known.compact) if known else ""
        return ""
    try:
        bic = BIC(text)
    except SchwiftyException:
        raise ValidationError(
            _("Ce BIC n'est pas valide : il compte 8 ou 11 lettres et chiffres (ex. AGRIFRPP)."),
            code="bic",
        ) from None
    return str(bic.compact)


def creditor_id_is_valid(value: str) -> bool:
    """ICS check (ISO 7064 mod 97-10 over the identifier without its business code)."""
    text = compact(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{3}[A-Z0-9]{1,28}", text):
        return False
    national = text[7:] + text[:2] + text[2:4]
    digits = "".join(str(int(char, 36)) for char in national)
    return int(digits) % 97 == 1


def new_mandate_reference(family_id: int) -> str:
    """A unique mandate reference (RUM): at most 35 characters of the SEPA set."""
    return f"EF-{family_id:06d}-{secrets.token_hex(5).upper()}"


def new_end_to_end_id(invoice_number: str) -> str:
    return f"EF{invoice_number.replace('-', '')}{secrets.token_hex(4).upper()}"[:35]


def direct_debit_enabled() -> bool:
    return bool(settings.SEPA_CREDITOR_ID and settings.SEPA_CREDITOR_IBAN)


def debit_date_on_or_after(day: datetime.date) -> datetime.date:
    """The first debit day (SEPA_DEBIT_DAY of a month, the month's last day if shorter) >= day."""
    wanted = settings.SEPA_DEBIT_DAY
    year, month = day.year, day.month
    while True:
        last = calendar.monthrange(year, month)[1]
        candidate = datetime.date(year, month, min(wanted, last))
        if candidate >= day:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def earliest_collection_date(today: datetime.date) -> datetime.date:
    """The families must be told PRENOTIFICATION_DAYS before: the earliest date one may debit."""
    return today + datetime.timedelta(days=settings.SEPA_PRENOTIFICATION_DAYS)


def next_debit_date(today: datetime.date) -> datetime.date:
    """When an invoice not yet in a collection will be debited, at the earliest."""
    return debit_date_on_or_after(earliest_collection_date(today))
