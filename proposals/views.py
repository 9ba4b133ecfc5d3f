"""Proposal pages: the list with the month's countdown, opening a proposal from a household's
page, its page (changes, evidence, home visit, history) and its moves. Proposals come through
`proposals.selectors`, every change goes through `proposals.services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.roles import Role, has_role
from accounts.selectors import scope_code_of
from accounts.services import personal_list_shown
from complaints.selectors import complaints_in_scope
from households.selectors import household_get_for
from proposals import services
from proposals.api import whole_view_recorded
from proposals.calendar import cycle_for, input_days_left
from proposals.corrections import field_label, value_label
from proposals.forms import ProposalFilterForm, ProposalForm, TransitionForm
from proposals.selectors import PROPOSAL_ROLES, proposal_get_for, proposals_for
from regions.time_zones import local_date_in
from slrt.field_errors import add_service_errors
from slrt.ids import id_from
from visits.services import REQUESTING_ROLES

LIST_ROLES = (*PROPOSAL_ROLES, Role.FACILITATOR)
LIST_PAGE = 200
# Who enters the village's proposals and watches the month's last day of input.
COUNTDOWN_ROLES = (Role.VILLAGE_OPERATOR, Role.FRONT_OFFICE)


@require_GET
@role_required(*LIST_ROLES)
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The proposals of the user's area, newest first, by status, kind and batch month; for
    those who enter them, the days left to enter this month's."""
    form = ProposalFilterForm(request.GET or None)
    proposals = proposals_for(request.user).order_by("-created_at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            proposals = proposals.filter(status=data["status"])
        if data["kind"]:
            proposals = proposals.filter(kind=data["kind"])
        if data["month"]:
            proposals = proposals.filter(batch__month=data["month"].replace(day=1))
    rows = list(proposals[:LIST_PAGE])
    personal_list_shown(
        actor=request.user,
        what=_("Registry proposals"),
        rows=len(rows),
        filters=request.GET.urlencode(),
        path=request.path,
    )
    days_left = None
    if has_role(request.user, *COUNTDOWN_ROLES):
        scope = scope_code_of(request.user)
        days_left = input_days_left(cycle_for(scope), local_date_in(scope))
    return render(
        request,
        "proposals/proposal_list.html",
        {"rows": rows, "form": form, "days_left": days_left, "limit": LIST_PAGE},
    )


@require_http_methods(["GET", "POST"])
@role_required(*LIST_ROLES)
def proposal_create(request: HttpRequest, household_pk: int) -> HttpResponse:
    """Open a proposal about a household of the user's area (from its page, or a
    complaint's: `?complaint=`)."""
    household = household_get_for(request.user, household_pk)
    if not request.user.has_perm(services.PROPOSE):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    complaint = None
    if (wanted := id_from(source.get("complaint"))) is not None:
        complaint = get_object_or_404(
            complaints_in_scope(request.user), pk=wanted, household=household
        )
    form = ProposalForm(request.POST or None, household=household,
                        initial=_initial(household, request.GET))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_open(
                actor=request.user,
                kind=data["kind"],
                household=household,
                person=data["person"],
                changes=form.changes(),
                exit_reason=data["exit_reason"],
                reason=data["reason"],
                complaint=complaint,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Proposal opened as a draft."))
            return redirect("proposals:detail", pk=proposal.pk)
    return render(
        request,
        "proposals/proposal_form.html",
        {"household": household, "complaint": complaint, "form": form},
        status=400 if form.errors else 200,
    )


def _initial(household, query) -> dict:
    """What a link fills in: the kind, and a member (whose exit's reason, for one recorded
    as died or moved out, is that)."""
    initial = {"kind": query.get("kind", "")}
    member = id_from(query.get("person"))
    person = household.members.filter(pk=member).first() if member is not None else None
    if person is not None:
        initial["person"] = person.pk
        initial["exit_reason"] = services.EXIT_OF_STATUS.get(person.status, "")
    return initial


@require_GET
@role_required(*LIST_ROLES)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for(request.user, pk)
    return _render_detail(request, proposal)


# What each move's button says: the step, where the status says what it leads to.
MOVE_LABELS = {
    services.Status.SUBMITTED: gettext_lazy("Submit"),
    services.Status.VERIFIED: gettext_lazy("Verify"),
    services.Status.RETURNED: gettext_lazy("Return to fix"),
    services.Status.REJECTED: gettext_lazy("Give up"),
}


def _status_label(status: str) -> str:
    return services.Status(status).label if status in services.Status.values else status


def _render_detail(request, proposal, *, form=None, status=200):
    whole_view_recorded(request, proposal)  # a corrected NIK or KK number, whole
    moves = services.moves_for(request.user, proposal)
    changes = proposal.changes
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "household": proposal.household,
            "changes": [
                (
                    field_label(name),
                    value_label(name, change.get("from")),
                    value_label(name, change.get("to")),
                )
                for name, change in changes.items()
            ],
            "events": [
                (event, _status_label(event.from_status), _status_label(event.to_status))
                for event in proposal.events.select_related("actor")
            ],
            "moves": [(to, MOVE_LABELS.get(to) or services.Status(to).label) for to in moves],
            "form": form or TransitionForm(initial={"version": proposal.version}),
            "evidence_missing": proposal.status in ("draft", "returned")
            and services.evidence_missing(proposal),
            "needs_visit": services.needs_home_visit(proposal),
            "may_request_visit": services.needs_home_visit(proposal)
            and proposal.visit_id is None
            and not proposal.is_final
            and has_role(request.user, *REQUESTING_ROLES),
        },
        status=status,
    )


@require_POST
@role_required(*LIST_ROLES)
def proposal_transition(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for(request.user, pk)
    if not request.user.has_perm(services.PROPOSE):  # a reader's role (the admin's)
        raise PermissionDenied
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_transition(
                actor=request.user,
                proposal=proposal,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except services.ProposalConflict as conflict:
            messages.error(request, conflict.message)
            return redirect("proposals:detail", pk=proposal.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Proposal moved."))
            return redirect("proposals:detail", pk=proposal.pk)
    return _render_detail(request, proposal, form=form, status=400)


@require_POST
@role_required(*REQUESTING_ROLES)
def proposal_visit_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for the home visit that verifies the proposal ("Minta kunjungan rumah")."""
    proposal = proposal_get_for(request.user, pk)
    try:
        services.proposal_visit_request(actor=request.user, proposal=proposal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Home visit requested."))
    return redirect("proposals:detail", pk=proposal.pk)
