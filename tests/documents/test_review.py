"""Staff review: accept or refuse (services and admin), email to the family, audit log."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.audit_kinds import DocumentEvent
from documents.models import Submission
from documents.services import submission_accept, submission_refuse
from espace_famille.models import AuditEvent
from tests.factories import make_submission
from tests.files import pdf_bytes

TODAY = datetime.date(2026, 9, 15)
CHANGELIST = "/admin/documents/submission/"


@pytest.fixture
def pending(family, parent, vaccination, lea):
    from django.core.files.base import ContentFile

    submission = make_submission(family, vaccination, lea, original_name="vaccins.pdf")
    submission.file.save("x.pdf", ContentFile(pdf_bytes()), save=True)
    return submission


def test_accept_sets_validity_audits_and_emails(
    pending, staff, parent, family, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_accept(submission=pending, user=staff, today=TODAY)

    pending.refresh_from_db()
    assert pending.status == Submission.Status.ACCEPTED
    assert pending.valid_until == datetime.date(2027, 9, 14)  # 12 months
    assert (pending.reviewed_by, pending.reviewed_at is not None) == (staff, True)
    event = AuditEvent.objects.get(kind=DocumentEvent.DOCUMENT_ACCEPTED)
    assert (event.family, event.user, event.object_id) == (family, staff, str(pending.pk))
    (message,) = mail.outbox
    assert sorted(message.to) == sorted({family.email, parent.email})
    assert message.subject == "Document accepté : Carnet de vaccination"
    assert "Léa TEST a été accepté" in message.body
    assert "valable jusqu'au 14 septembre 2027" in message.body
    html = message.alternatives[0][0]
    assert "Léa TEST a été accepté" in html and "/documents/" in html


def test_accept_with_an_explicit_end_date(pending, staff):
    submission_accept(submission=pending, user=staff, valid_until=datetime.date(2030, 1, 1))
    pending.refresh_from_db()
    assert pending.valid_until == datetime.date(2030, 1, 1)


def test_refuse_needs_a_reason_and_emails_it(
    pending, staff, family, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        submission_refuse(submission=pending, user=staff, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_refuse(submission=pending, user=staff, reason="Les pages sont floues.")

    pending.refresh_from_db()
    assert pending.status == Submission.Status.REFUSED
    assert pending.refusal_reason == "Les pages sont floues."
    event = AuditEvent.objects.get(kind=DocumentEvent.DOCUMENT_REFUSED)
    assert "Les pages sont floues." in event.summary
    (message,) = mail.outbox
    assert message.subject == "Document refusé : Carnet de vaccination"
    assert "Motif : Les pages sont floues." in message.body
    assert "Les pages sont floues." in message.alternatives[0][0]


def test_a_decided_submission_is_not_decided_again(pending, staff):
    submission_refuse(submission=pending, user=staff, reason="Non")
    assert not submission_accept(submission=pending, user=staff)
    pending.refresh_from_db()
    assert pending.status == Submission.Status.REFUSED
    assert AuditEvent.objects.filter(kind=DocumentEvent.DOCUMENT_ACCEPTED).count() == 0


def test_no_email_is_sent_before_the_commit(pending, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission_accept(submission=pending, user=staff)
    assert mail.outbox == [] and len(callbacks) == 1


def test_admin_changelist_and_change_form(staff_client, pending, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = staff_client.get(CHANGELIST + "?status__exact=pending")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Carnet de vaccination" in html and "Léa TEST" in html
    assert reverse("admin:documents_submission_file", args=[pending.pk]) in html
    assert 'name="reason"' in html  # the refusal reason beside the bulk actions
    change = staff_client.get(reverse("admin:documents_submission_change", args=[pending.pk]))
    html = change.content.decode()
    assert "Ouvrir le PDF" in html
    assert reverse("admin:documents_submission_decision", args=[pending.pk]) in html
    assert 'name="decision_reason"' in html


def test_admin_bulk_accept(staff_client, pending, family, vaccination, hugo, mailoutbox):
    other = make_submission(family, vaccination, hugo)
    response = staff_client.post(
        CHANGELIST,
        {"action": "action_accept", "_selected_action": [pending.pk, other.pk], "reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Submission.objects.values_list("status", flat=True)) == {"accepted"}
    assert "2 documents acceptés ; les familles ont été prévenues" in response.content.decode()
    assert AuditEvent.objects.filter(kind=DocumentEvent.DOCUMENT_ACCEPTED).count() == 2


def test_admin_bulk_refuse_needs_the_reason(staff_client, pending):
    response = staff_client.post(
        CHANGELIST,
        {"action": "action_refuse", "_selected_action": [pending.pk], "reason": ""},
        follow=True,
    )
    assert "Indiquez le motif du refus" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Submission.Status.PENDING

    staff_client.post(
        CHANGELIST,
        {"action": "action_refuse", "_selected_action": [pending.pk], "reason": "Périmé"},
    )
    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == ("refused", "Périmé")


def test_admin_decision_buttons(staff_client, pending, family, vaccination, hugo):
    decision = reverse("admin:documents_submission_decision", args=[pending.pk])
    assert staff_client.get(decision).status_code == 405
    response = staff_client.post(decision, {"_accept": "1", "decision_valid_until": "2027-08-31"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.valid_until) == ("accepted", datetime.date(2027, 8, 31))

    other = make_submission(family, vaccination, hugo)
    decision = reverse("admin:documents_submission_decision", args=[other.pk])
    staff_client.post(decision, {"_refuse": "1", "decision_reason": "Flou"})
    other.refresh_from_db()
    assert (other.status, other.refusal_reason) == ("refused", "Flou")


def test_a_parent_cannot_reach_the_review(client, parent, pending):
    client.force_login(parent)
    decision = reverse("admin:documents_submission_decision", args=[pending.pk])
    response = client.post(decision, {"_accept": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    pending.refresh_from_db()
    assert pending.status == Submission.Status.PENDING


def test_staff_cannot_delete_or_invent_submissions(staff_client, pending):
    assert staff_client.get(CHANGELIST + "add/").status_code == 403
    delete = reverse("admin:documents_submission_delete", args=[pending.pk])
    assert staff_client.get(delete).status_code == 403
