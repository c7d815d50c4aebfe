"""Mass invitations: beyond a few logins they go out as a background job with its progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from espace_famille.admin import INVITATIONS_INLINE_MAX
from espace_famille.models import AuditEvent, StaffJob, User
from famille.models import Family

pytestmark = pytest.mark.django_db

USERS = reverse("admin:espace_famille_user_changelist")


def _parents(count: int, *, left: int = 0) -> list[User]:
    gone = Family.objects.create(name="PARTIS", is_active=False)
    here = Family.objects.create(name="MASSE")
    return [
        User.objects.create_user(f"parent{n}@example.org", family=gone if n < left else here)
        for n in range(count)
    ]


def test_a_whole_list_of_parents_is_invited_by_a_job_with_its_result(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    parents = _parents(INVITATIONS_INLINE_MAX + 5, left=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            USERS, {"action": "action_invite", "_selected_action": [p.pk for p in parents]}
        )
    job = StaffJob.objects.get()
    assert response.url == reverse("admin:espace_famille_staffjob_progress", args=[job.pk])
    assert (job.kind, job.state, job.done, job.total) == (
        "espace_famille.invitations",
        "succeeded",
        len(parents),
        len(parents),
    )
    sent = len(parents) - 2
    assert len(mailoutbox) == sent
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.INVITATION_SENT).count() == sent
    page = staff_client.get(response.url).content.decode()
    assert f"{sent} invitations envoyées." in page
    assert "2 comptes désactivés ou familles parties : pas d&#x27;invitation." in page


def test_a_few_invitations_still_go_out_at_once(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    parents = _parents(3)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            USERS, {"action": "action_invite", "_selected_action": [p.pk for p in parents]}
        )
    assert response.status_code == 302 and response.url.endswith(USERS)
    assert not StaffJob.objects.exists()
    assert len(mailoutbox) == 3


def test_the_invitation_job_needs_the_right_to_change_logins(client, structure):
    from django.core.exceptions import PermissionDenied

    from espace_famille.jobs import job_start

    viewer = User.objects.create_user("lecture@example.org", is_staff=True)
    with pytest.raises(PermissionDenied):
        job_start(kind="espace_famille.invitations", user=viewer, params={"user_ids": []})
