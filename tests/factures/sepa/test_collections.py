"""The month's collection: a valid pain.008, no invoice debited twice, settlement, rejects."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from xml.etree import ElementTree

import pytest
import sepaxml
import xmlschema
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from espace_famille.models import AuditEvent
from factures import services as billing
from factures.audit_kinds import DirectDebitEvent
from factures.models import Invoice, Payment, SepaCollection, SepaDebit, SepaMandate
from factures.sepa import services
from factures.sepa.pain import SCHEMA
from tests.factories import (
    COLLECTION_DAY,
    IBAN_OTHER,
    IBAN_TEST,
    TODAY,
    collect,
    issue,
    paper_mandate,
)

pytestmark = pytest.mark.django_db
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}
AFTER = COLLECTION_DAY + datetime.timedelta(days=1)


def xsd() -> xmlschema.XMLSchema:
    """The XSD sepaxml validates its own output with."""
    path = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{SCHEMA}.xsd")
    return xmlschema.XMLSchema(path)


@pytest.fixture
def two_households(family, other_family, staff):
    paper_mandate(family, staff, IBAN_TEST)
    paper_mandate(other_family, staff, IBAN_OTHER, holder="Zoé Autre")
    return (
        [issue(family, "12.50"), issue(family, "7.25")],
        [issue(other_family, "30.00")],
    )


def test_the_collection_file_is_a_valid_pain008_for_two_mandates(two_households, staff):
    collection = collect(staff)
    content = collection.file.read()
    xsd().validate(content.decode())  # raises when the file does not follow the schema
    root = ElementTree.fromstring(content)  # noqa: S314  (our own file)
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "49.75"
    mandates = {el.text for el in root.iterfind(".//p:MndtId", NS)}
    assert mandates == set(SepaMandate.objects.values_list("reference", flat=True))
    assert {el.text for el in root.iterfind(".//p:DbtrAcct/p:Id/p:IBAN", NS)} == {
        IBAN_TEST,
        IBAN_OTHER,
    }
    assert root.findtext(".//p:ReqdColltnDt", namespaces=NS) == "2026-12-10"
    assert root.findtext(".//p:CdtrSchmeId//p:Othr/p:Id", namespaces=NS) == "FR72ZZZ123456"
    assert {el.text for el in root.iterfind(".//p:SeqTp", NS)} == {"FRST"}
    assert (collection.count, collection.total) == (3, Decimal("49.75"))


def test_an_invoice_is_never_debited_twice(two_households, staff):
    collect(staff)
    with pytest.raises(ValidationError, match="Aucune facture à prélever"):
        collect(staff, day=COLLECTION_DAY.replace(month=12, day=31))
    assert SepaDebit.objects.count() == 3


def test_the_database_refuses_a_second_open_debit_of_an_invoice(two_households, staff):
    collect(staff)
    debit = SepaDebit.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        SepaDebit.objects.create(
            collection=debit.collection,
            mandate=debit.mandate,
            invoice=debit.invoice,
            payment=Payment.objects.create(
                family=debit.mandate.family,
                method=Payment.Method.DIRECT_DEBIT,
                reference="PRL-TWICE",
                amount=debit.amount,
                created_at=debit.payment.created_at,
            ),
            amount=debit.amount,
            end_to_end_id="TWICE",
            sequence="RCUR",
        )


def test_a_new_invoice_goes_into_the_next_collection_as_recurring(two_households, family, staff):
    first = collect(staff)
    services.collection_mark_debited(collection=first, by=staff, today=AFTER)
    later = issue(family, "9.00")
    second = collect(staff, day=datetime.date(2027, 1, 10), today=datetime.date(2026, 12, 20))
    debit = second.debits.get()
    assert (debit.invoice, debit.sequence) == (later, "RCUR")


def test_the_debit_date_must_leave_the_families_the_prenotification_days(two_households, staff):
    with pytest.raises(ValidationError, match="prévenues 14 jours avant"):
        collect(staff, day=TODAY + datetime.timedelta(days=13))
    assert not SepaCollection.objects.exists()


def test_families_are_told_in_advance_with_the_iban_masked(
    two_households, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        collect(staff)
    assert len(mailoutbox) == 2
    mail = next(m for m in mailoutbox if "famille-test@example.org" in m.to)
    assert "19,75" in mail.subject or "19.75" in mail.subject
    assert "10 décembre 2026" in mail.body
    assert "FR76 **** **** **** **** ***0 189" in mail.body
    assert IBAN_TEST not in mail.body and IBAN_TEST not in str(mail.alternatives)
    assert "FR72ZZZ123456" in mail.body


def test_marking_the_collection_debited_settles_the_invoices_by_direct_debit(two_households, staff):
    collection = collect(staff)
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.collection_mark_debited(collection=collection, by=staff, today=TODAY)
    assert services.collection_mark_debited(collection=collection, by=staff, today=AFTER) == 3
    assert services.collection_mark_debited(collection=collection, by=staff, today=AFTER) == 0
    assert all(invoice.is_settled for invoice in Invoice.objects.all())
    payments = Payment.objects.filter(method=Payment.Method.DIRECT_DEBIT)
    assert set(payments.values_list("status", flat=True)) == {Payment.Status.SUCCEEDED}
    assert AuditEvent.objects.filter(kind=DirectDebitEvent.DEBIT_DEBITED).count() == 3


def test_an_invoice_paid_by_cheque_meanwhile_is_to_refund_not_settled_twice(two_households, staff):
    collection = collect(staff)
    invoice = two_households[1][0]
    billing.payment_record_offline(
        invoice=invoice, method="cheque", amount=invoice.total, user=staff
    )
    services.collection_mark_debited(collection=collection, by=staff, today=AFTER)
    invoice.refresh_from_db()
    assert invoice.amount_settled == invoice.total
    assert SepaDebit.objects.get(invoice=invoice).payment.status == Payment.Status.TO_REFUND


def test_an_invoice_in_a_collection_cannot_be_paid_online(two_households, family, staff):
    collect(staff)
    with pytest.raises(ValidationError, match="sera prélevée"):
        billing.payment_start(
            family=family,
            invoice_ids=[two_households[0][0].pk],
            user=None,
            provider="sandbox",
        )


def test_nothing_is_audited_with_a_whole_iban(two_households, staff):
    collection = collect(staff)
    services.collection_mark_debited(collection=collection, by=staff, today=AFTER)
    services.debit_reject(debit=collection.debits.first(), code="AM04", by=staff)
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    reprs = " ".join(AuditEvent.objects.values_list("object_repr", flat=True))
    assert "FR76 **** **** **** **** ***0 189" in summaries
    assert IBAN_TEST not in summaries + reprs and IBAN_OTHER not in summaries + reprs
