"""Every write of the programmes app: bulk screening runs (programmes and rules are edited in
the admin, which validates through `Program.clean`)."""

import io
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.models import Household
from households.selectors import region_in_scope
from programs.models import Program, ScreeningRun
from programs.screening import ScreeningResult, screening_rows, screening_write_csv
from regions.models import Region, within_q
from regions.time_zones import local_date_in
from slrt.jobs import job_enqueue, job_fail, job_finish, job_progress, job_start

logger = logging.getLogger(__name__)


def screening_run_request(
    *, actor: AbstractBaseUser, program: Program, region: Region
) -> ScreeningRun:
    """Record a screening of `program` over `region` (inside the actor's scope) and queue it
    for a worker once the request's transaction commits."""
    if region_in_scope(actor, region.code) is None:
        raise ValidationError({"region": _("Choose a region inside your working area.")})
    if not program.is_active:
        raise ValidationError({"program": _("This programme is not active.")})
    run = ScreeningRun.objects.create(program=program, region=region, requested_by=actor)
    job_enqueue(run)
    return run


def screening_run_execute(run_id: int) -> ScreeningRun:
    """Run a queued screening: count the households of its region, write the findings as
    CSV, and keep counts on the run as rows are written (the page's progress). The run is
    done once per request (`slrt.jobs.job_start`): a task delivered again finds it running or
    finished and does nothing, and a failed run runs again only when a supervisor asks
    (`slrt.jobs.job_rerun`). The rule applied is kept on the run, since an admin may change
    it later."""
    region_code = ScreeningRun.objects.filter(pk=run_id).values_list("region_id", flat=True)
    today = local_date_in(region_code.first())  # ages on the date of the screened region
    run = job_start(ScreeningRun, run_id, screened_on=today, rule=None,
                    households_screened=None, exclusion_count=0, inclusion_count=0,
                    findings_csv="")  # fmt: skip
    if run is None:
        return ScreeningRun.objects.get(pk=run_id)

    def progress(result: ScreeningResult) -> None:
        job_progress(run, done=result.total, exclusion_count=result.exclusion,
                     inclusion_count=result.inclusion)  # fmt: skip

    try:
        screened = Household.objects.filter(within_q(run.region_id, "region")).count()
        job_progress(run, done=0, households_screened=screened, rule=run.program.rule)
        out = io.StringIO()
        rows = screening_rows(run.program, region_code=run.region_id, today=today)
        result = screening_write_csv(rows, out, progress=progress)
    except Exception:
        logger.exception("screening run %s failed", run.pk)
        job_fail(run, _("The screening stopped because of an error; the IT team can find it "
                        "in the worker's log. Run it again, or ask them."))  # fmt: skip
    else:
        job_finish(run, progress_done=result.total, exclusion_count=result.exclusion,
                   inclusion_count=result.inclusion, findings_csv=out.getvalue())  # fmt: skip
    return run
