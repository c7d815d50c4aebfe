"""Rejects (R-transactions): the invoice to pay again, the family told, the mandate suspended."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from espace_famille.models import AuditEvent
from factures.audit_kinds import DirectDebitEvent
from factures.models import Payment, SepaDebit, SepaMandate
from factures.sepa import services
from tests.factories import COLLECTION_DAY, IBAN_TEST, collect, issue, paper_mandate

pytestmark = pytest.mark.django_db
AFTER = COLLECTION_DAY + datetime.timedelta(days=1)


@pytest.fixture
def debited(family, staff):
    paper_mandate(family, staff)
    invoice = issue(family, "42.00")
    collection = collect(staff)
    services.collection_mark_debited(collection=collection, by=staff, today=AFTER)
    invoice.refresh_from_db()
    assert invoice.is_settled
    return invoice, collection.debits.get()


def test_a_reject_after_the_debit_puts_the_invoice_back_to_pay(
    debited, staff, mailoutbox, django_capture_on_commit_callbacks
):
    invoice, debit = debited
    with django_capture_on_commit_callbacks(execute=True):
        assert services.debit_reject(debit=debit, code="AM04", by=staff)
    invoice.refresh_from_db()
    debit.refresh_from_db()
    assert (invoice.balance, invoice.settled_at) == (invoice.total, None)
    assert debit.payment.status == Payment.Status.REJECTED
    assert (debit.status, debit.reject_code) == (SepaDebit.Status.REJECTED, "AM04")
    (mail,) = mailoutbox
    assert "Provision insuffisante" in mail.body
    assert "FR76 **** **** **** **** ***0 189" in mail.body and IBAN_TEST not in mail.body
    event = AuditEvent.objects.get(kind=DirectDebitEvent.DEBIT_REJECTED)
    assert "AM04" in event.summary


def test_recording_the_same_reject_twice_changes_nothing(debited, staff):
    _invoice, debit = debited
    assert services.debit_reject(debit=debit, code="AM04", by=staff)
    assert not services.debit_reject(debit=debit, code="AC04", by=staff)
    debit.refresh_from_db()
    assert debit.reject_code == "AM04"
    assert AuditEvent.objects.filter(kind=DirectDebitEvent.DEBIT_REJECTED).count() == 1


def test_a_reject_before_the_debit_day_fails_the_payment(family, staff):
    paper_mandate(family, staff)
    invoice = issue(family, "42.00")
    debit = collect(staff).debits.get()
    services.debit_reject(debit=debit, code="AC04", by=staff)
    debit.payment.refresh_from_db()
    invoice.refresh_from_db()
    assert debit.payment.status == Payment.Status.FAILED
    assert invoice.balance == invoice.total


def test_a_rejected_invoice_is_presented_again_in_the_next_collection(debited, staff):
    invoice, debit = debited
    services.debit_reject(debit=debit, code="AM04", by=staff)
    again = collect(staff, day=datetime.date(2027, 1, 10), today=datetime.date(2026, 12, 20))
    assert again.debits.get().invoice == invoice


def test_the_mandate_is_suspended_after_the_configured_number_of_rejects(
    debited, family, staff, mailoutbox, django_capture_on_commit_callbacks
):
    _invoice, debit = debited
    services.debit_reject(debit=debit, code="AM04", by=staff)
    assert SepaMandate.objects.get(family=family).status == SepaMandate.Status.ACTIVE
    second = collect(staff, day=datetime.date(2027, 1, 10), today=datetime.date(2026, 12, 20))
    with django_capture_on_commit_callbacks(execute=True):
        services.debit_reject(debit=second.debits.get(), code="AM04", by=staff)
    assert SepaMandate.objects.get(family=family).status == SepaMandate.Status.SUSPENDED
    assert "suspendu" in mailoutbox[-1].body
    assert AuditEvent.objects.filter(kind=DirectDebitEvent.MANDATE_SUSPENDED).count() == 1
    with pytest.raises(ValidationError, match="Aucune facture"):
        collect(staff, day=datetime.date(2027, 2, 10), today=datetime.date(2027, 1, 20))


PAIN002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-12-12T10:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>X</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId>
  </OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>
   <TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>
   <TxInfAndSts><OrgnlEndToEndId>UNKNOWN1</OrgnlEndToEndId><TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf></TxInfAndSts>
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>"""


def test_a_pain002_report_records_its_rejects_once(debited, staff):
    _invoice, debit = debited
    content = PAIN002.format(e2e=debit.end_to_end_id).encode()
    result = services.rejects_import(content=content, by=staff)
    assert (result.rejected, result.already, result.unknown) == (1, 0, ["UNKNOWN1"])
    again = services.rejects_import(content=content, by=staff)
    assert (again.rejected, again.already) == (0, 1)
    debit.refresh_from_db()
    assert debit.reject_code == "AC04"


@pytest.mark.parametrize(
    "content",
    [b"not xml", b"<Document/>", b'<!DOCTYPE x [<!ENTITY a "b">]><Document>&a;</Document>'],
)
def test_a_file_that_is_no_pain002_is_refused_in_french(staff, content):
    with pytest.raises(ValidationError, match=r"pas un compte rendu pain\.002"):
        services.rejects_import(content=content, by=staff)


def test_an_invoice_waiting_for_its_debit_is_not_overdue_until_the_bank_rejects_it(family, staff):
    """A household paying by direct debit is not refused bookings for an invoice whose due date
    comes before the debit day; once the bank rejects the debit, the invoice is owed again."""
    from factures.selectors import overdue_balance

    invoice = issue(family, "42.00")  # due long before the debit day
    after_due = invoice.due_date + datetime.timedelta(days=1)
    assert overdue_balance(family.pk, today=after_due) == invoice.total  # no mandate yet
    paper_mandate(family, staff)
    assert overdue_balance(family.pk, today=after_due) == 0
    debit = collect(staff).debits.get()
    assert overdue_balance(family.pk, today=after_due) == 0
    services.debit_reject(debit=debit, code="AM04", by=staff)
    assert overdue_balance(family.pk, today=after_due) == invoice.total
