"""Complaint pages: intake, the complaint with its timeline, the receipt, the queues."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import role_required
from accounts.roles import REGISTRY_ROLES, Role, has_role
from accounts.selectors import office_for_region, staff_covering, staff_profile_of
from accounts.services import personal_list_shown
from complaints import services
from complaints.filters import ComplaintFilter
from complaints.forms import AssessmentForm, AssignForm, CloseForm, ComplaintForm
from complaints.models import Complaint
from complaints.resident_messages import resident_messages_of
from complaints.selectors import (
    assessment_of,
    complaint_get_for,
    complaint_list_for,
    complaint_matches,
    registered_today_for,
    work_queue_for,
)
from complaints.survey import survey_answers, survey_for
from households.selectors import districts_for, household_get_for
from households.services import typed_identifiers_seen
from programs.matching import enrolled_programs
from slrt.field_errors import add_service_errors
from slrt.middleware import shows_whole_identifiers
from slrt.pagination import EstimatedCountPaginator

INTAKE_ROLES = (Role.FRONT_OFFICE, Role.BACK_OFFICE)

# The categories of a registration in, or a correction of, the national registry (DTSEN): such
# a complaint is answered by a proposal to the registry, opened from its page, of this kind.
REGISTRY_CATEGORIES = {"dtks-usulan": "new_household", "dtks-perbaikan": "correction"}
REGISTRY_PARENT_CATEGORY = "dtks"


def registry_proposal_kind(complaint: Complaint) -> str | None:
    """The kind of proposal the complaint asks for: a registration or a correction by its
    category; a household not in the registry yet, a registration. None: no proposal."""
    category = complaint.category
    if category.code in REGISTRY_CATEGORIES:
        return REGISTRY_CATEGORIES[category.code]
    if category.code == REGISTRY_PARENT_CATEGORY or complaint.household.desil is None:
        return "new_household" if complaint.household.desil is None else "correction"
    return None


CASE_ROLES = (Role.BACK_OFFICE, Role.SUPERVISOR)


@role_required(*INTAKE_ROLES)
def complaint_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = household_get_for(request.user, household_pk)
    form = ComplaintForm(
        request.POST or None,
        household=household,
        initial={"complainant": request.GET.get("complainant")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_register(
                actor=request.user,
                household=household,
                category=data["category"],
                channel=data["channel"],
                description=data["description"],
                urgency=data["urgency"],
                complainant=data["complainant"],
                complainant_name=data["complainant_name"],
                consent_given=data["consent_given"],
                phone=data["phone"],
                contact_channel=data["contact_channel"],
                contact_consent=data["contact_consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Complaint %(ticket)s is registered.") % {"ticket": complaint.ticket_number},
            )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


@shows_whole_identifiers  # as typed into its texts
@role_required(*REGISTRY_ROLES)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_get_for(request.user, pk)
    return _render_detail(request, complaint)


def _render_detail(
    request, complaint, *, close_form=None, assign_form=None, assessment_form=None, status=200
):
    moves = services.complaint_moves_for(complaint, request.user)
    assessment = assessment_of(complaint.pk)
    events = list(complaint.events.select_related("actor"))
    referrals = list(complaint.referrals.select_related("program", "agency"))
    survey = None if complaint.is_open else survey_for(complaint)
    typed_identifiers_seen(
        actor=request.user,
        household=complaint.household,
        shown=[
            complaint.complainant_display,
            complaint.description,
            [event.note for event in events],
            [need.notes for need in assessment.needs.all()] if assessment else [],
            [referral.outcome_note for referral in referrals],
            survey.suggestion if survey else "",
        ],
        path=request.path,
    )
    matches = complaint_matches(complaint, assessment)
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "events": events,
            "overdue": complaint.is_overdue_on(timezone.localdate()),
            "resident_messages": resident_messages_of(complaint),
            "may_manage": services.Move.ASSIGN in moves,
            "close_form": close_form
            or (CloseForm(complaint=complaint) if services.Move.CLOSE in moves else None),
            "assign_form": assign_form or AssignForm(officers=_officers_for(complaint)),
            "assessment": assessment,
            "assessment_form": assessment_form or AssessmentForm(assessment=assessment),
            "may_assess": services.Move.ASSESS in moves,
            "matches": matches,
            # Not in the national registry yet: no programme that reads the desil can be met.
            "unregistered": complaint.household.desil is None,
            # Through the reverse relation: complaints do not import the proposals app.
            "registry_proposals": list(complaint.proposals.all()),
            "registry_kind": registry_proposal_kind(complaint),
            "may_propose": request.user.has_perm("proposals.add_proposal"),
            "enrolments": enrolled_programs(complaint.household),
            # Through the reverse relation: complaints do not import the referrals app.
            "referrals": referrals,
            "may_refer": services.Move.REFER in moves,
            # The satisfaction survey of a closed complaint; its suggestion is for the staff
            # of the complaint's area alone, as this page is.
            "survey": survey,
            "survey_answers": survey_answers(survey) if survey else [],
            "may_record_survey": survey is not None
            and not survey.is_answered
            and has_role(request.user, *INTAKE_ROLES),
        },
        status=status,
    )


@role_required(*CASE_ROLES)
@require_POST
def complaint_assess(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_get_for(request.user, pk)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_assess(actor=request.user, complaint=complaint, needs=form.needs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect("complaints:detail", pk=pk)
    return _render_detail(request, complaint, assessment_form=form, status=400)


def _officers_for(complaint) -> QuerySet[User]:
    """Back-office officers whose working area includes the complaint's household."""
    return staff_covering(complaint.household.region_id, Role.BACK_OFFICE).order_by(
        "first_name", "username"
    )


@role_required(*CASE_ROLES)
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a complaint, once confirmed: GET shows the confirmation (what is closed, what
    follows, how it ended); the detail page's form posts here and is shown that page; its
    own form, with `confirm`, closes."""
    complaint = complaint_get_for(request.user, pk)
    if not complaint.is_open:
        return _already_closed(request, complaint)
    if services.Move.CLOSE not in services.complaint_moves_for(complaint, request.user):
        messages.warning(request, _("This complaint cannot be closed now: nothing was changed."))
        return redirect("complaints:detail", pk=pk)
    if request.method != "POST":
        return _render_close_confirm(request, complaint, CloseForm(complaint=complaint))
    form = CloseForm(request.POST, complaint=complaint)
    confirming = request.POST.get("confirm") == "1"  # sent from the confirmation page
    if form.is_valid():
        if not form.cleaned_data["confirm"]:
            return _render_close_confirm(request, complaint, form)
        try:
            services.complaint_close(
                actor=request.user,
                complaint=complaint,
                closure_reason=form.cleaned_data["closure_reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The complaint is closed."))
            return redirect("complaints:detail", pk=pk)
    if confirming:
        return _render_close_confirm(request, complaint, form, status=400)
    return _render_detail(request, complaint, close_form=form, status=400)


def _render_close_confirm(request, complaint, form: CloseForm, status=200) -> HttpResponse:
    return render(
        request,
        "complaints/complaint_close_confirm.html",
        {"complaint": complaint, "head": complaint.household.head, "form": form},
        status=status,
    )


@role_required(*CASE_ROLES)
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_get_for(request.user, pk)
    if not complaint.is_open:
        return _already_closed(request, complaint)
    form = AssignForm(request.POST, officers=_officers_for(complaint))
    if form.is_valid():
        try:
            services.complaint_assign(
                actor=request.user, complaint=complaint, assignee=form.cleaned_data["assignee"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The complaint is assigned."))
            return redirect("complaints:detail", pk=pk)
    return _render_detail(request, complaint, assign_form=form, status=400)


@role_required(*INTAKE_ROLES)
@require_POST
def complaint_consent(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = complaint_get_for(request.user, pk)
    if not complaint.is_open:
        return _already_closed(request, complaint)
    services.complaint_record_consent(actor=request.user, complaint=complaint)
    messages.success(request, _("The resident's consent is recorded."))
    return redirect("complaints:detail", pk=pk)


def _already_closed(request: HttpRequest, complaint) -> HttpResponse:
    """Someone else closed it while this page was open: say so instead of a silent refusal."""
    messages.error(request, _("This complaint was closed in the meantime: nothing was changed."))
    return redirect("complaints:detail", pk=complaint.pk)


@shows_whole_identifiers
@role_required(*REGISTRY_ROLES)
def complaint_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The tanda terima, for A4 or a narrow thermal printer, with the address and telephone
    of the office serving the household."""
    complaint = complaint_get_for(request.user, pk)
    typed_identifiers_seen(
        actor=request.user,
        household=complaint.household,
        shown=complaint.complainant_display,
        path=request.path,
    )
    office = office_for_region(complaint.household.region_id)
    return render(
        request,
        "complaints/complaint_receipt.html",
        {
            "complaint": complaint,
            "office": office,
            "status_url": settings.SITE_URL + reverse("public_status"),
        },
    )


@role_required(*REGISTRY_ROLES)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """Today's registrations (front office), the work queue (back office), or everything in
    the user's area, searched by ticket number or name, filtered by category, urgency,
    status and district."""
    user = request.user
    tabs = _queue_tabs(user)
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else next(iter(tabs))
    profile = staff_profile_of(user)
    if tab == "today":
        complaints = registered_today_for(user, profile.service_point if profile else "")
    elif tab == "mine":
        complaints = work_queue_for(user)
    else:
        complaints = complaint_list_for(user)
    filters = ComplaintFilter(
        request.GET or None, queryset=complaints, districts=districts_for(user)
    )
    valid = not filters.is_bound or filters.is_valid()
    listed = filters.qs if valid else complaints.none()
    page = EstimatedCountPaginator(listed, 30).get_page(request.GET.get("page"))
    personal_list_shown(
        actor=user,
        what=_("Complaints"),
        rows=len(page.object_list),
        filters=request.GET.urlencode(),
        path=request.path,
    )
    return render(
        request,
        "complaints/complaint_queue.html",
        {
            "tabs": tabs,
            "tab": tab,
            "filters": filters,
            "page": page,
            "today": timezone.localdate(),
        },
        status=200 if valid else 400,
    )


def _queue_tabs(user) -> dict[str, str]:
    tabs = {}
    if has_role(user, Role.FRONT_OFFICE):
        tabs["today"] = _("Registered today")
    if has_role(user, Role.BACK_OFFICE):
        tabs["mine"] = _("Work queue")
    tabs["all"] = _("All complaints")
    return tabs
