"""The review of a submitted visit and its verification sheet. Every visit comes through
`visits.selectors`, every decision goes through the review's services (`visits.review`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import has_role
from accounts.selectors import office_for_region
from households.registry_codes import Relationship
from households.services import household_identifiers_seen
from regions.time_zones import moment_text, time_zone_of
from slrt.middleware import shows_whole_identifiers
from visits import review
from visits.findings import finding_rows
from visits.models import Visit, VisitFinding
from visits.selectors import (
    finding_get_for,
    visit_date,
    visit_findings,
    visit_get_for,
    visit_photos,
)


@require_GET
@login_required
def visit_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The differences between what the visit observed and what the registry records, one
    card each, with Terima / Tolak for those who decide. The facilitator who made the visit
    reads it; anyone out of reach of the visit gets 404 (no role check first, whose 403
    would say the visit exists)."""
    return _render_review(request, visit_get_for(request.user, pk))


def _render_review(
    request: HttpRequest, visit: Visit, *, error: str = "", error_finding: int | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    findings = visit_findings(visit)
    rows = finding_rows(visit, findings)
    return render(
        request,
        "visits/visit_review.html",
        {
            "visit": visit,
            "household": visit.household,
            "head": visit.household.members.filter(relationship=Relationship.HEAD).first(),
            "rows": rows,
            "pending": sum(1 for row in rows if row.pending),
            "photos": visit_photos(visit),
            "visit_date": visit_date(visit),
            "may_decide": review.visit_may_decide(request.user, visit)
            and visit.status == Visit.Status.SUBMITTED,
            "error": error,
            "error_finding": error_finding,
        },
        status=status,
    )


@require_POST
@login_required
def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or refuse one difference. Out of the user's reach: 404; within it, for those
    who do not decide (the front office, the facilitator): 403."""
    finding = finding_get_for(request.user, pk)
    if not has_role(request.user, *review.DECIDING_ROLES):
        raise PermissionDenied
    decision = request.POST.get("decision", "")
    try:
        review.visit_finding_decide(actor=request.user, finding=finding, decision=decision)
    except review.FindingOutdated as outdated:
        visit = visit_get_for(request.user, finding.visit_id)
        return _render_review(
            request, visit, error=" ".join(outdated.messages), error_finding=finding.pk, status=409
        )
    except ValidationError as error:
        visit = visit_get_for(request.user, finding.visit_id)
        return _render_review(
            request, visit, error=" ".join(error.messages), error_finding=finding.pk, status=400
        )
    visit = visit_get_for(request.user, finding.visit_id)
    if visit.status == Visit.Status.REVIEWED:
        messages.success(request, _("Every difference is decided: the visit is reviewed."))
    elif decision == VisitFinding.Decision.ACCEPTED:
        messages.success(request, _("Accepted: the registry now holds the observed value."))
    else:
        messages.success(request, _("Refused: the registry keeps its value."))
    return redirect(reverse("visits:review", args=[visit.pk]) + "#differences")


@require_POST
@login_required
def visit_review_finish(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the review of a visit none of whose differences waits (one that found none)."""
    visit = visit_get_for(request.user, pk)
    if not has_role(request.user, *review.DECIDING_ROLES):
        raise PermissionDenied
    try:
        review.visit_review_finish(actor=request.user, visit=visit)
    except ValidationError as error:
        return _render_review(request, visit, error=" ".join(error.messages), status=400)
    messages.success(request, _("The visit is reviewed."))
    return redirect("visits:review", pk=pk)


@shows_whole_identifiers
@require_GET
@login_required
def visit_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The verification sheet (lembar verifikasi), to print on A4 for the household's file,
    on the letterhead of the office serving the household. It carries the whole KK number
    and NIK, so opening it is written to the access log."""
    visit = visit_get_for(request.user, pk)
    household = visit.household
    household_identifiers_seen(actor=request.user, household=household, path=request.path)
    zone = time_zone_of(household.region_id)
    findings = visit_findings(visit)
    return render(
        request,
        "visits/visit_sheet.html",
        {
            "visit": visit,
            "household": household,
            "head": household.members.filter(relationship=Relationship.HEAD).first(),
            "present": visit.members_present.order_by("pk"),
            "rows": finding_rows(visit, findings),
            "photos": visit_photos(visit),
            "visit_date": visit_date(visit),
            "submitted_text": moment_text(visit.submitted_at, zone) if visit.submitted_at else "",
            "reviewed_text": moment_text(visit.reviewed_at, zone) if visit.reviewed_at else "",
            "office": office_for_region(household.region_id),
        },
    )
