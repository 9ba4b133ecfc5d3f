"""Every change to a referral: creation (with its routing and outbox rows), status changes by
the sending office or the receiving agency, reminders and escalations.

Each change locks the referral's row, checks the one transition table, writes the status and
its event, and queues what must be sent once the transaction commits: the outbox row is
written with the change, so a message is never lost and never sent for a change that was
rolled back.
"""

import datetime
import logging
from collections.abc import Callable, Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import DECIDE_REFERRAL, SUPERVISING_ROLES, Role, has_role
from accounts.selectors import staff_covering, staff_profile_of
from complaints.models import Complaint
from complaints.resident_messages import message_referral_outcome
from complaints.selectors import complaints_in_scope
from complaints.services import complaint_transition
from complaints.workdays import add_working_days
from documents.models import DocumentKind
from households.models import Household
from outbox.models import Dispatch
from outbox.services import dispatches_write
from programs.models import Agency, Program
from programs.rules import rule_evaluate
from programs.verdicts import explanation_summary
from referrals.messages import referral_dispatch
from referrals.models import ReactivationRecord, Referral, ReferralEvent
from referrals.selectors import (
    DocumentFile,
    agency_referrals_q,
    complaint_files,
    referral_file,
    referrals_for,
    referred_program_codes,
)
from regions.models import Region
from regions.time_zones import local_date_in, moment_text, time_zone_of, zones_q
from slrt.field_errors import item_path

logger = logging.getLogger(__name__)

Status = Referral.Status
Via = ReferralEvent.Via

# Who makes a move: the office that sent the referral, the agency that received it, a
# supervisor sending it to another agency (`referral_reassign`: it is sent anew), or an
# approver deciding a referral that waits for a decision (`referral_decide`: approved it is
# sent, returned it goes back to draft).
SENDER, AGENCY, SUPERVISOR, APPROVER = "sender", "agency", "supervisor", "approver"
# The one table of allowed status changes, with whose move each is; completed, rejected and
# cancelled are final. A draft goes to `sent`, or, when its programme needs a decision
# (`Program.needs_decision`), to `awaiting_decision`.
TRANSITIONS: dict[str, dict[str, str]] = {
    Status.DRAFT: {
        Status.AWAITING_DECISION: SENDER, Status.SENT: SENDER, Status.CANCELLED: SENDER,
    },
    Status.AWAITING_DECISION: {
        Status.SENT: APPROVER, Status.DRAFT: APPROVER, Status.CANCELLED: SENDER,
    },
    Status.SENT: {
        Status.RECEIVED: AGENCY, Status.REJECTED: AGENCY, Status.CANCELLED: SENDER,
        Status.SENT: SUPERVISOR,
    },
    Status.RECEIVED: {
        Status.IN_PROGRESS: AGENCY, Status.COMPLETED: AGENCY, Status.REJECTED: AGENCY,
        Status.CANCELLED: SENDER, Status.SENT: SUPERVISOR,
    },
    Status.IN_PROGRESS: {
        Status.COMPLETED: AGENCY, Status.REJECTED: AGENCY, Status.CANCELLED: SENDER,
        Status.SENT: SUPERVISOR,
    },
}  # fmt: skip
# Working days after the acknowledgement was due before the supervisors are told.
ESCALATION_GRACE_DAYS = 2


class ReactivationChanged(ValidationError):
    """The reactivation's record was corrected by someone else since the user read it."""

    def __init__(self, record: ReactivationRecord):
        super().__init__(
            _("Someone else recorded this reactivation meanwhile: it is shown as it is now. "
              "Check it, then save your correction again.")
        )  # fmt: skip
        self.record = record


class ReferralConflict(Exception):
    """The referral changed since the user read it (another officer answered first)."""

    def __init__(self, referral: Referral):
        super().__init__(
            _("Someone else changed this referral meanwhile: it is now %(status)s. "
              "Check it again before deciding.") % {"status": referral.get_status_display()}
        )  # fmt: skip
        self.referral = referral


# --- who may act -------------------------------------------------------------------------------


def is_sender(user: AbstractBaseUser, referral: Referral) -> bool:
    """Back-office staff whose working area holds the referral's household."""
    return (
        has_role(user, Role.BACK_OFFICE)
        and complaints_in_scope(user).filter(pk=referral.complaint_id).exists()
    )


def is_receiver(user: AbstractBaseUser, referral: Referral) -> bool:
    """Officers of the agency the referral was sent to, working in its household's area."""
    profile = staff_profile_of(user)
    return (
        has_role(user, Role.AGENCY_OFFICER)
        and profile is not None
        and profile.agency_id == referral.agency_id
        and Referral.objects.filter(agency_referrals_q(user), pk=referral.pk).exists()
    )


def moves_for(user: AbstractBaseUser, referral: Referral) -> list[str]:
    """The statuses `user` may move the referral to now, in the table's order."""
    sides = set()
    if is_sender(user, referral):
        sides.add(SENDER)
    if is_receiver(user, referral):
        sides.add(AGENCY)
    allowed = dict(TRANSITIONS.get(referral.status, {}))
    if referral.status == Status.DRAFT:  # sending goes the way its programme says
        allowed.pop(Status.SENT if needs_decision(referral) else Status.AWAITING_DECISION)
    return [status for status in Status.values if allowed.get(status) in sides]


def is_emergency(complaint: Complaint) -> bool:
    """Whether the complaint's referrals go by the emergency lane (hours, not days)."""
    return complaint.urgency == Complaint.Urgency.EMERGENCY


def needs_decision(referral: Referral) -> bool:
    """Whether the referral, once its sender sends it, waits for a decision first."""
    return referral.program.needs_decision(emergency=is_emergency(referral.complaint))


def referral_deadlines(
    program: Program, *, emergency: bool, region: str, now: datetime.datetime
) -> dict:
    """The deadlines of a referral sent at `now` to `program`, as model fields: in working
    days from the household's date, or, in the emergency lane, the programme's
    `emergency_hours` (with the reminder at half time; its dates are the deadline's)."""
    if emergency:
        hours = datetime.timedelta(hours=program.emergency_hours)
        due_at = now + hours
        due_day = local_date_in(region, due_at)
        return {
            "response_due": due_day, "resolution_due": due_day,
            "due_at": due_at, "remind_at": now + hours / 2,
        }  # fmt: skip
    today = local_date_in(region, now)
    return {
        "response_due": add_working_days(today, program.response_days),
        "resolution_due": add_working_days(today, program.resolution_days),
        "due_at": None, "remind_at": None,
    }  # fmt: skip


def _start_deadlines(referral: Referral, now: datetime.datetime) -> None:
    deadlines = referral_deadlines(
        referral.program,
        emergency=is_emergency(referral.complaint),
        region=referral.household.region_id,
        now=now,
    )
    for name, value in deadlines.items():
        setattr(referral, name, value)


# --- creation ----------------------------------------------------------------------------------


def route_agencies(programs: list[Program], household: Household) -> dict[int, Agency]:
    """The body that receives referrals to each programme, by programme id: its agency, read
    afresh (its e-mail and webhook are what the outbox uses)."""
    agencies = Agency.objects.in_bulk({program.agency_id for program in programs})
    return {program.pk: agencies[program.agency_id] for program in programs}


def referrals_create(
    *,
    actor: AbstractBaseUser,
    complaint: Complaint,
    programs: Iterable[Program],
    notes: str | Mapping[str, str] = "",
    via: str = Via.WEB,
) -> list[Referral]:
    """Refer the complaint's household to each of `programs`, all or none.

    Needs the resident's consent to share data and an assessed, open complaint. `notes` are
    for the agency: one text for every programme, or each programme's own by its code. A
    programme the household does not qualify for needs notes saying why it is referred
    anyway; the agency sees them. Each referral is routed to its agency, with its e-mail and
    webhook written to the outbox in the same transaction and delivered after commit.

    With notes by programme, a missing justification is keyed by that programme's notes,
    `programs[1].notes` (`slrt.field_errors.item_path`, counting `programs` in order).
    """
    programs = list(programs)
    by_program = isinstance(notes, Mapping)
    notes_of = {
        program.pk: (notes.get(program.code, "") if by_program else notes).strip()
        for program in programs
    }
    today = local_date_in(complaint.household.region_id)
    if not programs:
        raise ValidationError({"program": _("Choose at least one programme.")})
    if not complaints_in_scope(actor).filter(pk=complaint.pk).exists():
        raise ValidationError({"complaint": _("This complaint is outside your working area.")})
    if not has_role(actor, Role.BACK_OFFICE):
        raise ValidationError({"complaint": _("Only the back office refers complaints.")})
    if not complaint.consent_given:
        raise ValidationError(
            {"complaint": _("The resident has not agreed to share their data with other "
                            "bodies: record their consent first.")}
        )  # fmt: skip
    if complaint.status not in Complaint.REFERABLE_STATUSES:
        raise ValidationError(
            {"complaint": _("Only an assessed, open complaint can be referred; this one is "
                            "%(status)s.") % {"status": complaint.get_status_display()}}
        )  # fmt: skip

    household = (
        Household.objects.select_related("region")
        .prefetch_related("members")
        .get(pk=complaint.household_id)
    )
    _refuse_referred_again(complaint, programs)
    unserved = [program for program in programs if not program.agency.serves(household.region_id)]
    if unserved:
        raise ValidationError(
            {"program": [_("%(code)s is not offered in this household's area.")
                         % {"code": program.code} for program in unserved]}
        )  # fmt: skip
    enrolled = household.enrollments.active().program_codes()
    # The verdict as of now, kept on the referral: the letter says what held when it was sent.
    verdicts = {
        program.pk: rule_evaluate(program.rule, household, today=today, enrolled_codes=enrolled)
        for program in programs
    }
    eligible = {pk: explanation.met for pk, explanation in verdicts.items()}
    files = complaint_files(complaint, programs)
    errors, unjustified = [], {}
    for index, program in enumerate(programs):
        if not program.is_active:
            errors.append(_("%(code)s is no longer active.") % {"code": program.code})
            continue
        messages = []
        if not eligible[program.pk] and not notes_of[program.pk]:
            messages.append(_("The household does not qualify for %(code)s: say in the notes why "
                              "you refer it anyway.") % {"code": program.code})  # fmt: skip
        # Keyed by programme, a message need not name it; in one list it must.
        named = program.code if not by_program and len(programs) > 1 else None
        incomplete = incomplete_file_error(files[program.pk], notes_of[program.pk], code=named)
        if incomplete:
            messages.append(incomplete)
        if messages:
            unjustified[item_path("programs", index, "notes")] = messages
    if by_program and (errors or unjustified):
        raise ValidationError({**({"program": errors} if errors else {}), **unjustified})
    errors += [message for messages in unjustified.values() for message in messages]
    if errors:
        raise ValidationError({"program": errors} if len(programs) > 1 else {"notes": errors})

    agencies = route_agencies(programs, household)
    now = timezone.now()
    emergency = is_emergency(complaint)
    created = []
    try:
        with transaction.atomic():
            locked = (
                Complaint.objects.select_for_update(of=("self",))
                .select_related("category")
                .get(pk=complaint.pk)
            )
            # The complaint is locked: no one else numbers its referrals meanwhile.
            last = locked.referrals.aggregate(last=Max("sequence"))["last"] or 0
            for sequence, program in enumerate(programs, start=last + 1):
                waits = program.needs_decision(emergency=emergency)
                deadlines = (
                    {}
                    if waits
                    else referral_deadlines(
                        program, emergency=emergency, region=household.region_id, now=now
                    )
                )
                status = Status.AWAITING_DECISION if waits else Status.SENT
                referral = Referral.objects.create(
                    complaint=locked,
                    sequence=sequence,
                    household=household,
                    program=program,
                    agency=agencies[program.pk],
                    notes=notes_of[program.pk],
                    incomplete_note="" if files[program.pk].complete else notes_of[program.pk],
                    eligible=eligible[program.pk],
                    eligibility_summary=explanation_summary(verdicts[program.pk]),
                    status=status,
                    created_by=actor,
                    sent_at=None if waits else now,
                    **deadlines,
                )
                _event(referral, actor=actor, via=via, from_status="", to_status=status,
                       note=notes_of[program.pk])  # fmt: skip
                if not waits:
                    _outbox(referral, Dispatch.Kind.REFERRAL)
                created.append(referral)
            if locked.status != Complaint.Status.REFERRED:
                complaint_transition(
                    actor=actor, complaint=locked, to=Complaint.Status.REFERRED, via=via,
                    note=", ".join(program.code for program in programs),
                )  # fmt: skip
    except IntegrityError as error:  # referred meanwhile by someone else: the same rule
        _refuse_referred_again(complaint, programs)
        raise ValidationError({"program": _("Already referred for this complaint.")}) from error
    return created


def incomplete_file_error(file: DocumentFile, note: str, *, code: str | None = None) -> str | None:
    """The one rule of sending a referral whose file lacks a required document: only with a
    note telling the agency (`Referral.incomplete_note`). The message refusing it (naming
    the programme `code` when given), or None."""
    if file.complete or note.strip():
        return None
    missing = file.missing_names()
    if code:
        return _("The file for %(code)s is incomplete (missing: %(missing)s): write a note for "
                 "the receiving agency.") % {"code": code, "missing": missing}  # fmt: skip
    return _("The file is incomplete (missing: %(missing)s). Write a note for the receiving "
             "agency.") % {"missing": missing}  # fmt: skip


def _refuse_referred_again(complaint: Complaint, programs: list[Program]) -> None:
    """Refuse the programmes that hold one of the complaint's referrals already (see
    `Referral.BLOCKING_STATUSES`)."""
    taken = referred_program_codes(complaint.pk) & {program.code for program in programs}
    if taken:
        raise ValidationError(
            {"program": _("Already referred for this complaint: %(codes)s.")
             % {"codes": ", ".join(sorted(taken))}}
        )  # fmt: skip


def _event(referral: Referral, *, actor, via: str, action=ReferralEvent.Action.STATUS, **fields):
    ReferralEvent.objects.create(referral=referral, actor=actor, via=via, action=action, **fields)


def _outbox(referral: Referral, kind: str, *, recipients: list[str] | None = None) -> list[int]:
    """Write the messages announcing `kind` to the outbox, queued for after the commit. To
    the agency by e-mail and, where it has one, by webhook; escalations by e-mail to
    `recipients`."""
    agency = referral.agency
    email, webhook = Dispatch.Channel.EMAIL, Dispatch.Channel.WEBHOOK
    rows = []
    if recipients is not None:
        if recipients:
            rows.append(referral_dispatch(referral, kind, email, recipients=recipients))
    else:
        if agency.email:
            rows.append(referral_dispatch(referral, kind, email, recipients=[agency.email]))
        if agency.webhook_url:
            rows.append(referral_dispatch(referral, kind, webhook))
    return dispatches_write(rows)


# --- status changes ----------------------------------------------------------------------------


def referral_transition(
    *,
    actor: AbstractBaseUser,
    referral: Referral,
    to: str,
    note: str = "",
    version: int | None = None,
    via: str = Via.WEB,
) -> Referral:
    """Move a referral to `to`, as its sender (send, cancel) or its agency (acknowledge,
    start, complete, reject).

    With `version` (what the user saw), a referral changed since then raises
    `ReferralConflict` instead of overwriting the other change. Rejecting needs a reason and
    completing an outcome, in `note`.
    """
    note = note.strip()
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("agency", "program", "complaint", "household")
            .get(pk=referral.pk)
        )
        if version is not None and current.version != version:
            raise ReferralConflict(current)
        if current.status == Status.DRAFT and to in (Status.SENT, Status.AWAITING_DECISION):
            # Sending: to the agency, or to the approvers when the programme needs a decision.
            to = Status.AWAITING_DECISION if needs_decision(current) else Status.SENT
        side = TRANSITIONS.get(current.status, {}).get(to)
        if side == APPROVER:
            raise ValidationError(
                {"to": _("An approver decides this referral: approve it or return it.")}
            )
        if side in (None, SUPERVISOR):  # a supervisor's move needs the new agency: reassign
            raise _not_allowed(current, to)
        if to not in moves_for(actor, current):
            whose = _("the agency") if side == AGENCY else _("the office that sent it")
            raise ValidationError({"to": _("Only %(side)s can do this.") % {"side": whose}})
        if to == Status.REJECTED and not note:
            raise ValidationError({"note": _("Give the reason for rejecting the referral.")})
        if to == Status.COMPLETED and not note:
            raise ValidationError({"note": _("Say what the household received.")})
        if to in (Status.SENT, Status.AWAITING_DECISION):
            file = referral_file(current)
            incomplete = incomplete_file_error(file, note)
            if incomplete:
                raise ValidationError({"note": incomplete})
            current.incomplete_note = "" if file.complete else note
        if to == Status.SENT:
            _start_deadlines(current, timezone.now())
        _move(current, to=to, actor=actor, via=via, note=note)
    return current


# --- the decision before sending (penetapan) ---------------------------------------------------


class Decision:
    APPROVE, RETURN = "approve", "return"
    CHOICES = [(APPROVE, "approve"), (RETURN, "return")]


def may_decide(user: AbstractBaseUser) -> bool:
    """Whether `user` holds the permission of deciding referrals (supervisors and
    coordinators by default; others the admin gives it to)."""
    return user.is_authenticated and user.is_active and user.has_perm(DECIDE_REFERRAL)


def decision_refusal(user: AbstractBaseUser, referral: Referral) -> str | None:
    """Why `user` may not decide the referral now, or None: the permission, the working
    area, the status, and four eyes (whoever prepared or submitted it never decides it)."""
    if not may_decide(user):
        return _("Only approvers (supervisors and coordinators) decide referrals.")
    if not referrals_for(user).filter(pk=referral.pk).exists():
        return _("This referral is outside your working area.")
    if referral.status != Status.AWAITING_DECISION:
        return _("It is %(status)s: there is no decision to make.") % {
            "status": referral.get_status_display()
        }
    submitters = referral.events.filter(to_status=Status.AWAITING_DECISION).values_list(
        "actor_id", flat=True
    )
    if user.pk == referral.created_by_id or user.pk in set(submitters):
        return _("You prepared or submitted this referral: another approver decides it "
                 "(four eyes).")  # fmt: skip
    return None


def referral_decide(
    *,
    actor: AbstractBaseUser,
    referral: Referral,
    decision: str,
    note: str = "",
    version: int | None = None,
    via: str = Via.WEB,
) -> Referral:
    """An approver decides a referral that waits for a decision: `approve` sends it as a
    referral is sent (routing, outbox, deadlines from now), `return` gives it back to its
    sender as a draft with `note` (required) saying what to change. The approver and the
    time are kept on the referral (its letter prints them) and in its event."""
    note = note.strip()
    if decision not in (Decision.APPROVE, Decision.RETURN):
        raise ValidationError({"decision": _("Choose approve or return.")})
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("agency", "program", "complaint", "household")
            .get(pk=referral.pk)
        )
        if version is not None and current.version != version:
            raise ReferralConflict(current)
        refusal = decision_refusal(actor, current)
        if refusal:
            raise ValidationError({"decision": refusal})
        if decision == Decision.RETURN and not note:
            raise ValidationError({"note": _("Say what the sender must change.")})
        now = timezone.now()
        current.decided_by, current.decided_at = actor, now
        current.decision_note = note if decision == Decision.RETURN else ""
        if decision == Decision.APPROVE:
            _start_deadlines(current, now)
            _move(current, to=Status.SENT, actor=actor, via=via, note=note,
                  action=ReferralEvent.Action.APPROVED)  # fmt: skip
        else:
            _move(current, to=Status.DRAFT, actor=actor, via=via, note=note,
                  action=ReferralEvent.Action.RETURNED)  # fmt: skip
    return current


def referral_request_document(
    *,
    actor: AbstractBaseUser,
    referral: Referral,
    kind: DocumentKind | None,
    note: str = "",
    via: str = Via.WEB,
) -> ReferralEvent:
    """The agency the referral is with asks the sending office for a document its file
    lacks: an event the office sees on the referral until a document of that kind is in the
    file. A kind the programme does not require needs a note saying what and why."""
    note = note.strip()
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("program")
            .get(pk=referral.pk)
        )
        if not is_receiver(actor, current):
            raise ValidationError(_("Only the agency the referral was sent to asks for documents."))
        if current.status not in Referral.AT_AGENCY:
            raise ValidationError(
                _("It is %(status)s: documents are asked for only while the agency handles it.")
                % {"status": current.get_status_display()}
            )
        if kind is None or not kind.is_active:
            raise ValidationError({"kind": _("Choose the document you need.")})
        file = referral_file(current)
        if file.holds(kind.pk):
            raise ValidationError(
                {"kind": _("The file holds %(kind)s already: open it on this page.")
                 % {"kind": kind.name}}
            )  # fmt: skip
        if not note and kind.pk not in {item.kind.pk for item in file.items}:
            raise ValidationError(
                {"note": _("%(kind)s is not among the programme's required documents: say what "
                           "you need and why.") % {"kind": kind.name}}
            )  # fmt: skip
        return ReferralEvent.objects.create(
            referral=current, actor=actor, via=via, kind=kind, note=note,
            action=ReferralEvent.Action.DOCUMENT_REQUESTED,
        )  # fmt: skip


def _not_allowed(referral: Referral, to: str) -> ValidationError:
    return ValidationError(
        {"to": _("A referral that is %(current)s cannot become %(to)s.") % {
            "current": referral.get_status_display(),
            "to": Status(to).label if to in Status.values else repr(to),
        }}
    )  # fmt: skip


def _move(
    current: Referral,
    *,
    to: str,
    actor: AbstractBaseUser | None,
    via: str,
    note: str,
    action: str = ReferralEvent.Action.STATUS,
) -> None:
    """Move the locked referral `current` along the table to `to`, checked by the caller:
    its status and timestamps, its event, the messages the move sends, and the complaint's
    follow-up once every referral is settled."""
    side = TRANSITIONS[current.status][to]
    now = timezone.now()
    previous = current.status
    current.status = to
    current.version += 1
    if to == Status.SENT:
        current.sent_at = now
    if to == Status.RECEIVED or (side == AGENCY and current.received_at is None):
        current.received_at = now
    if to in Referral.FINAL:
        current.closed_at = now
    if to in Referral.ANSWERED:
        current.outcome_note = note
    current.save()
    _event(current, actor=actor, via=via, action=action, from_status=previous, to_status=to,
           note=note)  # fmt: skip
    if to == Status.CANCELLED and previous not in Referral.NOT_SENT:
        _outbox(current, Dispatch.Kind.CANCELLED)
    if to == Status.SENT:
        _outbox(current, Dispatch.Kind.REFERRAL)
    if to in Referral.ANSWERED:
        _tell_the_resident(current)
    if current.is_final:
        _follow_up_when_settled(current.complaint_id)


def _tell_the_resident(referral: Referral) -> None:
    """The complainant hears of the referral's outcome (`complaints.resident_messages`),
    after commit, once."""
    message_referral_outcome(
        Complaint.objects.get(pk=referral.complaint_id),
        referral_id=referral.pk,
        status=referral.status,
        program=referral.program.name,
        agency=referral.agency.name,
    )


def _follow_up_when_settled(complaint_id: int) -> None:
    """Once every referral of the complaint is final, it waits for the back office's
    follow-up."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if complaint.status != Complaint.Status.REFERRED:
        return
    if complaint.referrals.filter(Referral.unsettled_q()).exists():
        return
    complaint_transition(
        actor=None, complaint=complaint, to=Complaint.Status.FOLLOW_UP, via=Via.SYSTEM,
        note=_("Every referral is settled."),
    )  # fmt: skip


# --- deadlines ---------------------------------------------------------------------------------


def supervisors_of(referral: Referral) -> list[str]:
    """E-mail addresses of the supervisors whose area holds the referral's household at the
    regency level or above."""
    regency = Region.code_at(referral.household.region_id, Region.Level.REGENCY)
    users = staff_covering(regency, Role.SUPERVISOR)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def sla_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind agencies of referrals they have not acknowledged in time, and escalate to the
    supervisors those still unacknowledged after the grace period. Each happens once per
    referral (the claim is one conditional UPDATE), with its event and its messages.

    "Late" is judged on the date of the household's own zone (a referral in Papua is a day
    late two hours before one in Aceh); `today` imposes one date on every zone (tests).
    Referrals in the emergency lane go by the hour (`emergency_sweep`), counted here too."""
    now = timezone.now()
    counts = emergency_sweep(now=now)
    for zone, in_zone in zones_q("household__region"):
        day = today or timezone.localdate(now, zone)
        by_day = Referral.objects.filter(in_zone, due_at=None)
        late = by_day.filter(Referral.late_to_acknowledge_q(day, now))
        for pk in late.filter(reminded_at=None).values_list("pk", flat=True):
            counts["reminders"] += _remind(pk)
        waiting = by_day.filter(status=Status.SENT, escalated_at=None)
        for referral in waiting.exclude(response_due=None).only("pk", "response_due"):
            if add_working_days(referral.response_due, ESCALATION_GRACE_DAYS) < day:
                counts["escalations"] += _escalate(referral.pk)
    return counts


def emergency_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The emergency lane, by the hour (beat runs it every 15 minutes): a reminder to the
    agency once half the referral's time has gone unsettled, an escalation to the
    supervisors once its deadline has passed; each once, as the daily sweep's."""
    now = now or timezone.now()
    counts = {"reminders": 0, "escalations": 0}
    due = Referral.objects.filter(Referral.emergency_reminder_due_q(now))
    for pk in due.values_list("pk", flat=True):
        counts["reminders"] += _remind(pk, emergency=True)
    late = Referral.objects.exclude(due_at=None).filter(
        Referral.late_to_settle_q(now.date(), now), status__in=Referral.AT_AGENCY,
        escalated_at=None,
    )  # fmt: skip
    for pk in late.values_list("pk", flat=True):
        counts["escalations"] += _escalate(pk, emergency=True)
    return counts


def _remind(pk: int, *, emergency: bool = False) -> int:
    statuses = Referral.AT_AGENCY if emergency else {Status.SENT}
    with transaction.atomic():
        claimed = Referral.objects.filter(pk=pk, status__in=statuses, reminded_at=None).update(
            reminded_at=timezone.now()
        )
        if not claimed:
            return 0
        referral = Referral.objects.select_related("agency").get(pk=pk)
        if emergency:
            note = _("Emergency: half the time is gone; due %(moment)s.") % {
                "moment": moment_text(referral.due_at, time_zone_of(referral.household.region_id))
            }
        else:
            note = _("Not acknowledged by %(day)s.") % {"day": f"{referral.response_due:%d-%m-%Y}"}
        _event(referral, actor=None, via=Via.SYSTEM, action=ReferralEvent.Action.REMINDER,
               note=note)  # fmt: skip
        _outbox(referral, Dispatch.Kind.REMINDER)
    return 1


def _escalate(pk: int, *, emergency: bool = False) -> int:
    statuses = Referral.AT_AGENCY if emergency else {Status.SENT}
    with transaction.atomic():
        claimed = Referral.objects.filter(pk=pk, status__in=statuses, escalated_at=None).update(
            escalated_at=timezone.now()
        )
        if not claimed:
            return 0
        referral = Referral.objects.select_related("agency", "household").get(pk=pk)
        recipients = supervisors_of(referral)
        _event(referral, actor=None, via=Via.SYSTEM, action=ReferralEvent.Action.ESCALATION,
               note=", ".join(recipients) or _("no supervisor with an e-mail address"))  # fmt: skip
        _outbox(referral, Dispatch.Kind.ESCALATION, recipients=recipients)
    return 1


# --- supervision -------------------------------------------------------------------------------


def _require_supervisor_of(actor: AbstractBaseUser, referral: Referral) -> None:
    if not has_role(actor, *SUPERVISING_ROLES):
        raise ValidationError(_("Only supervisors and administrators do this."))
    if not referrals_for(actor).filter(pk=referral.pk).exists():
        raise ValidationError(_("This referral is outside your working area."))


def referral_escalate(*, actor: AbstractBaseUser, referral: Referral, note: str = "") -> Referral:
    """A supervisor escalates an open referral by hand: to the agency, with the area's
    supervisors in copy. Once per referral, as the SLA sweep's escalation."""
    _require_supervisor_of(actor, referral)
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",))
        locked = locked.select_related("agency", "household", "complaint")
        locked = locked.get(pk=referral.pk)
        if locked.is_final:
            raise ValidationError(
                _("It is %(status)s: there is nothing left to escalate.")
                % {"status": locked.get_status_display()}
            )
        if locked.escalated_at is not None:
            region = locked.household.region_id
            raise ValidationError(
                _("%(number)s was escalated on %(day)s already.")
                % {
                    "number": locked.number,
                    "day": f"{local_date_in(region, locked.escalated_at):%d-%m-%Y}",
                }
            )
        locked.escalated_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["escalated_at", "version"])
        recipients = sorted({locked.agency.email, *supervisors_of(locked)} - {""})
        _event(locked, actor=actor, via=Via.WEB, action=ReferralEvent.Action.ESCALATION,
               note=note.strip() or ", ".join(recipients))  # fmt: skip
        _outbox(locked, Dispatch.Kind.ESCALATION, recipients=recipients)
    return locked


def referral_reassign(
    *, actor: AbstractBaseUser, referral: Referral, agency: Agency, note: str
) -> Referral:
    """A supervisor sends an open referral to another agency (it was routed to the wrong
    one, or that one cannot serve). The old agency is told it is withdrawn; the new one
    receives it as new, with fresh deadlines, and must acknowledge it."""
    _require_supervisor_of(actor, referral)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why the referral goes to another agency.")})
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",))
        locked = locked.select_related("agency", "program", "household", "complaint")
        locked = locked.get(pk=referral.pk)
        if TRANSITIONS.get(locked.status, {}).get(Status.SENT) != SUPERVISOR:
            raise ValidationError(
                _("It is %(status)s: it cannot go to another agency.")
                % {"status": locked.get_status_display()}
            )
        if agency.pk == locked.agency_id:
            raise ValidationError({"agency": _("The referral is with this agency already.")})
        if not agency.serves(locked.household.region_id):
            raise ValidationError({"agency": _("This agency does not serve the household's area.")})
        _outbox(locked, Dispatch.Kind.CANCELLED)  # to the agency it leaves
        old_agency = locked.agency
        locked.agency = agency
        locked.received_at = locked.reminded_at = locked.escalated_at = None
        _start_deadlines(locked, timezone.now())
        _move(locked, to=Status.SENT, actor=actor, via=Via.WEB,
              action=ReferralEvent.Action.REASSIGNED,
              note=_("From %(old)s to %(new)s: %(reason)s")
              % {"old": old_agency.name, "new": agency.name, "reason": note})  # fmt: skip
    return locked


# --- the PBI-JK reactivation record ------------------------------------------------------------

# The kind of the facility's letter a reactivation needs in the referral's file.
FACILITY_LETTER = "surat_faskes"
# Where a reactivation is recorded: once sent, until settled (or served).
REACTIVATION_STATUSES = Referral.AT_AGENCY | {Status.COMPLETED}


# What else the upload of a reactivation needs, added by the apps above this one (the letter
# register adds the Dinas Sosial's recommendation, issued for the referral): each is given the
# referral and answers what is missing, or "".
REACTIVATION_NEEDS: list[Callable[[Referral], str]] = []


def facility_letter_of(file: DocumentFile):
    """The newest facility's letter (`surat_faskes`) in the referral's file, or None."""
    letters = [document for document in file.documents if document.kind.code == FACILITY_LETTER]
    return max(letters, key=lambda document: (document.uploaded_at, document.pk), default=None)


def reactivation_record(
    *,
    actor: AbstractBaseUser,
    referral: Referral,
    uploaded_on: datetime.date | None,
    result: str = "",
    result_on: datetime.date | None = None,
    refusal_reason: str = "",
    version: int | None = None,
    via: str = Via.WEB,
) -> ReactivationRecord:
    """Record (or correct) the reactivation of a referral to a reactivation programme: the
    facility's letter its file holds, the day it was uploaded to the national system (by
    `actor`) and, once known, the result (`refused` with its reason). All or nothing, with
    an event; field by field messages. With `version` (the record's as the user read it, 0
    for none), a record changed since is not overwritten (`ReactivationChanged`)."""
    refusal_reason = refusal_reason.strip()
    if not is_sender(actor, referral):
        raise ValidationError(_("Only the back office of the household's area records this."))
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("program", "household")
            .get(pk=referral.pk)
        )
        if not current.program.is_reactivation:
            raise ValidationError(
                _("%(code)s is not a reactivation programme.") % {"code": current.program.code}
            )
        if current.status not in REACTIVATION_STATUSES:
            raise ValidationError(
                _("It is %(status)s: a reactivation is recorded once the referral is sent.")
                % {"status": current.get_status_display()}
            )
        letter = facility_letter_of(referral_file(current))
        if letter is None:
            raise ValidationError(
                _("Attach the facility's letter (surat keterangan fasilitas kesehatan) to the "
                  "referral first.")
            )  # fmt: skip
        if missing := [message for need in REACTIVATION_NEEDS if (message := need(current))]:
            raise ValidationError(missing)
        today = local_date_in(current.household.region_id)
        sent_day = local_date_in(current.household.region_id, current.sent_at or current.created_at)
        errors = {}
        if uploaded_on is None:
            errors["uploaded_on"] = _("Give the day of the upload to the national system.")
        elif uploaded_on > today:
            errors["uploaded_on"] = _("The upload cannot be in the future.")
        elif uploaded_on < sent_day:
            errors["uploaded_on"] = _(
                "The upload cannot be before the referral was sent (%(day)s)."
            ) % {"day": f"{sent_day:%d-%m-%Y}"}
        if result and result not in ReactivationRecord.Result.values:
            errors["result"] = _("Choose one of the results offered.")
        if result == ReactivationRecord.Result.REFUSED and not refusal_reason:
            errors["refusal_reason"] = _("Give the reason for the refusal.")
        if result_on is not None and not result:
            errors["result_on"] = _("Choose the result first.")
        elif result and result_on is None:
            result_on = today
        if result_on is not None and "uploaded_on" not in errors and uploaded_on:
            if result_on > today:
                errors["result_on"] = _("The result cannot be in the future.")
            elif result_on < uploaded_on:
                errors["result_on"] = _("The result cannot come before the upload.")
        if errors:
            raise ValidationError(errors)
        record = ReactivationRecord.objects.filter(referral=current).first()
        if version is not None and version != (record.version if record else 0):
            raise ReactivationChanged(record)
        if record is None:
            record = ReactivationRecord(referral=current, uploaded_by=actor)
        else:
            record.version += 1
            if record.uploaded_on != uploaded_on:
                record.uploaded_by = actor
        record.facility_letter = letter
        record.uploaded_on = uploaded_on
        record.result = result
        record.result_on = result_on
        record.refusal_reason = (
            refusal_reason if result == ReactivationRecord.Result.REFUSED else ""
        )
        record.save()
        summary = _("Uploaded on %(day)s") % {"day": f"{uploaded_on:%d-%m-%Y}"}
        if result:
            summary += f"; {record.get_result_display()}"
            if record.refusal_reason:
                summary += f": {record.refusal_reason}"
        _event(current, actor=actor, via=via, action=ReferralEvent.Action.REACTIVATION,
               note=summary)  # fmt: skip
    return record
