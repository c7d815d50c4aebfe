"""Two staff members decide on the same document at once: exactly one decision wins.

On SQLite (a file database) and PostgreSQL, like every test marked `concurrency`.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from documents.audit_kinds import DocumentEvent
from documents.models import Submission
from documents.services import submission_accept, submission_refuse
from espace_famille.models import AuditEvent
from tests.factories import make_submission

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_concurrent_accept_and_refuse_decide_once(family, staff, vaccination, lea):
    submission = make_submission(family, vaccination, lea)
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def decide(action):
        try:
            barrier.wait()
            results.append(action(Submission.objects.get(pk=submission.pk)))
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide, args=(lambda s: submission_accept(submission=s, user=staff),)
        ),
        threading.Thread(
            target=decide,
            args=(lambda s: submission_refuse(submission=s, user=staff, reason="Flou"),),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    decisions = AuditEvent.objects.filter(
        kind__in=[DocumentEvent.DOCUMENT_ACCEPTED, DocumentEvent.DOCUMENT_REFUSED]
    )
    assert decisions.count() == 1
    submission.refresh_from_db()
    assert submission.status != Submission.Status.PENDING
