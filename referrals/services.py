"""Every change to a referral: creation (with its routing and outbox rows), status changes by
the sending office or the receiving agency, reminders and escalations.

Each change locks the referral's row, checks the one transition table, writes the status and
its event, and queues what must be sent once the transaction commits: the outbox row is
written with the change, so a message is never lost and never sent for a change that was
rolled back.
"""

import datetime
import logging
from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import SUPERVISING_ROLES, Role, has_role
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
from referrals.models import Referral, ReferralEvent
from referrals.selectors import (
    DocumentFile,
    agency_referrals_q,
    complaint_files,
    referral_file,
    referrals_for,
    referred_program_codes,
)
from regions.models import Region
from regions.time_zones import local_date_in, zones_q
from slrt.field_errors import item_path

logger = logging.getLogger(__name__)

Status = Referral.Status
Via = ReferralEvent.Via

# Who makes a move: the office that sent the referral, the agency that received it, or a
# supervisor sending it to another agency (`referral_reassign`: it is sent anew).
SENDER, AGENCY, SUPERVISOR = "sender", "agency", "supervisor"
# The one table of allowed status changes, with whose move each is; completed, rejected and
# cancelled are final.
TRANSITIONS: dict[str, dict[str, str]] = {
    Status.DRAFT: {Status.SENT: SENDER, Status.CANCELLED: SENDER},
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
    allowed = TRANSITIONS.get(referral.status, {})
    return [status for status in Status.values if allowed.get(status) in sides]


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
                    status=Status.SENT,
                    created_by=actor,
                    sent_at=now,
                    response_due=add_working_days(today, program.response_days),
                    resolution_due=add_working_days(today, program.resolution_days),
                )
                _event(referral, actor=actor, via=via, from_status="", to_status=Status.SENT,
                       note=notes_of[program.pk])  # fmt: skip
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
        current = Referral.objects.select_for_update().select_related("agency").get(pk=referral.pk)
        if version is not None and current.version != version:
            raise ReferralConflict(current)
        side = TRANSITIONS.get(current.status, {}).get(to)
        if side in (None, SUPERVISOR):  # a supervisor's move needs the new agency: reassign
            raise _not_allowed(current, to)
        if to not in moves_for(actor, current):
            whose = _("the agency") if side == AGENCY else _("the office that sent it")
            raise ValidationError({"to": _("Only %(side)s can do this.") % {"side": whose}})
        if to == Status.REJECTED and not note:
            raise ValidationError({"note": _("Give the reason for rejecting the referral.")})
        if to == Status.COMPLETED and not note:
            raise ValidationError({"note": _("Say what the household received.")})
        if to == Status.SENT:
            file = referral_file(current)
            incomplete = incomplete_file_error(file, note)
            if incomplete:
                raise ValidationError({"note": incomplete})
            current.incomplete_note = "" if file.complete else note
        _move(current, to=to, actor=actor, via=via, note=note)
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
    if to == Status.CANCELLED and previous != Status.DRAFT:
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
    late two hours before one in Aceh); `today` imposes one date on every zone (tests)."""
    now = timezone.now()
    counts = {"reminders": 0, "escalations": 0}
    for zone, in_zone in zones_q("household__region"):
        day = today or timezone.localdate(now, zone)
        late = Referral.objects.filter(in_zone, Referral.late_to_acknowledge_q(day))
        for pk in late.filter(reminded_at=None).values_list("pk", flat=True):
            counts["reminders"] += _remind(pk)
        waiting = Referral.objects.filter(in_zone, status=Status.SENT, escalated_at=None)
        for referral in waiting.exclude(response_due=None).only("pk", "response_due"):
            if add_working_days(referral.response_due, ESCALATION_GRACE_DAYS) < day:
                counts["escalations"] += _escalate(referral.pk)
    return counts


def _remind(pk: int) -> int:
    with transaction.atomic():
        claimed = Referral.objects.filter(pk=pk, status=Status.SENT, reminded_at=None).update(
            reminded_at=timezone.now()
        )
        if not claimed:
            return 0
        referral = Referral.objects.select_related("agency").get(pk=pk)
        note = _("Not acknowledged by %(day)s.") % {"day": f"{referral.response_due:%d-%m-%Y}"}
        _event(referral, actor=None, via=Via.SYSTEM, action=ReferralEvent.Action.REMINDER,
               note=note)  # fmt: skip
        _outbox(referral, Dispatch.Kind.REMINDER)
    return 1


def _escalate(pk: int) -> int:
    with transaction.atomic():
        claimed = Referral.objects.filter(pk=pk, status=Status.SENT, escalated_at=None).update(
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
    today = local_date_in(referral.household.region_id)
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",))
        locked = locked.select_related("agency", "program", "household")
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
        locked.response_due = add_working_days(today, locked.program.response_days)
        locked.resolution_due = add_working_days(today, locked.program.resolution_days)
        _move(locked, to=Status.SENT, actor=actor, via=Via.WEB,
              action=ReferralEvent.Action.REASSIGNED,
              note=_("From %(old)s to %(new)s: %(reason)s")
              % {"old": old_agency.name, "new": agency.name, "reason": note})  # fmt: skip
    return locked
