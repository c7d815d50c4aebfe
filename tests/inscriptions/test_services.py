"""Eligibility, document blocking, the request and the staff's decision with its email."""

import datetime

import pytest
from django.core import mail

from documents.models import DocumentType, Submission
from espace_famille.models import AuditEvent
from inscriptions.audit_kinds import EnrolmentEvent
from inscriptions.models import Activity, Enrolment
from inscriptions.selectors import eligibility_problem, eligible_activities
from inscriptions.services import (
    EnrolmentRefused,
    enrolment_accept,
    enrolment_cancel,
    enrolment_refuse,
    enrolment_request,
)

DAY = datetime.timedelta(days=1)


def make(today, **fields):
    values = {
        "name": "Activité",
        "service": Activity.Service.OTHER,
        "start_date": today,
        "end_date": today + 100 * DAY,
    }
    return Activity.objects.create(**{**values, **fields})


def test_eligible_activities(lea, open_activity, today):
    make(today, name="Fermée au portail", portal_enrolment=False)
    make(today, name="Demandes closes", enrolment_closes_on=today - DAY)
    make(today, name="Demandes pas encore ouvertes", enrolment_opens_on=today + DAY)
    make(today, name="Terminée", start_date=today - 50 * DAY, end_date=today - DAY)
    make(today, name="Ados", min_age=12)  # Léa is 9 at its start
    make(today, name="Petits", max_age=5)
    make(today, name="CM2 seulement", school_classes="CM2")
    requested = make(today, name="Déjà demandée")
    Enrolment.objects.create(member=lea, activity=requested, start_date=today, end_date=today)
    assert [a.name for a in eligible_activities(lea, today)] == [open_activity.name]


def test_eligibility_messages(lea, family, today):
    lea.birth_date = None
    assert eligibility_problem(lea, make(today, min_age=3), today) == (
        "La date de naissance est nécessaire pour cette activité."
    )
    lea.birth_date = datetime.date(2017, 5, 21)
    ados = make(today, min_age=12, start_date=datetime.date(2027, 9, 1), end_date=today + 999 * DAY)
    assert (
        eligibility_problem(lea, ados, today) == "Cette activité est réservée aux 12 ans et plus."
    )
    assert eligibility_problem(lea, make(today, school_classes="cm1, CM2"), today) == (
        "Cette activité est réservée aux classes : CM1, CM2."
    )
    lea.school_class = "cm2"  # when famille's child record has the class
    assert eligibility_problem(lea, make(today, school_classes="cm1, CM2"), today) is None


def test_request_is_recorded_and_audited(parent, lea, open_activity, today):
    enrolment = enrolment_request(
        member=lea, activity=open_activity, user=parent, comment="Le mercredi seulement"
    )
    assert enrolment.status == Enrolment.Status.REQUESTED
    assert enrolment.start_date == open_activity.start_date
    assert enrolment.end_date == open_activity.end_date
    assert enrolment.requested_by == parent
    event = AuditEvent.objects.get(kind=EnrolmentEvent.ENROLMENT_REQUESTED)
    assert event.family == lea.family
    assert "Léa TEST à Accueil de loisirs du mercredi" in event.summary
    with pytest.raises(EnrolmentRefused, match="déjà une inscription"):
        enrolment_request(member=lea, activity=open_activity, user=parent)


def test_ineligible_request_refused(parent, lea, today):
    closed = make(today, portal_enrolment=False)
    with pytest.raises(EnrolmentRefused, match="ne sont pas ouvertes"):
        enrolment_request(member=lea, activity=closed, user=parent)
    assert not Enrolment.objects.exists()


def test_missing_mandatory_documents_refuse_on_the_spot(parent, lea, open_activity):
    vaccines = DocumentType.objects.create(name="Carnet de vaccination", scope="child")
    insurance = DocumentType.objects.create(name="Assurance extrascolaire", scope="activity")
    DocumentType.objects.create(name="Photo", scope="child", mandatory=False)
    DocumentType.objects.create(name="Autre activité", scope="activity")  # not required here
    open_activity.required_documents.add(insurance)

    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_request(member=lea, activity=open_activity, user=parent)
    assert "Des documents obligatoires manquent" in refused.value.message
    assert {d.name for d in refused.value.missing} == {
        "Carnet de vaccination",
        "Assurance extrascolaire",
    }
    assert not Enrolment.objects.exists()

    for document_type in (vaccines, insurance):
        Submission.objects.create(
            family=lea.family,
            member=lea,
            document_type=document_type,
            file="f.pdf",
            content_type="application/pdf",
        )
    assert enrolment_request(member=lea, activity=open_activity, user=parent)


def test_accept_emails_the_family(
    parent, staff, lea, open_activity, django_capture_on_commit_callbacks
):
    enrolment = enrolment_request(member=lea, activity=open_activity, user=parent)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_accept(enrolment=enrolment, by=staff)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.decided_by) == ("accepted", staff)
    assert AuditEvent.objects.filter(kind=EnrolmentEvent.ENROLMENT_ACCEPTED).count() == 1
    (message,) = mail.outbox
    # The household's address and its active logins (espace_famille.emails.family_recipients).
    assert message.to == ["famille-test@example.org", "parent@example.org"]
    assert message.subject == "Inscription acceptée : Léa à Accueil de loisirs du mercredi"
    assert "est acceptée, du" in message.body
    assert f"/reservations/membre/{lea.pk}/" in message.body
    assert "est acceptée, du" in message.alternatives[0][0]
    with pytest.raises(EnrolmentRefused, match="déjà été traitée"):
        enrolment_refuse(enrolment=enrolment, by=staff)


def test_refuse_emails_the_reason(
    parent, staff, lea, open_activity, django_capture_on_commit_callbacks
):
    enrolment = enrolment_request(member=lea, activity=open_activity, user=parent)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_refuse(enrolment=enrolment, by=staff, reason="Groupe complet.")
    (message,) = mail.outbox
    assert message.subject == "Inscription refusée : Léa à Accueil de loisirs du mercredi"
    assert "Motif : Groupe complet." in message.body
    assert "Groupe complet." in message.alternatives[0][0]
    assert AuditEvent.objects.filter(kind=EnrolmentEvent.ENROLMENT_REFUSED).count() == 1


def test_cancel(parent, staff, lea, open_activity):
    enrolment = enrolment_request(member=lea, activity=open_activity, user=parent)
    enrolment_cancel(enrolment=enrolment, by=staff)
    enrolment.refresh_from_db()
    assert enrolment.status == "cancelled"
    assert AuditEvent.objects.filter(kind=EnrolmentEvent.ENROLMENT_CANCELLED).count() == 1
    # Once cancelled, a new request is possible.
    assert enrolment_request(member=lea, activity=open_activity, user=parent)


def test_activity_documents_are_reported_to_documents(parent, lea, family, open_activity, today):
    from documents.registry import required_type_ids

    insurance = DocumentType.objects.create(name="Assurance extrascolaire", scope="activity")
    open_activity.required_documents.add(insurance)
    hugo = family.members.get(first_name="Hugo")
    Enrolment.objects.create(member=lea, activity=open_activity, start_date=today, end_date=today)
    Enrolment.objects.create(
        member=hugo, activity=open_activity, status="refused", start_date=today, end_date=today
    )
    assert required_type_ids([lea.pk, hugo.pk]) == {lea.pk: {insurance.pk}}


def test_a_junk_pdf_awaiting_review_does_not_unlock_enrolment_when_the_type_waits_for_acceptance(
    parent_client, parent, staff, lea, open_activity
):
    # The review's finding: any PDF sent as a mandatory document unlocked enrolment at once.
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from documents.services import submission_accept
    from tests.files import pdf_bytes

    vaccines = DocumentType.objects.create(
        name="Carnet de vaccination", scope="child", pending_counts=False
    )
    junk = SimpleUploadedFile("carnet.pdf", pdf_bytes("n'importe quoi"), "application/pdf")
    upload_url = reverse("documents:upload", args=[vaccines.pk]) + f"?member={lea.pk}"
    assert parent_client.post(upload_url, {"files": junk}).status_code == 302
    submission = Submission.objects.get(status=Submission.Status.PENDING)

    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_request(member=lea, activity=open_activity, user=parent)
    assert [d.name for d in refused.value.missing] == ["Carnet de vaccination"]
    assert not Enrolment.objects.exists()

    submission_accept(submission=submission, user=staff)
    assert enrolment_request(member=lea, activity=open_activity, user=parent)


def test_by_default_a_document_awaiting_review_still_unlocks_enrolment(parent, lea, open_activity):
    vaccines = DocumentType.objects.create(name="Carnet de vaccination", scope="child")
    assert vaccines.pending_counts
    Submission.objects.create(
        family=lea.family, member=lea, document_type=vaccines, file="f.pdf", content_type="pdf"
    )
    assert enrolment_request(member=lea, activity=open_activity, user=parent)
