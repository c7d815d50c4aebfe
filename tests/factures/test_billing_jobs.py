"""Long staff work as a background job: progress, result page, never twice at once."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from espace_famille.jobs import STALE_AFTER, JobAlreadyRunning, job_run, job_start, progress_writer
from espace_famille.models import StaffJob, User
from factures.models import Invoice
from tests.factories import book, child

pytestmark = pytest.mark.django_db

BILLING = "factures.billing_run"
RUN_URL = "/admin/factures/invoice/facturer/"


def progress_url(job: StaffJob) -> str:
    return reverse("admin:espace_famille_staffjob_progress", args=[job.pk])


@pytest.fixture
def october(family, other_family, units, tariffs):
    """Two households with a booking each in October 2026 (a month that is over)."""
    book(child(family, "Léa"), units["repas"], datetime.date(2026, 10, 7))
    book(child(other_family, "Zoé"), units["repas"], datetime.date(2026, 10, 8))


def test_the_billing_run_starts_a_job_and_shows_its_result(staff_client, staff, october):
    response = staff_client.post(RUN_URL, {"month": "2026-10"})
    job = StaffJob.objects.get()
    assert response.url == progress_url(job)
    # The immediate task backend ran it at once: done, every household counted.
    assert (job.kind, job.state, job.done, job.total, job.started_by) == (
        BILLING,
        "succeeded",
        2,
        2,
        staff,
    )
    assert Invoice.objects.count() == 2
    page = staff_client.get(progress_url(job)).content.decode()
    assert "2 factures émises, total 8,00\xa0€." in page
    assert "?period_start__gte=2026-10-01&amp;period_end__lte=2026-10-31" in page
    assert 'http-equiv="refresh"' not in page


def test_the_result_link_lists_the_month_s_invoices(staff_client, october):
    staff_client.post(RUN_URL, {"month": "2026-10"})
    url = StaffJob.objects.get().result["url"]
    assert len(staff_client.get(url).context["cl"].result_list) == 2


def test_a_running_job_shows_its_progress_and_refreshes_itself(staff_client, staff):
    job = StaffJob.objects.create(
        kind=BILLING, label="10/2026", state="running", done=30, total=120, started_by=staff
    )
    page = staff_client.get(progress_url(job)).content.decode()
    assert '<progress id="job-progress-' in page and 'value="25"' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "30 sur 120 étapes" in page


def test_a_second_billing_run_is_refused_while_one_runs(staff_client, staff, october):
    running = StaffJob.objects.create(kind=BILLING, state="running", started_by=staff)
    response = staff_client.post(RUN_URL, {"month": "2026-10"})
    assert response.url == progress_url(running)
    assert (StaffJob.objects.count(), Invoice.objects.count()) == (1, 0)


def test_the_database_refuses_two_live_jobs_of_one_kind(staff):
    StaffJob.objects.create(kind=BILLING, state="queued", started_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffJob.objects.create(kind=BILLING, state="running", started_by=staff)


def test_job_start_refuses_a_second_live_job(staff):
    first = StaffJob.objects.create(kind=BILLING, state="running", started_by=staff)
    with pytest.raises(JobAlreadyRunning) as refused:
        job_start(kind=BILLING, user=staff, params={"month": "2026-10-01"})
    assert refused.value.job == first


def test_a_job_whose_worker_died_no_longer_blocks_its_kind(staff, october):
    dead = StaffJob.objects.create(kind=BILLING, state="running", started_by=staff)
    StaffJob.objects.filter(pk=dead.pk).update(updated_at=timezone.now() - STALE_AFTER * 2)
    job = job_start(kind=BILLING, user=staff, params={"month": "2026-10-01"})
    dead.refresh_from_db()
    assert (dead.state, job.state) == ("failed", "succeeded")


def test_a_refused_run_ends_failed_with_its_message(staff):
    this_month = timezone.localdate().replace(day=1)
    job = job_start(kind=BILLING, user=staff, params={"month": this_month.isoformat()})
    assert job.state == "failed" and "n'est pas terminé" in job.error


def test_progress_is_written_as_the_households_are_billed(staff, october, monkeypatch):
    seen: list[tuple[int, int]] = []
    writer = progress_writer

    def recording(job):  # type: ignore[no-untyped-def]
        write = writer(job)

        def progress(done: int, total: int) -> None:
            write(done, total)
            seen.append((done, total))

        return progress

    monkeypatch.setattr("espace_famille.jobs.progress_writer", recording)
    job = StaffJob.objects.create(kind=BILLING, params={"month": "2026-10-01"}, started_by=staff)
    assert job_run(job.pk) == "succeeded"
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(staff, october):
    job = StaffJob.objects.create(kind=BILLING, params={"month": "2026-10-01"}, started_by=staff)
    assert (job_run(job.pk), job_run(job.pk)) == ("succeeded", "nothing to do")


def staff_with(*codenames: str) -> User:
    user = User.objects.create_user("agent@example.org", "x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


def test_staff_without_the_billing_right_neither_start_nor_see_the_run(client, staff):
    job = StaffJob.objects.create(kind=BILLING, state="succeeded", started_by=staff)
    client.force_login(staff_with("view_staffjob", "view_invoice"))
    assert client.post(RUN_URL, {"month": "2026-10"}).status_code == 403
    assert client.get(progress_url(job)).status_code == 404
    assert job.title not in client.get("/admin/").content.decode()


def test_job_start_checks_the_kind_s_permission(staff):
    with pytest.raises(Exception) as refused:
        job_start(kind=BILLING, user=staff_with("view_staffjob"), params={})
    assert refused.type.__name__ == "PermissionDenied"


def test_the_home_page_lists_running_and_finished_jobs(staff_client, staff):
    StaffJob.objects.create(kind=BILLING, label="09/2026", state="succeeded", started_by=staff)
    StaffJob.objects.create(kind=BILLING, label="10/2026", state="running", done=1, total=4)
    page = staff_client.get("/admin/").content.decode()
    assert "Facturer un mois — 10/2026</a> — En cours (25 %)" in page
    assert "Facturer un mois — 09/2026" in page and "Terminée" in page


def test_jobs_are_read_only_in_the_admin(staff_client, staff):
    job = StaffJob.objects.create(kind=BILLING, state="succeeded", started_by=staff)
    assert staff_client.get(reverse("admin:espace_famille_staffjob_add")).status_code == 403
    delete = reverse("admin:espace_famille_staffjob_delete", args=[job.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403


def test_the_refusal_of_a_second_job_is_a_validation_error(staff):
    job = StaffJob.objects.create(kind=BILLING, state="running", started_by=staff)
    assert isinstance(JobAlreadyRunning(job), ValidationError)


def test_the_page_of_a_job_whose_author_was_deleted_still_opens(staff_client):
    job = StaffJob.objects.create(kind=BILLING, state="succeeded", started_by=None)
    assert staff_client.get(progress_url(job)).status_code == 200
