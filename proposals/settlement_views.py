"""The registry's answer on the pages: settling a sent proposal by hand, and the proposals
the imports have left unanswered. Proposals come through `proposals.selectors`, the answer
goes through `proposals.settlement`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import has_role
from households.registry_codes import Relationship
from proposals.models import FOLLOW_UP_CYCLES, Proposal
from proposals.selectors import (
    FOLLOW_UP_ROLES,
    proposal_get_for,
    proposals_needing_follow_up_for,
)
from proposals.services import SETTLE, ProposalConflict
from proposals.settlement import proposal_settle as settle
from slrt.field_errors import add_service_errors
from slrt.form_style import StyledForm

FOLLOW_UP_PAGE = 50


class SettleForm(StyledForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("The registry's answer"),
        choices=[(status, Proposal.Status(status).label) for status in
                 (Proposal.Status.ACCEPTED, Proposal.Status.REJECTED, Proposal.Status.RETURNED)],
        widget=forms.RadioSelect,
    )  # fmt: skip
    desil = forms.CharField(
        label=gettext_lazy("Desil given"), required=False, max_length=2,
        help_text=gettext_lazy("1 to 10, for an accepted proposal."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=500,
        help_text=gettext_lazy("Why the registry rejected or returned it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


@require_http_methods(["GET", "POST"])
@login_required
def proposal_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the registry's answer to a sent proposal by hand. Out of the user's area:
    404; within it, for those who do not settle: 403."""
    proposal = proposal_get_for(request.user, pk)
    if not request.user.has_perm(SETTLE):
        raise PermissionDenied
    # bound on every POST, an empty one too: each bad input gets its message
    form = SettleForm(
        request.POST if request.method == "POST" else None, initial={"version": proposal.version}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                settle(
                    actor=request.user, proposal=proposal, outcome=data["outcome"],
                    desil=data["desil"], reason=data["reason"], version=data["version"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            except ProposalConflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, _("The registry's answer is recorded."))
                return redirect("proposals:follow_up")
        status = 400
    head = proposal.household.members.filter(relationship=Relationship.HEAD).first()
    return render(
        request,
        "proposals/settle_form.html",
        {"proposal": proposal, "form": form, "head": head,
         "may_settle": proposal.status == Proposal.Status.SENT},
        status=status,
    )  # fmt: skip


@require_GET
@login_required
def proposals_follow_up(request: HttpRequest) -> HttpResponse:
    """The sent proposals of the user's area that the registry has left unanswered for
    FOLLOW_UP_CYCLES imports: for supervisors and back office."""
    if not has_role(request.user, *FOLLOW_UP_ROLES):
        raise PermissionDenied
    proposals = list(proposals_needing_follow_up_for(request.user)[: FOLLOW_UP_PAGE + 1])
    return render(
        request,
        "proposals/settle_follow_up.html",
        {"proposals": proposals[:FOLLOW_UP_PAGE], "more": len(proposals) > FOLLOW_UP_PAGE,
         "cycles": FOLLOW_UP_CYCLES, "may_settle": request.user.has_perm(SETTLE)},
    )  # fmt: skip
