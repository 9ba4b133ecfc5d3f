"""Home visit pages: the queue, asking for a visit, assigning it, and the facilitator's form
on the phone. Every visit comes through `visits.selectors`, every change goes through
`visits.services`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from accounts.roles import REGISTRY_ROLES, Role, has_role
from accounts.services import personal_list_shown
from complaints.selectors import complaints_in_scope
from documents.services import files_undone_on_failure
from households.selectors import household_get_for
from referrals.selectors import referrals_for
from slrt.field_errors import add_service_errors
from slrt.ids import id_from
from visits import services
from visits.api import visit_representation
from visits.findings import finding_rows
from visits.forms import (
    VisitAssignForm,
    VisitCancelForm,
    VisitRequestForm,
    VisitSubmitForm,
    observed_initial,
)
from visits.models import Visit
from visits.selectors import (
    is_overdue,
    reads_origin,
    visit_findings,
    visit_get_for,
    visit_photos,
    visit_queue_for,
    visits_for,
)

VIEW_ROLES = (*REGISTRY_ROLES, Role.FACILITATOR)


@require_GET
@role_required(*VIEW_ROLES)
def visit_queue(request: HttpRequest) -> HttpResponse:
    """The visits still to do, soonest due first, overdue marked: a facilitator's own, or
    those of the area for the office (filtered by status and facilitator)."""
    status = request.GET.get("status", "")
    if status not in Visit.Status.values:
        status = ""
    assignee_id = id_from(request.GET.get("assignee"))
    visits = list(visit_queue_for(request.user, status=status, assignee=assignee_id)[:200])
    facilitators = get_user_model().objects.none()
    if has_role(request.user, *REGISTRY_ROLES):
        facilitators = (
            get_user_model()
            .objects.filter(pk__in=visits_for(request.user).values("assignee_id"))
            .order_by("username")
        )
    personal_list_shown(
        actor=request.user,
        what=_("Home visits"),
        rows=len(visits),
        filters=request.GET.urlencode(),
        path=request.path,
    )
    return render(
        request,
        "visits/visit_queue.html",
        {
            "rows": [(visit, is_overdue(visit)) for visit in visits],
            "statuses": Visit.Status.choices,
            "status": status,
            "assignee": assignee_id,
            "facilitators": facilitators,
        },
    )


@role_required(*services.REQUESTING_ROLES)
def visit_request(request: HttpRequest, household_pk: int) -> HttpResponse:
    """Ask for a visit of a household, from its page, a complaint's or a referral's."""
    household = household_get_for(request.user, household_pk)
    source = request.POST if request.method == "POST" else request.GET
    complaint = referral = None
    wanted_complaint, wanted_referral = (
        id_from(source.get("complaint")),
        id_from(source.get("referral")),
    )
    if wanted_complaint is not None:
        complaint = get_object_or_404(
            complaints_in_scope(request.user), pk=wanted_complaint, household=household
        )
    elif wanted_referral is not None:
        referral = get_object_or_404(
            referrals_for(request.user), pk=wanted_referral, household=household
        )
    may_assign = has_role(request.user, *services.ASSIGNING_ROLES)
    form = VisitRequestForm(
        request.POST if request.method == "POST" else None,
        facilitators=services.facilitators_for(household),
        may_assign=may_assign,
        due_days=settings.SLRT_VISIT_DUE_DAYS,
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_request(
                actor=request.user,
                household=household,
                reason=form.cleaned_data["reason"],
                due=form.cleaned_data["due"],
                complaint=complaint,
                referral=referral,
                assignee=form.cleaned_data.get("assignee"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Home visit requested."))
            return redirect("visits:detail", pk=visit.pk)
    return render(
        request,
        "visits/visit_request.html",
        {"household": household, "complaint": complaint, "referral": referral, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(*VIEW_ROLES)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visit_get_for(request.user, pk))


def _render_detail(request, visit, *, assign_form=None, cancel_form=None, status=200):
    moves = services.moves_for(request.user, visit)
    facilitators = services.facilitators_for(visit.household)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "household": visit.household,
            "events": visit.events.select_related("actor"),
            "findings": finding_rows(visit, visit_findings(visit)),
            "members_present": visit.members_present.all(),
            "photos": visit_photos(visit),
            "overdue": is_overdue(visit),
            # The complaint's ticket and the referral's number are the office's, not the field's.
            "shows_origin": reads_origin(request.user),
            "may_assign": Visit.Status.ASSIGNED in moves,
            "may_cancel": Visit.Status.CANCELLED in moves,
            "may_submit": Visit.Status.SUBMITTED in moves,
            "assign_form": assign_form
            or VisitAssignForm(facilitators=facilitators, initial={"version": visit.version}),
            "cancel_form": cancel_form or VisitCancelForm(initial={"version": visit.version}),
        },
        status=status,
    )


def _conflict_message(request, conflict: services.VisitConflict) -> None:
    messages.error(request, str(conflict))


@require_POST
@role_required(*services.ASSIGNING_ROLES)
def visit_assign(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for(request.user, pk)
    form = VisitAssignForm(request.POST, facilitators=services.facilitators_for(visit.household))
    if form.is_valid():
        try:
            services.visit_assign(
                actor=request.user,
                visit=visit,
                assignee=form.cleaned_data["assignee"],
                version=form.cleaned_data["version"],
            )
        except services.VisitConflict as conflict:
            _conflict_message(request, conflict)
            return redirect("visits:detail", pk=visit.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit assigned."))
            return redirect("visits:detail", pk=visit.pk)
    return _render_detail(request, visit, assign_form=form, status=400)


@require_POST
@role_required(*services.ASSIGNING_ROLES)
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for(request.user, pk)
    form = VisitCancelForm(request.POST)
    if form.is_valid():
        try:
            services.visit_cancel(
                actor=request.user,
                visit=visit,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except services.VisitConflict as conflict:
            _conflict_message(request, conflict)
            return redirect("visits:detail", pk=visit.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit cancelled."))
            return redirect("visits:detail", pk=visit.pk)
    return _render_detail(request, visit, cancel_form=form, status=400)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@role_required(Role.FACILITATOR)
def visit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator's form. Sent by the page's script (`static/js/visit_draft.js`, which
    keeps a draft on the phone) it answers JSON: 200 with where to go, 400 with messages by
    field, 409 with the visit as it is now; sent without the script, a page."""
    visit = visit_get_for(request.user, pk)
    if visit.assignee_id != request.user.pk:
        raise Http404
    if request.method != "POST":
        if visit.status != Visit.Status.ASSIGNED:
            return redirect("visits:detail", pk=visit.pk)
        form = VisitSubmitForm(
            visit=visit, initial={"version": visit.version, **observed_initial(visit.household)}
        )
        return _render_form(request, visit, form)
    form = VisitSubmitForm(request.POST, request.FILES, visit=visit)
    conflict = None
    if form.is_valid():
        try:
            # Photos are stored with the submission, or not at all (their files neither).
            with files_undone_on_failure(), transaction.atomic():
                _submit_with_photos(request, visit, form)
        except services.VisitConflict as error:
            conflict = error
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            done = reverse("visits:detail", args=[visit.pk])
            if _wants_json(request):
                return JsonResponse({"redirect": done})
            messages.success(request, _("Visit sent. The back office reviews the differences."))
            return redirect(done)
    if conflict is not None:
        current = visit_representation(conflict.visit, request.user)
        if _wants_json(request):
            return JsonResponse({"detail": str(conflict), "current": current}, status=409)
        # The page keeps the facilitator's entries at the current version: sending them
        # again is their choice, made after seeing both (the photos are chosen again).
        entries = request.POST.copy()
        entries["version"] = str(current["version"])
        form = VisitSubmitForm(entries, visit=visit)
        form.is_valid()
        return _render_form(request, visit, form, conflict=conflict, current=current, status=409)
    if _wants_json(request):
        return JsonResponse({"errors": {k: list(v) for k, v in form.errors.items()}}, status=400)
    return _render_form(request, visit, form, status=400)


def _submit_with_photos(request: HttpRequest, visit: Visit, form: VisitSubmitForm) -> None:
    """Store the photos sent, then the report; every refusal (a photo's, the report's) is
    raised at once, by field, so the phone shows all there is to fix in one answer."""
    data = form.cleaned_data
    photo_errors: dict[str, list[str]] = {}
    for code, field in services.PHOTO_FIELDS.items():
        if data.get(field):
            try:
                services.visit_photo_store(
                    actor=request.user, visit=visit, kind_code=code, upload=data[field]
                )
            except ValidationError as error:
                photo_errors.update(error.message_dict)
    try:
        services.visit_submit(
            actor=request.user,
            visit=visit,
            version=data["version"],
            met_name=data["met_name"],
            members_present=data["members_present"],
            observed=form.observed(),
            gps_consent=data["gps_consent"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            no_location_reason=data["no_location_reason"],
            notes=data["notes"],
            verdict=data["verdict"],
        )
    except ValidationError as error:
        if not photo_errors or not hasattr(error, "error_dict"):
            raise
        # A photo refused for what it is says so, rather than that the verdict lacks it.
        raise ValidationError({**error.message_dict, **photo_errors}) from error
    if photo_errors:
        raise ValidationError(photo_errors)


def _render_form(request, visit, form, *, conflict=None, current=None, status=200):
    stored = {photo.kind.code for photo in visit_photos(visit)}
    return render(
        request,
        "visits/visit_form.html",
        {
            "visit": visit,
            "household": visit.household,
            "form": form,
            "observed_fields": form.observed_fields(),
            "photos_stored": {code: code in stored for code in services.PHOTO_FIELDS},
            "conflict": conflict,
            "current": current,
        },
        status=status,
    )
