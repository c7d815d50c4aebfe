"""Direct debit tests: the creditor configured (mandates and collections: tests/factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import CREDITOR_ID


@pytest.fixture(autouse=True)
def sepa_settings(settings):
    settings.SEPA_CREDITOR_ID = CREDITOR_ID
    settings.SEPA_CREDITOR_NAME = "Accueil de loisirs Les Tests"
    settings.SEPA_CREDITOR_IBAN = "FR1420041010050500013M02606"
    settings.SEPA_CREDITOR_BIC = "PSSTFRPP"
    settings.SEPA_DEBIT_DAY = 10
    settings.SEPA_PRENOTIFICATION_DAYS = 14
    settings.SEPA_MAX_REJECTS = 2
    return settings
