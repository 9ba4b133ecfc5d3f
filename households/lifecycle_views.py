"""Pages of the changes in a household's life: a member died or moved out, the family card
splits, merges or ends, a member comes from another area, and the supervisors' queue of
those transfers. The households come through `households.selectors`; every change goes
through `households.lifecycle`."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import role_required
from accounts.roles import Role
from households import lifecycle
from households.lifecycle_forms import (
    DeathForm,
    DissolveForm,
    MergeForm,
    MoveOutForm,
    SplitForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from households.models import Household
from households.selectors import (
    household_get_for,
    households_in_scope,
    person_for_transfer,
    transfer_get_for,
    transfers_for_approval,
)
from slrt.field_errors import add_service_errors
from slrt.ids import id_from

RECORDING_ROLES = (Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.SUPERVISOR)


def _household_to_change(request: HttpRequest, pk: int) -> Household:
    household = household_get_for(request.user, pk)  # 404 outside the user's area
    if not request.user.has_perm(lifecycle.RECORD):
        raise PermissionDenied
    return household


def _change_page(
    request: HttpRequest,
    household: Household,
    form: forms.Form,
    *,
    title: str,
    intro: str,
    change: Callable[[dict], object],
    done: str,
    fields: dict[str, str] | None = None,
    person=None,
) -> HttpResponse:
    """A change's form: on a valid POST, run `change` with the cleaned data; a refusal puts
    the service's messages at the form's fields (`fields` renames the service's)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = change(form.cleaned_data)
        except ValidationError as error:
            if fields and hasattr(error, "error_dict"):
                error = ValidationError(
                    {fields.get(key, key): value for key, value in error.error_dict.items()}
                )
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            target = result if isinstance(result, Household) else household
            return redirect("households:detail", pk=target.pk)
    if request.method == "POST":
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "households/lifecycle/change_form.html",
        {
            "household": household,
            "form": form,
            "title": title,
            "intro": intro,
            "person": person,
        },
        status=400 if request.method == "POST" else 200,
    )


def _chosen_member(request: HttpRequest, household: Household):
    """The member the household page's button names (`?member=`), if they live there."""
    member = id_from(request.GET.get("member"))
    if member is None:
        return None
    return household.members.active().filter(pk=member).first()


@role_required(*RECORDING_ROLES)
def record_death(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_to_change(request, pk)
    chosen = _chosen_member(request, household)
    form = DeathForm(
        request.POST or None, household=household, initial={"person": chosen and chosen.pk}
    )
    return _change_page(
        request, household, form,
        title=_("Record a death"),
        intro=_("The member stays on the record, marked as died; rules no longer count them."),
        change=lambda data: lifecycle.person_record_death(
            actor=request.user, person=data["person"], date=data["date"],
            evidence_kind=data["evidence_kind"], evidence_number=data["evidence_number"],
            note=data["note"], new_head=data["new_head"],
        ),
        done=_("The death is recorded."),
        person=chosen,
    )  # fmt: skip


@role_required(*RECORDING_ROLES)
def record_move_out(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_to_change(request, pk)
    chosen = _chosen_member(request, household)
    form = MoveOutForm(
        request.POST or None, household=household, initial={"person": chosen and chosen.pk}
    )
    return _change_page(
        request, household, form,
        title=_("Record a move out"),
        intro=_("The member stays on the record, marked as moved out; rules no longer count "
                "them."),
        change=lambda data: lifecycle.person_move_out(
            actor=request.user, person=data["person"], date=data["date"],
            destination=data["destination"], note=data["note"], new_head=data["new_head"],
        ),
        done=_("The move is recorded."),
    )  # fmt: skip


@role_required(*RECORDING_ROLES)
def household_split(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_to_change(request, pk)
    form = SplitForm(request.POST or None, household=household)
    return _change_page(
        request, household, form,
        title=_("Split the family card (pecah KK)"),
        intro=_("The members chosen found a new household with its own KK, in the same "
                "village."),
        change=lambda data: lifecycle.household_split(
            actor=request.user, household=household, members=list(data["members"]),
            new_kk_number=data["new_kk_number"], new_head=data["new_head"],
            address=data["address"], rt=data["rt"], rw=data["rw"],
            remaining_head=data["remaining_head"], note=data["note"],
        ),
        done=_("The new family card is registered."),
    )  # fmt: skip


@role_required(*RECORDING_ROLES)
def household_merge(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_to_change(request, pk)
    form = MergeForm(request.POST or None)

    def merge(data):
        target = households_in_scope(request.user).filter(kk_number=data["target_kk_number"])
        return lifecycle.household_merge(
            actor=request.user, source=household, target=target.first(), note=data["note"]
        )

    return _change_page(
        request, household, form,
        title=_("Merge into another family card"),
        intro=_("The members who live here join the other household, under its head; this "
                "household ends, its record kept."),
        change=merge,
        done=_("The households are merged."),
        fields={"target": "target_kk_number"},
    )  # fmt: skip


@role_required(*RECORDING_ROLES)
def household_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_to_change(request, pk)
    form = DissolveForm(request.POST or None)
    return _change_page(
        request, household, form,
        title=_("Dissolve the household"),
        intro=_("Once every member died or moved out: the household ends, its record kept."),
        change=lambda data: lifecycle.household_dissolve(
            actor=request.user, household=household, reason=data["reason"]
        ),
        done=_("The household is dissolved."),
    )  # fmt: skip


@role_required(*RECORDING_ROLES)
def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_to_change(request, pk)
    form = TransferRequestForm(request.POST or None)
    return _change_page(
        request, household, form,
        title=_("Move a person in from another area"),
        intro=_("A supervisor whose area covers both households approves the transfer; the "
                "person keeps their record and its history."),
        change=lambda data: lifecycle.person_transfer_request(
            actor=request.user, person=person_for_transfer(request.user, data["nik"]),
            to_household=household, relationship=data["relationship"], note=data["note"],
        ),
        done=_("The transfer is requested: a supervisor of both areas decides it."),
    )  # fmt: skip


DECIDED = {
    TransferDecisionForm.APPROVE: gettext_lazy("The transfer is approved: the person moved."),
    TransferDecisionForm.REFUSE: gettext_lazy("The transfer is refused."),
}


@role_required(Role.SUPERVISOR)
def transfer_queue(request: HttpRequest) -> HttpResponse:
    """Transfers between households that both lie in the supervisor's area; each decided
    here (POST: which transfer, approve or refuse, and why)."""
    if not request.user.has_perm(lifecycle.APPROVE):
        raise PermissionDenied
    form, status = None, 200
    if request.method == "POST":
        form = TransferDecisionForm(request.POST)
        if form.is_valid():
            transfer = transfer_get_for(request.user, form.cleaned_data["transfer"])
            decision = form.cleaned_data["decision"]
            try:
                lifecycle.person_transfer_decide(
                    actor=request.user, transfer=transfer,
                    approve=decision == TransferDecisionForm.APPROVE,
                    note=form.cleaned_data["note"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, str(DECIDED[decision]))
                return redirect("households:transfers")
        status = 400
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    transfers = list(transfers_for_approval(request.user)[:100])
    failed = form.data.get("transfer") if form is not None else None
    return render(
        request,
        "households/lifecycle/transfer_queue.html",
        {"transfers": transfers, "form": form, "failed": failed},
        status=status,
    )
