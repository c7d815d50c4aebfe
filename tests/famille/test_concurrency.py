"""Two staff members accept the same request at once: it is applied and notified once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from espace_famille.models import AuditEvent
from famille.audit_kinds import FamilyEvent
from famille.models import ChangeRequest
from famille.services import change_request_accept, change_request_refuse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_concurrent_decisions_apply_once(pending_request, staff, lea):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(accept: bool) -> None:
        try:
            barrier.wait()
            if accept:
                change_request_accept(change_request=pending_request, user=staff)
            else:
                change_request_refuse(change_request=pending_request, user=staff, reason="Non.")
            outcomes.append("done")
        except ValidationError:
            outcomes.append("already decided")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already decided", "done"]
    pending_request.refresh_from_db()
    lea.refresh_from_db()
    decisions = AuditEvent.objects.filter(
        kind__in=[FamilyEvent.CHANGE_ACCEPTED, FamilyEvent.CHANGE_REFUSED]
    )
    assert decisions.count() == 1
    if pending_request.status == ChangeRequest.Status.ACCEPTED:
        assert lea.allergies == "Arachides"
    else:
        assert pending_request.status == ChangeRequest.Status.REFUSED
        assert lea.allergies == ""
