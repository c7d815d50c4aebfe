"""One rule of "document provided" (`provided_rule`), honoured by every read.

A document waiting for review counts as provided only when its type says so
(`DocumentType.pending_counts`, on by default); an accepted one while it is valid.
"""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.utils import timezone

from documents.models import DocumentType, Submission
from documents.selectors import (
    documents_to_provide_count,
    family_documents,
    missing_documents,
    requested_document,
)
from tests.factories import make_submission, make_type

TODAY = datetime.date(2026, 11, 26)
Status = Submission.Status

CASES = [
    # (status, valid_until, pending_counts, provided)
    (Status.PENDING, None, True, True),
    (Status.PENDING, None, False, False),
    (Status.ACCEPTED, None, False, True),
    (Status.ACCEPTED, TODAY, False, True),
    (Status.ACCEPTED, TODAY - datetime.timedelta(days=1), True, False),
    (Status.REFUSED, None, True, False),
    (Status.REPLACED, None, True, False),
]


@pytest.mark.parametrize("status,valid_until,pending_counts,provided", CASES)
def test_every_read_gives_the_same_answer(
    family, lea, status, valid_until, pending_counts, provided
):
    document_type = make_type("Carnet", pending_counts=pending_counts)
    submission = make_submission(family, document_type, lea, status=status, valid_until=valid_until)

    filtered = Submission.objects.provided(TODAY).filter(pk=submission.pk).exists()
    selector = document_type not in missing_documents(member=lea, today=TODAY)
    flag = Submission.objects.with_rule_flags(TODAY).get().counts_as_provided
    page = requested_document(family, document_type, lea, today=TODAY).provided
    [owner] = [o for o in family_documents(family, today=TODAY) if o.member == lea]
    listed = next(d for d in owner.documents if d.document_type == document_type).provided

    assert filtered == selector == flag == page == listed == provided


def test_a_document_awaiting_review_counts_by_default(db):
    assert DocumentType().pending_counts is True


def test_accepted_only_a_pending_document_blocks_but_asks_nothing_more(family, lea):
    document_type = make_type("Carnet", pending_counts=False)
    make_submission(family, document_type, lea, status=Status.PENDING)

    [missing] = missing_documents(member=lea, today=TODAY)
    assert missing == document_type and missing.awaiting_review
    # The family has sent it: the badge and the page do not ask for it again.
    item = requested_document(family, document_type, lea, today=TODAY)
    assert item.awaiting_acceptance and not item.needs_action
    badge = documents_to_provide_count(family, today=TODAY)
    DocumentType.objects.update(pending_counts=True)
    assert documents_to_provide_count(family, today=TODAY) == badge


def test_a_type_with_nothing_sent_is_not_awaiting_review(family, lea):
    document_type = make_type("Carnet", pending_counts=False)
    [missing] = missing_documents(member=lea, today=TODAY)
    assert missing == document_type and not missing.awaiting_review


def test_the_page_says_why_the_document_does_not_unlock_yet(parent_client, family, lea):
    document_type = make_type("Carnet", pending_counts=False)
    make_submission(family, document_type, lea, status=Status.PENDING)
    html = unescape(parent_client.get("/documents/").content.decode())
    assert "attendront que la structure l'accepte" in html


def test_the_planning_says_a_missing_document_was_sent_and_awaits_acceptance(
    parent_client, family, lea
):
    from inscriptions.models import Activity, Enrolment

    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Accueil du soir",
        service=Activity.Service.OTHER,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=30),
    )
    activity.units.create(name="Soir", weekdays="12345")
    Enrolment.objects.create(
        member=lea,
        activity=activity,
        status=Enrolment.Status.ACCEPTED,
        start_date=activity.start_date,
        end_date=activity.end_date,
    )
    document_type = make_type("Carnet", pending_counts=False)
    make_submission(family, document_type, lea, status=Status.PENDING)
    html = unescape(parent_client.get(f"/reservations/membre/{lea.pk}/").content.decode())
    assert "Des documents obligatoires manquent" in html
    assert "Carnet</a> — envoyé, il débloque la demande une fois accepté par la structure" in html
