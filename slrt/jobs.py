"""Background jobs: work a user asks for on a page and a Celery worker does, while the page
shows its progress (a registry import, a programme screening; letter batches and proposal
batches to come).

A job is a row of a model inheriting `Job`. The row is the job's whole state: its status, who
asked for it and when, when it started and finished, how far it has got, and why it failed. The
page polls the row (`templates/includes/job_progress.html`, `slrt.views.job_page`); the worker
writes it, only through the services below.

Status moves by one table, `JOB_TRANSITIONS`:

    queued  → running   job_start: a worker took it
    queued  → failed    job_fail:  the job queue could not be reached (job_enqueue)
    running → done      job_finish
    running → failed    job_fail:  the work raised, or its worker stopped (job_rerun)
    failed  → queued    job_rerun: a user asked for it again
    done    → (none)    a done job is never run again; ask for a new one

Every move is one conditional UPDATE (`... WHERE status IN (the states it may come from)`), so
that of two processes making the same move only one succeeds, on PostgreSQL and SQLite alike.

Redelivery: Celery delivers a task again when a worker dies holding it, or when a task waited
past the broker's visibility timeout; a retried task is delivered again too. The one rule, in
`job_start`: the work runs only for the delivery that moves the job from queued to running. A
job found running (another worker has it), done or failed is skipped, and the task returns
without doing anything. A failed job runs again only once a user asks (`job_rerun`), which
queues it and sends a new task.

A worker that dies mid-job leaves it running. No task can run past `JOB_TIME_LIMIT` (the worker
kills it), so a job running longer than that has stopped (`Job.is_stalled`): the page says so
and offers to run it again, as for a failed job.

Broker down: `job_enqueue` sends the task once the request's transaction commits; if the broker
refuses it, the job fails at once with a message saying so, and the user may run it again
from its page. It is not run in the web process instead: an import of a large extract would
hold the request past any proxy's timeout.

A new kind of job:

    class LetterBatch(Job):  # fields of its own: the letters, the region, …
        run_task = "letters.tasks.letter_batch_run"

    @shared_task(acks_late=True, ignore_result=True)
    def letter_batch_run(batch_id: int) -> None:
        letter_batch_execute(batch_id)

    def letter_batch_execute(batch_id: int) -> None:
        batch = job_start(LetterBatch, batch_id)
        if batch is None:
            return  # delivered twice, or not queued: someone else has it
        try:
            for done, letter in enumerate(letters, 1):
                ...
                job_progress(batch, done=done, total=len(letters))
        except Exception:
            logger.exception(...)
            job_fail(batch, _("…what the user may do…"))
        else:
            job_finish(batch, letters_written=...)

and its request service creates the row and calls `job_enqueue(batch)`; its detail view
returns `slrt.views.job_page(...)` with a progress template extending
`includes/job_progress.html`, and its re-run view returns `slrt.views.job_run_again(...)`, which
calls `job_rerun`.
"""

import contextlib
import datetime
import logging
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

logger = logging.getLogger(__name__)


class JobStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("waiting to start")
    RUNNING = "running", gettext_lazy("running")
    DONE = "done", pgettext_lazy("job status", "done")  # not "done" as in a task carried out
    FAILED = "failed", gettext_lazy("failed")


JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.FAILED}),
    JobStatus.RUNNING: frozenset({JobStatus.DONE, JobStatus.FAILED}),
    JobStatus.FAILED: frozenset({JobStatus.QUEUED}),
    JobStatus.DONE: frozenset(),
}

# A task past Celery's hard time limit has been killed by its worker.
JOB_TIME_LIMIT = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


class Job(models.Model):
    """The state every background job keeps on its row. Concrete jobs add their own fields
    (their input and their results) and name the Celery task that runs them, `run_task`:
    the dotted path of a task taking the job's pk."""

    Status = JobStatus

    run_task: str = ""

    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(gettext_lazy("requested at"), default=timezone.now)
    started_at = models.DateTimeField(gettext_lazy("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(gettext_lazy("done so far"), default=0)
    progress_total = models.PositiveIntegerField(
        gettext_lazy("to do in all"), null=True, blank=True
    )
    error = models.TextField(gettext_lazy("error"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-pk"]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Running for longer than any task may: its worker stopped."""
        return (
            self.status == JobStatus.RUNNING
            and self.started_at is not None
            and timezone.now() - self.started_at > JOB_TIME_LIMIT
        )

    @property
    def may_run_again(self) -> bool:
        return self.status == JobStatus.FAILED or self.is_stalled

    @property
    def percent(self) -> int | None:
        """How far the job has got, when it knows how much there is to do."""
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))


AnyJob = TypeVar("AnyJob", bound=Job)


class JobMoveRefused(ValidationError):
    """A status change the transition table does not allow from the job's status."""


def _job_move(job: Job, to: str, *, only_if: dict[str, Any] | None = None, **fields: Any) -> None:
    """Move `job` to status `to`, writing `fields` with it, if the table allows the move from
    the status the row has now (not the one `job` was read with) and the row still has the
    values `only_if` gives; else raise JobMoveRefused."""
    sources = [status for status, targets in JOB_TRANSITIONS.items() if to in targets]
    jobs = type(job)._default_manager.filter(pk=job.pk)
    if not jobs.filter(status__in=sources, **(only_if or {})).update(status=to, **fields):
        current = JobStatus(jobs.values_list("status", flat=True).get())
        message = _("This job is “%(status)s”: it cannot become “%(to)s”.")
        raise JobMoveRefused(message % {"status": current.label, "to": JobStatus(to).label})
    job.status = to
    for name, value in fields.items():
        setattr(job, name, value)


def job_enqueue(job: Job) -> None:
    """Send the job's task once the current transaction commits (so that the worker finds
    the row). If the broker cannot be reached, the job fails at once, saying so."""
    transaction.on_commit(lambda: _job_send(job))


def _job_send(job: Job) -> None:
    try:
        import_string(job.run_task).delay(job.pk)
    except Exception:  # kombu raises transport-specific errors; any of them means "down"
        logger.exception("%s %s: could not queue", job._meta.model_name, job.pk)
        with contextlib.suppress(JobMoveRefused):  # it ran in-process (no broker) and got on
            job_fail(job, _("The job queue could not be reached. Run it again in a moment."))


def job_start(model: type[AnyJob], pk: int, **fields: Any) -> AnyJob | None:
    """Take a queued job for this worker: move it to running, with `fields` (the job's own
    results reset), and return it. A job not queued (running in another worker, done, failed,
    or a task delivered twice) is left alone: None, and the task does nothing."""
    job = model._default_manager.get(pk=pk)
    try:
        _job_move(job, JobStatus.RUNNING, started_at=timezone.now(), finished_at=None,
                  progress_done=0, progress_total=None, error="", **fields)  # fmt: skip
    except JobMoveRefused:
        logger.info("%s %s is %s: not started again", model._meta.model_name, pk, job.status)
        return None
    return job


def job_progress(job: Job, *, done: int, total: int | None = None, **fields: Any) -> None:
    """Write how far a running job has got (and any counts of its own), for the page that
    polls it. Written outside any transaction, so the page sees it at once."""
    type(job)._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        progress_done=done, progress_total=total, **fields
    )
    job.progress_done, job.progress_total = done, total
    for name, value in fields.items():
        setattr(job, name, value)


def job_finish(job: Job, **fields: Any) -> None:
    """Mark a running job done, with its results (`fields`)."""
    _job_move(job, JobStatus.DONE, finished_at=timezone.now(), **fields)


def job_fail(job: Job, error: str) -> None:
    """Mark a queued or running job failed, with `error`: what a user sees, saying what they
    may do (the log has the traceback)."""
    _job_move(job, JobStatus.FAILED, finished_at=timezone.now(), error=error)


def job_rerun(job: Job) -> None:
    """Queue a failed (or stalled) job again and send its task. A job queued, running or done
    is refused (JobMoveRefused, with a message for the user).

    A stalled job is failed only if it is still the run found stalled (same status, same
    start): a request read before another user's re-run, which a worker has taken since,
    must not fail that new run and queue a second worker beside it."""
    if job.is_stalled:
        same_run = {"status": JobStatus.RUNNING, "started_at": job.started_at}
        with contextlib.suppress(JobMoveRefused):  # refused below, by what the row is now
            _job_move(
                job,
                JobStatus.FAILED,
                only_if=same_run,
                finished_at=timezone.now(),
                error=_("The worker running this job stopped before it finished."),
            )
    _job_move(job, JobStatus.QUEUED, started_at=None, finished_at=None, error="")
    job_enqueue(job)
