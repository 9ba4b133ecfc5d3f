"""Objection pages: the list with the deadlines, recording one at the desk (from the
household's page), its page and its decision. Every objection comes through
`proposals.selectors`, every change goes through `proposals.objections`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import role_required
from documents.selectors import documents_of
from documents.services import files_undone_on_failure
from households.selectors import household_get_for
from proposals import objections
from proposals.objection_forms import ObjectionDecideForm, ObjectionForm
from proposals.selectors import PROPOSAL_ROLES, objection_get_for, objections_for
from regions.models import Region, within_q
from slrt.field_errors import add_service_errors


@require_GET
@role_required(*PROPOSAL_ROLES)
def objection_list(request: HttpRequest) -> HttpResponse:
    """The objections of the area, soonest deadline first, the open ones' days left."""
    status = request.GET.get("status", "open")
    rows = objections_for(request.user)
    if status in objections.Status.values:
        rows = rows.filter(status=status)
    rows = list(rows[:200])
    for row in rows:
        row.days_left = objections.working_days_left(row) if row.status == "open" else None
    return render(
        request,
        "proposals/objection_list.html",
        {"objections": rows, "status": status, "statuses": objections.Status.choices},
    )


@role_required(*PROPOSAL_ROLES)
def objection_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    """Record an objection to a household, at the desk or the village office."""
    household = household_get_for(request.user, household_pk)
    if not request.user.has_perm(objections.RECORD):
        raise PermissionDenied
    district = household.region_id.rsplit(".", 1)[0]
    villages = Region.objects.filter(within_q(district), level=4).order_by("name")
    form = ObjectionForm(
        request.POST or None,
        request.FILES or None,
        villages=villages,
        initial={"objector_village": household.region_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with files_undone_on_failure():
                objection = objections.objection_record(
                    actor=request.user, household=household, reason=data["reason"],
                    objector_name=data["objector_name"],
                    objector_contact=data["objector_contact"],
                    objector_village=data["objector_village"], anonymous=data["anonymous"],
                    photo=data["photo"], latitude=data["latitude"],
                    longitude=data["longitude"],
                )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objection recorded; the home visit is requested."))
            return redirect("proposals:objection_detail", pk=objection.pk)
    return render(
        request,
        "proposals/objection_form.html",
        {"household": household, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@role_required(*PROPOSAL_ROLES)
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The objection, its visit, its deadline and events; who objected only to those who
    decide."""
    objection = objection_get_for(request.user, pk)
    return _detail(request, objection, ObjectionDecideForm())


def _detail(request, objection, form, status=200) -> HttpResponse:
    photos = documents_of(request.user, "objection", objection.pk).select_related("kind")
    return render(
        request,
        "proposals/objection_detail.html",
        {
            "objection": objection,
            "events": objection.events.select_related("actor"),
            "days_left": objections.working_days_left(objection)
            if objection.status == objections.Status.OPEN
            else None,
            "sees_objector": request.user.has_perm(objections.DECIDE),
            "may_decide": objections.may_decide(request.user, objection),
            "photos": photos,
            "form": form,
        },
        status=status,
    )


@require_POST
@role_required(*PROPOSAL_ROLES)
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide the objection with its visit's verdict."""
    objection = objection_get_for(request.user, pk)
    if not request.user.has_perm(objections.DECIDE):
        raise PermissionDenied
    form = ObjectionDecideForm(request.POST)
    if form.is_valid():
        try:
            objections.objection_decide(
                actor=request.user,
                objection=objection,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                proposal_kind=form.cleaned_data["proposal_kind"] or "exit",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objection decided."))
            return redirect("proposals:objection_detail", pk=objection.pk)
    return _detail(request, objection, form, status=400)
