"""`manage.py check`: the creditor's identity of the direct debit, when it is configured."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ValidationError

from factures.sepa.banking import bic_validate, creditor_id_is_valid, iban_validate


@register()
def sepa_creditor_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if not (settings.SEPA_CREDITOR_ID or settings.SEPA_CREDITOR_IBAN):
        return errors  # direct debit not offered
    if not creditor_id_is_valid(settings.SEPA_CREDITOR_ID):
        errors.append(
            Error("SEPA_CREDITOR_ID is not a valid creditor identifier (ICS).", id="factures.E001")
        )
    try:
        iban_validate(settings.SEPA_CREDITOR_IBAN)
        bic_validate(settings.SEPA_CREDITOR_BIC)
    except ValidationError as exc:
        errors.append(
            Error(f"SEPA_CREDITOR_IBAN or SEPA_CREDITOR_BIC: {exc.messages[0]}", id="factures.E002")
        )
    return errors
