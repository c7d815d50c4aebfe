"""Long staff work in the background: start a job, follow its progress, read its result.

Apps register their kinds (`registry.job_kinds`); a staff view calls `job_start`, which
writes the `StaffJob` row and enqueues `tasks.run_staff_job` on the task queue (run at once by
the immediate backend, by `manage.py db_worker` with TASKS_BACKEND=database). Only one job of a
kind is queued or running at a time: the database refuses the second row (a partial unique
constraint), so two staff members clicking together cannot start two billing runs.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille.models import AuditEvent, StaffJob, User
from espace_famille.registry import job_kinds

logger = logging.getLogger(__name__)

# A job whose worker gave no news for this long died with it (machine restarted, worker
# killed): it no longer blocks a new job of its kind.
STALE_AFTER = datetime.timedelta(minutes=30)
# Progress is written at most this often (one UPDATE), however many steps the work has.
PROGRESS_EVERY = datetime.timedelta(seconds=1)


class JobAlreadyRunning(ValidationError):
    def __init__(self, job: StaffJob) -> None:
        super().__init__(
            _("« %(title)s » est déjà en cours : attendez qu'elle se termine.")
            % {"title": job.title}
        )
        self.job = job


def _stale_jobs_fail(kind: str) -> None:
    StaffJob.objects.filter(
        kind=kind, state__in=StaffJob.LIVE, updated_at__lt=timezone.now() - STALE_AFTER
    ).update(
        state=StaffJob.State.FAILED,
        error=_("Interrompue : le processus qui l'exécutait s'est arrêté."),
        finished_at=timezone.now(),
    )


def job_start(
    *, kind: str, user: User, params: dict[str, Any] | None = None, label: str = ""
) -> StaffJob:
    """Queue a job of `kind` for `user`; JobAlreadyRunning when one of that kind is live."""
    registered = job_kinds.get(kind)
    if registered is None:
        raise ValueError(f"Unknown job kind {kind!r}")
    if not user.has_perm(registered.permission):
        raise PermissionDenied
    _stale_jobs_fail(kind)
    try:
        with transaction.atomic():
            job = StaffJob.objects.create(
                kind=kind, label=label, params=params or {}, started_by=user
            )
            audit.record(None, user, AuditEvent.Kind.OTHER, _("Tâche lancée : %s") % job.title, job)
    except IntegrityError:
        live = StaffJob.objects.filter(kind=kind, state__in=StaffJob.LIVE).first()
        if live is None:  # finished between the refusal and this read: try once more
            return job_start(kind=kind, user=user, params=params, label=label)
        raise JobAlreadyRunning(live) from None
    from espace_famille.tasks import run_staff_job

    try:
        run_staff_job.enqueue(job_id=job.pk)
    except Exception:
        # The queue refused it: the job would otherwise block its kind until it goes stale.
        logger.exception("Job %s could not be queued", job.pk)
        _finish(job, error=_("La tâche n'a pas pu être mise en file d'attente."))
        raise
    job.refresh_from_db()
    return job


def _finish(job: StaffJob, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    job.state = StaffJob.State.FAILED if error else StaffJob.State.SUCCEEDED
    job.result = result or {}
    job.error = error
    job.finished_at = timezone.now()
    if not error and job.total:
        job.done = job.total
    job.save(update_fields=["state", "result", "error", "finished_at", "done", "updated_at"])


def progress_writer(job: StaffJob) -> Callable[[int, int], None]:
    """`progress(done, total)`: the row is updated at most once a second, and at the end."""
    last: list[datetime.datetime | None] = [None]

    def progress(done: int, total: int) -> None:
        now = timezone.now()
        if last[0] is not None and now - last[0] < PROGRESS_EVERY and done < total:
            return
        last[0] = now
        StaffJob.objects.filter(pk=job.pk).update(done=done, total=total, updated_at=now)

    return progress


def job_run(job_id: int) -> str:
    """Run a queued job (called by the task): its state, progress and result on its row."""
    job = StaffJob.objects.filter(pk=job_id, state=StaffJob.State.QUEUED).first()
    if job is None:
        return "nothing to do"
    registered = job_kinds.get(job.kind)
    if registered is None:
        _finish(job, error=_("Tâche inconnue : %s") % job.kind)
        return job.state
    job.state = StaffJob.State.RUNNING
    job.save(update_fields=["state", "updated_at"])
    try:
        result = registered.run(job=job, progress=progress_writer(job), **job.params)
    except ValidationError as error:
        _finish(job, error=" ".join(error.messages))
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, error=_("Erreur inattendue : l'équipe technique a été prévenue."))
    else:
        job.refresh_from_db(fields=["done", "total"])
        _finish(job, result=result)
    return job.state


def visible_kinds(user: Any) -> list[str]:
    """The kinds of job `user` may start and follow (the permission of each kind)."""
    return [kind.key for kind in job_kinds if user.has_perm(kind.permission)]


def jobs_for(user: Any) -> QuerySet[StaffJob]:
    return StaffJob.objects.filter(kind__in=visible_kinds(user)).select_related("started_by")
