"""Supervisors' pages: the dashboard, the monthly report and the exports. They read every
app through its selectors and write nothing but the access log."""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.models import AccessLog
from accounts.roles import Role
from accounts.services import access_record
from reports.exports import EXPORTS, csv_lines
from reports.forms import ExportForm

SUPERVISING = (Role.SUPERVISOR, Role.ADMIN)
CSV = "text/csv; charset=utf-8"


@require_http_methods(["GET", "POST"])
@role_required(*SUPERVISING)
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
    rows = filters.qs
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
