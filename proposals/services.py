"""Every change of a proposal: opening it, and each move along its one transition table.

A move locks the row, checks the table and who may take it, writes the status and its
`ProposalEvent`. Moves that belong to a whole batch (approval, sending) are taken by
`proposals.batches`; those that settle a sent proposal by `proposals.settlement`; both go
through `_move` here, so the table and the events stay in one place."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from proposals.models import Proposal, ProposalEvent

Status = Proposal.Status


@dataclass(frozen=True)
class Move:
    # The permission the actor needs; None for the moves only the system takes.
    permission: str | None
    # Who takes it: "proposal" (`proposal_transition`), "batch" (`proposals.batches`, for
    # every proposal of the batch at once) or "settlement" (`proposals.settlement`: the
    # registry's answer, from an import or by hand).
    by: str = "proposal"


PROPOSE = "proposals.add_proposal"
VERIFY = "proposals.verify_proposal"
APPROVE = "proposals.approve_proposalbatch"
SETTLE = "proposals.settle_proposal"

PROPOSAL_TRANSITIONS: dict[str, dict[str, Move]] = {
    Status.DRAFT: {Status.SUBMITTED: Move(PROPOSE)},
    Status.SUBMITTED: {Status.VERIFIED: Move(VERIFY), Status.RETURNED: Move(VERIFY)},
    Status.VERIFIED: {Status.APPROVED: Move(APPROVE, by="batch"), Status.RETURNED: Move(APPROVE)},
    Status.APPROVED: {Status.SENT: Move(APPROVE, by="batch"), Status.RETURNED: Move(APPROVE)},
    Status.SENT: {
        Status.ACCEPTED: Move(SETTLE, by="settlement"),
        Status.REJECTED: Move(SETTLE, by="settlement"),
        Status.RETURNED: Move(SETTLE, by="settlement"),
    },
    # A returned proposal is fixed and submitted again, or given up with the reason.
    Status.RETURNED: {Status.SUBMITTED: Move(PROPOSE), Status.REJECTED: Move(PROPOSE)},
}


class ProposalConflict(Exception):
    """The proposal changed since the user read it (its `version`)."""

    def __init__(self, proposal: Proposal, message: str):
        super().__init__(message)
        self.proposal = proposal
        self.message = message


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("household", "region", "person", "batch")
        .get(pk=proposal.pk)
    )


def _check(current: Proposal, to: str, version: int | None = None) -> Move:
    """The move from `current`'s status to `to`, or a ValidationError on `status`."""
    if version is not None and current.version != version:
        raise ProposalConflict(
            current,
            _("This proposal was changed meanwhile (it is now %(status)s). Read it again "
              "before you act.") % {"status": current.get_status_display()},
        )  # fmt: skip
    move = PROPOSAL_TRANSITIONS.get(current.status, {}).get(to)
    if move is None:
        raise ValidationError(
            {"to": _("A proposal that is %(current)s cannot become %(to)s.") % {
                "current": current.get_status_display(), "to": Status(to).label}}
        )  # fmt: skip
    return move


def _move(
    current: Proposal, *, to: str, actor: AbstractBaseUser | None, note: str = "", via: str = "web"
) -> ProposalEvent:
    """Move the locked proposal `current` to `to` (checked by the caller): status, version
    and event."""
    from_status = current.status
    current.status = to
    current.version += 1
    current.save()
    return ProposalEvent.objects.create(
        proposal=current, actor=actor, from_status=from_status, to_status=to,
        note=note[:500], via=via,
    )  # fmt: skip


def proposal_transition(
    *,
    actor: AbstractBaseUser,
    proposal: Proposal,
    to: str,
    note: str = "",
    via: str = "web",
    version: int | None = None,
) -> Proposal:
    """Take one proposal along the table to `to`: submit, verify, return, give up. The
    batch's moves and the registry's answer are refused here, with where to take them."""
    note = (note or "").strip()
    with transaction.atomic():
        current = _locked(proposal)
        move = _check(current, to, version)
        if move.by == "batch":
            raise ValidationError(
                {"to": _("A proposal is approved and sent with its village's batch.")}
            )
        if move.by == "settlement":
            raise ValidationError({"to": _("Settle the proposal with the registry's answer.")})
        if not actor.has_perm(move.permission):
            raise ValidationError({"to": _("Your role does not take this step.")})
        _move(current, to=to, actor=actor, note=note, via=via)
    return current


def proposal_open(
    *,
    actor: AbstractBaseUser,
    kind: str,
    household,
    person=None,
    changes: dict | None = None,
    exit_reason: str = "",
    reason: str = "",
    source: str,
    complaint=None,
) -> Proposal:
    """Open a draft proposal. (Checks to come: the area, a correction that changes
    something, the exit's evidence.) A second open proposal of the same kind for the same
    member (or, without a member, the same household) is refused, the household locked so
    that two desks cannot both open it."""
    from households.models import Household

    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()
        open_ones = Proposal.objects.exclude(status__in=Proposal.FINAL).filter(kind=kind)
        if person is not None and open_ones.filter(person=person).exists():
            raise ValidationError(
                {"person": _("This member already has an open proposal of this kind.")}
            )
        if person is None and open_ones.filter(household=household, person=None).exists():
            raise ValidationError(
                {"kind": _("This household already has an open proposal of this kind.")}
            )
        proposal = Proposal.objects.create(
            kind=kind, household=household, person=person, region_id=household.region_id,
            changes=changes or {}, exit_reason=exit_reason, reason=reason, source=source,
            complaint=complaint, created_by=actor,
        )  # fmt: skip
        ProposalEvent.objects.create(
            proposal=proposal, actor=actor, from_status="", to_status=Status.DRAFT
        )
    return proposal
