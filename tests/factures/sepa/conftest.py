"""Direct debit tests: the creditor configured, families with mandates, a collection file."""

from __future__ import annotations

import datetime

import pytest

from factures.sepa import services

CREDITOR_ID = "FR72ZZZ123456"  # a valid ICS (mod 97 check)
IBAN_TEST = "FR7630006000011234567890189"
IBAN_OTHER = "FR7630004000010001234567830"
IBAN_THIRD = "FR7610278060000001234567872"
TODAY = datetime.date(2026, 11, 20)
COLLECTION_DAY = datetime.date(2026, 12, 10)  # the debit day, 20 days ahead


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


def paper_mandate(family, staff, iban: str = IBAN_TEST, holder: str = "Camille Test"):
    return services.mandate_record_paper(
        family=family,
        user=staff,
        holder=holder,
        iban=iban,
        signed_on=datetime.date(2026, 10, 1),
    )


def collect(staff, day: datetime.date = COLLECTION_DAY, today: datetime.date = TODAY):
    return services.collection_create(collection_date=day, user=staff, today=today)
