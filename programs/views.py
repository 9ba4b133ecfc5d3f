"""Supervisors' pages of the programmes app: bulk screening runs."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.models import AccessLog
from accounts.roles import SUPERVISING_ROLES
from accounts.services import access_record
from programs import services
from programs.forms import ScreeningForm
from programs.models import ScreeningRun
from programs.screening import finding_label
from programs.selectors import screening_run_get_for, screening_runs_for
from slrt.field_errors import add_service_errors
from slrt.views import job_page, job_run_again

UTF8_BOM = "\ufeff"  # so that spreadsheet programs read the names' letters rightly


@role_required(*SUPERVISING_ROLES)
def screening_list(request: HttpRequest) -> HttpResponse:
    """Start a screening, and see the recent ones of the user's area."""
    form = ScreeningForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.screening_run_request(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("programs:screening_detail", run.pk)
    return render(
        request,
        "programs/screening_run_list.html",
        {"form": form, "runs": screening_runs_for(request.user)[:30]},
    )


@require_GET
@role_required(*SUPERVISING_ROLES)
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: its progress while it runs (htmx polls the status part), then its counts."""
    return job_page(
        request,
        screening_run_get_for(request.user, pk),
        page="programs/screening_run_detail.html",
        progress="programs/includes/screening_run_status.html",
        exclusion_label=finding_label("exclusion"),
        inclusion_label=finding_label("inclusion"),
    )


@require_POST
@role_required(*SUPERVISING_ROLES)
def screening_run_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Screen a failed run's programme and region again, with today's rule."""
    return job_run_again(
        request, screening_run_get_for(request.user, pk), page="programs:screening_detail"
    )


@require_GET
@role_required(*SUPERVISING_ROLES)
def screening_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = screening_run_get_for(request.user, pk, with_findings=True)
    if run.status != ScreeningRun.Status.DONE:
        raise Http404(_("This screening has no findings yet."))
    filename = f"screening-{run.program.code}-{run.region_id}-{run.screened_on:%Y%m%d}.csv"
    access_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=_("Screening findings: %(program)s in %(region)s")
        % {"program": run.program.code, "region": run.region.name},
        purpose=AccessLog.Purpose.PROGRAM_PLANNING,
        rows=run.exclusion_count + run.inclusion_count,
        path=request.path,
    )
    response = HttpResponse(UTF8_BOM + run.findings_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
