"""Every write of the programmes app: bulk screening runs (programmes and rules are edited in
the admin, which validates through `Program.clean`)."""

import io
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import scope_code_of
from households.models import Household
from programs.models import Program, ScreeningRun
from programs.screening import ScreeningResult, screening_rows, screening_write_csv
from regions.models import Region, within_q

logger = logging.getLogger(__name__)

Status = ScreeningRun.Status


def screening_run_request(
    *, actor: AbstractBaseUser, program: Program, region: Region
) -> ScreeningRun:
    """Record a screening of `program` over `region` (inside the actor's scope) and queue it
    for a worker once the request's transaction commits."""
    scope = scope_code_of(actor)
    if scope is None or not Region.code_is_within(region.code, scope):
        raise ValidationError({"region": _("Choose a region inside your working area.")})
    if not program.is_active:
        raise ValidationError({"program": _("This programme is not active.")})
    run = ScreeningRun.objects.create(program=program, region=region, requested_by=actor)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from programs.tasks import screen_program

    try:
        screen_program.delay(run_id)
    except Exception:  # the broker is down: say so on the run rather than lose it silently
        logger.exception("screening run %s: could not queue", run_id)
        ScreeningRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=_("The job queue could not be reached. Try again in a moment."),
        )


def screening_run_execute(run_id: int) -> ScreeningRun:
    """Run a queued screening: count the households of its region, write the findings as
    CSV, and keep counts on the run as rows are written (the page's progress). A run done
    already is left alone; any other (a redelivered task, a failed run tried again) starts
    afresh. The rule applied is kept on the run, since an admin may change it later."""
    run = ScreeningRun.objects.select_related("program").get(pk=run_id)
    if run.status == Status.DONE:
        return run
    runs = ScreeningRun.objects.filter(pk=run.pk)
    today = timezone.localdate()
    runs.update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        screened_on=today,
        rule=run.program.rule,
        households_screened=None,
        exclusion_count=0,
        inclusion_count=0,
        findings_csv="",
        error="",
    )

    def progress(result: ScreeningResult) -> None:
        runs.update(exclusion_count=result.exclusion, inclusion_count=result.inclusion)

    try:
        screened = Household.objects.filter(within_q(run.region_id, "region")).count()
        runs.update(households_screened=screened)
        out = io.StringIO()
        rows = screening_rows(run.program, region_code=run.region_id, today=today)
        result = screening_write_csv(rows, out, progress=progress)
    except Exception:
        logger.exception("screening run %s failed", run.pk)
        runs.update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=_("The screening stopped because of an error; the IT team can find it in "
                    "the worker's log. Try again, or ask them."),
        )  # fmt: skip
    else:
        runs.update(
            status=Status.DONE,
            finished_at=timezone.now(),
            exclusion_count=result.exclusion,
            inclusion_count=result.inclusion,
            findings_csv=out.getvalue(),
        )
    run.refresh_from_db()
    return run
