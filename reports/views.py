"""Supervisors' pages: the dashboard, the monthly report and the exports. They read every
app through its selectors and write nothing but the access log."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import role_required
from accounts.models import AccessLog
from accounts.roles import SUPERVISING_ROLES
from accounts.selectors import office_for_region
from accounts.services import access_record
from reports.exports import EXPORTS, csv_lines
from reports.forms import ExportForm, MonthlyReportForm, PeriodForm, PersonDataForm
from reports.monthly import report_csv, report_tables, report_title, report_xlsx
from reports.proposal_figures import proposal_figures
from reports.selectors import figures_for
from reports.subject_access import person_data_export
from slrt.middleware import shows_whole_identifiers
from slrt.routers import read_database, reads_from_replica

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@role_required(*SUPERVISING_ROLES)
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """Complaints and referrals of the supervisor's area over a period, as charts with
    their numbers beside them."""
    form = PeriodForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    figures = figures_for(request.user, form.period(), area=form.cleaned_data["district"])
    # the registry's proposals (Usulan DTSEN) of the same period and area
    proposals = proposal_figures(request.user, form.period(), area=form.cleaned_data["district"])
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "figures": figures, "proposal_figures": proposals},
    )


@require_GET
@role_required(*SUPERVISING_ROLES)
@reads_from_replica
def monthly_report(request: HttpRequest) -> HttpResponse:
    """One month of one regency: a page to print on A4, or (`?format=csv|xlsx`) a file."""
    form = MonthlyReportForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "reports/monthly_report.html", {"form": form}, status=400)
    period = form.period()
    # The month's figures, its overdue referrals too: as they stood on its last day.
    figures = figures_for(
        request.user, period, area=form.cleaned_data["area"], overdue_on=period.last
    )
    kind = request.GET.get("format", "html")
    if kind not in ("csv", "xlsx"):
        return render(
            request,
            "reports/monthly_report.html",
            {
                "form": form,
                "figures": figures,
                "title": report_title(figures),
                "tables": report_tables(figures),
                "office": office_for_region(figures.area.code if figures.area else None),
                "made_at": timezone.now(),
                "signed_on": timezone.localdate(),
            },
        )
    access_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=report_title(figures),
        query=request.GET.urlencode(),
        path=request.path,
    )
    if kind == "csv":
        response = HttpResponse(report_csv(figures), content_type=CSV)
    else:
        response = HttpResponse(report_xlsx(figures), content_type=XLSX)
    name = f"slrt-{figures.area.code if figures.area else 'area'}-{figures.period.first:%Y-%m}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(*SUPERVISING_ROLES)
@reads_from_replica
def export(request: HttpRequest, kind: str) -> HttpResponse:
    """A filtered list as CSV. The page states what will leave and asks why; the download
    (a POST) writes the access log, then streams the rows."""
    chosen = EXPORTS.get(kind)
    if chosen is None:
        raise Http404
    filters = chosen.filter_for(request.user, request.GET)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if not filters.is_valid() or not form.is_valid():
        rows = filters.qs.count() if filters.is_valid() else None
        return render(
            request,
            "reports/export_confirm.html",
            {"export": chosen, "filters": filters, "form": form, "rows": rows},
            status=400 if form.errors or filters.form.errors else 200,
        )
    rows = filters.qs.using(read_database())  # read while the response streams, later
    access_record(
        actor=request.user,
        action=AccessLog.Action.EXPORT,
        what=_("Export: %(list)s") % {"list": chosen.title},
        purpose=form.cleaned_data["purpose"],
        query=request.GET.urlencode(),
        rows=rows.count(),
        path=request.path,
    )
    response = StreamingHttpResponse(
        csv_lines(chosen, rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="slrt-{chosen.slug}-{stamp}.csv"'
    return response


@shows_whole_identifiers
@require_http_methods(["GET", "POST"])
@role_required(*SUPERVISING_ROLES)
def person_data(request: HttpRequest) -> HttpResponse:
    """A resident asks what the office holds on them: their data and its processing trail,
    as a JSON file to hand over. The request is written to the access log."""
    form = PersonDataForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        document = person_data_export(actor=request.user, person=person)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="slrt-person-{person.pk}.json"'
        return response
    return render(
        request,
        "reports/person_data.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
