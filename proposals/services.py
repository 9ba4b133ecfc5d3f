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

from accounts.roles import Role, has_role
from documents.models import Document
from households.models import Household, Person
from households.selectors import households_in_scope
from proposals.batches import batch_for
from proposals.corrections import corrected_changes
from proposals.models import Proposal, ProposalEvent
from regions.time_zones import local_date_in
from visits.services import visit_request

Status = Proposal.Status
Kind = Proposal.Kind
ExitReason = Proposal.ExitReason


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


# The kinds the registry accepts only after a home visit has seen the household: a new
# household (that it exists, and lives as poor as proposed) and a household that left
# because it is better off (a claim about its welfare, which papers cannot prove). The
# verification of these waits for the visit's report.
HOME_VISIT_KINDS: frozenset[tuple[str, str]] = frozenset(
    {(Kind.NEW_HOUSEHOLD, ""), (Kind.EXIT, ExitReason.BETTER_OFF)}
)
# The kinds whose file needs evidence attached before it is submitted, and which document
# kind an exit's reason needs (None: any kind of document).
EVIDENCE_KINDS = (Kind.CORRECTION, Kind.EXIT)
EXIT_EVIDENCE: dict[str, str | None] = {ExitReason.DIED: "akta_kematian"}
# The kinds about one member; a new household and a household's correction or exit name none.
MEMBER_KINDS = (Kind.NEW_MEMBER,)
# The exit that a member recorded as no longer living in the household is proposed with:
# the registry hears of a death or a move through the office, after it was recorded.
EXIT_OF_STATUS: dict[str, str] = {
    Person.Status.DECEASED: ExitReason.DIED,
    Person.Status.MOVED_OUT: ExitReason.MOVED,
}
# Visits whose report is in: submitted, and reviewed after.
VISIT_DONE = ("submitted", "reviewed")


def needs_home_visit(proposal: Proposal) -> bool:
    """Whether verifying `proposal` waits for a home visit's report (`HOME_VISIT_KINDS`)."""
    reason = proposal.exit_reason if proposal.kind == Kind.EXIT else ""
    return (proposal.kind, reason) in HOME_VISIT_KINDS


def evidence_missing(proposal: Proposal) -> str | None:
    """What the file still lacks before it is submitted, said for the user; None: nothing."""
    if proposal.kind not in EVIDENCE_KINDS:
        return None
    documents = Document.objects.filter(owner_type="proposal", owner_id=proposal.pk)
    needed = EXIT_EVIDENCE.get(proposal.exit_reason) if proposal.kind == Kind.EXIT else None
    if needed is not None:
        if documents.filter(kind__code=needed).exists():
            return None
        return _("Attach the death certificate (akta kematian) before submitting.")
    if documents.exists():
        return None
    if proposal.kind == Kind.CORRECTION:
        return _("Attach the document that proves the correction (KTP, KK or another) "
                 "before submitting.")  # fmt: skip
    return _("Attach the document that proves the exit before submitting.")


def source_of(actor: AbstractBaseUser, complaint=None) -> str:
    """Who proposes, read from the actor's role (or the complaint it answers)."""
    if complaint is not None:
        return Proposal.Source.COMPLAINT
    if has_role(actor, Role.VILLAGE_OPERATOR):
        return Proposal.Source.VILLAGE_OPERATOR
    if has_role(actor, Role.FACILITATOR):
        return Proposal.Source.FACILITATOR
    return Proposal.Source.DESK


def moves_for(user: AbstractBaseUser, proposal: Proposal) -> list[str]:
    """The statuses `user` may move the proposal to on its own page (the buttons)."""
    allowed = PROPOSAL_TRANSITIONS.get(proposal.status, {})
    return [
        to for to in Status.values
        if (move := allowed.get(to)) and move.by == "proposal" and user.has_perm(move.permission)
        and not (to == Status.VERIFIED and proposal.created_by_id == user.pk)
    ]  # fmt: skip


def _batch_day(current: Proposal):
    return batch_for(current.region, local_date_in(current.region_id))


def proposal_transition(
    *,
    actor: AbstractBaseUser,
    proposal: Proposal,
    to: str,
    note: str = "",
    via: str = "web",
    version: int | None = None,
) -> Proposal:
    """Take one proposal along the table to `to`: submit (its evidence attached; it joins
    its village's batch of the cycle), verify (a home visit's report in, for the kinds that
    need one), return (with the reason), give up. The batch's moves and the registry's
    answer are refused here, with where to take them."""
    note = (note or "").strip()
    with transaction.atomic():
        # A submission locks the batch it joins before the proposal, in the order an
        # approval locks them (`proposals.batches.batch_approve`): never a deadlock.
        joining = _batch_day(proposal) if to == Status.SUBMITTED else None
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
        if to == Status.VERIFIED and current.created_by_id == actor.pk:
            raise ValidationError(
                {"to": _("Who proposed it does not verify it: another verifier does.")}
            )
        if to in (Status.RETURNED, Status.REJECTED) and not note:
            raise ValidationError({"note": _("Say why, for whoever proposed it.")})
        if to == Status.SUBMITTED and (missing := evidence_missing(current)):
            raise ValidationError({"documents": missing})
        if to == Status.VERIFIED and needs_home_visit(current):
            visit = current.visit
            if visit is None or visit.status not in VISIT_DONE:
                raise ValidationError(
                    {"visit": _("This kind of proposal is verified after a home visit: "
                                "ask for one and wait for its report.")}
                )  # fmt: skip
        if to == Status.SUBMITTED:
            current.batch = joining
        _move(current, to=to, actor=actor, note=note, via=via)
    return current


def proposal_visit_request(*, actor: AbstractBaseUser, proposal: Proposal, reason: str = ""):
    """Ask for the home visit that verifies `proposal`, linked to it."""
    with transaction.atomic():
        current = _locked(proposal)
        if not needs_home_visit(current):
            raise ValidationError(
                {"visit": _("This kind of proposal is verified without a home visit.")}
            )
        if current.is_final:
            raise ValidationError(
                {"visit": _("The registry has answered this proposal: it needs no home visit.")}
            )
        if current.visit_id is not None and current.visit.status != "cancelled":
            raise ValidationError({"visit": _("A home visit is already linked to this proposal.")})
        visit = visit_request(
            actor=actor,
            household=current.household,
            reason=(reason or "").strip()
            or _("Verify registry proposal %(id)s.") % {"id": current.pk},
        )
        current.visit = visit
        current.version += 1
        current.save(update_fields=["visit", "version", "updated_at"])
    return current


def _may_propose_about(actor: AbstractBaseUser, household: Household) -> bool:
    return households_in_scope(actor).filter(pk=household.pk).exists()


def proposal_open(
    *,
    actor: AbstractBaseUser,
    kind: str,
    household: Household,
    person: Person | None = None,
    changes: dict | None = None,
    exit_reason: str = "",
    reason: str = "",
    source: str | None = None,
    complaint=None,
) -> Proposal:
    """Open a draft proposal about a household of the actor's area, or one of its living
    members (the exit of one who died or moved out, too). A correction names the variables
    it changes (`proposals.corrections`); an exit says why. A second open proposal of the
    same kind for the same member (or, without a member, the same household) is refused,
    the household locked so that two desks cannot both open it. `source` is read from the
    actor's role unless given (an upheld objection). Raises `ValidationError` by field;
    nothing is saved then."""
    reason = (reason or "").strip()
    exit_reason = (exit_reason or "").strip()
    if not actor.has_perm(PROPOSE):
        raise ValidationError(_("Your role does not propose to the registry."))
    if household is None or not _may_propose_about(actor, household):
        raise ValidationError({"household": _("Choose a household of your working area.")})
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    if kind not in Kind.values:
        add("kind", _("Choose the kind of proposal."))
    elif household.dissolved_on is not None and kind != Kind.EXIT:
        # A household dissolved (or merged into another) leaves the registry: only its exit.
        add("kind", _("This household was dissolved on %(day)s: only its exit can be "
                      "proposed.") % {"day": f"{household.dissolved_on:%d-%m-%Y}"})  # fmt: skip
    if person is not None and person.household_id != household.pk:
        add("person", _("Choose a member of this household."))
    elif person is not None and not person.is_active:
        if kind != Kind.EXIT:
            add("person", _("This member died or moved out: propose their exit instead."))
        elif exit_reason and exit_reason != EXIT_OF_STATUS.get(person.status):
            add(
                "exit_reason",
                _("This member is recorded as %(status)s: propose the exit for that reason.")
                % {"status": person.get_status_display()},
            )
    if kind in MEMBER_KINDS and person is None:
        add("person", _("Choose the member to propose."))
    if kind == Kind.NEW_HOUSEHOLD and person is not None:
        add("person", _("A new household is proposed as a whole: choose no member."))
    if kind == Kind.EXIT:
        if exit_reason not in ExitReason.values:
            add("exit_reason", _("Say why the member or household leaves the registry."))
        elif exit_reason == ExitReason.DIED and person is None:
            add("person", _("Choose the member who died."))
    elif exit_reason:
        add("exit_reason", _("Only an exit has a reason for exit."))
    if len(reason) > 2000:
        add("reason", _("Write the reason in at most 2,000 characters."))
    if complaint is not None and complaint.household_id != household.pk:
        add("complaint", _("The complaint is about another household."))
    stored_changes: dict = {}
    if kind == Kind.CORRECTION and not errors:
        try:
            stored_changes = corrected_changes(
                person=person, household=household, changes=changes, actor=actor
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    add(field, message)
    elif changes and kind in Kind.values:
        add("changes", _("Only a correction names changes."))
    if errors:
        raise ValidationError(errors)

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
            changes=stored_changes, exit_reason=exit_reason, reason=reason,
            source=source or source_of(actor, complaint), complaint=complaint, created_by=actor,
        )  # fmt: skip
        ProposalEvent.objects.create(
            proposal=proposal, actor=actor, from_status="", to_status=Status.DRAFT
        )
    return proposal
