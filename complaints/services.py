"""Every change to a complaint: registration, assignment, consent, status changes.

Each writes its ComplaintEvent in the same transaction, so the complaint page's timeline
is the complaint's whole story: who did what, when, from where (web, API, system).
"""

import enum

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import REGISTRY_ROLES, Role, has_role
from accounts.selectors import staff_profile_of
from complaints import resident_messages
from complaints.models import Assessment, Complaint, ComplaintCategory, ComplaintEvent, Need
from complaints.survey import survey_for
from complaints.workdays import add_working_days
from households.models import Household, Person
from households.phones import ContactChannel, contact_errors, normalize_phone
from households.selectors import households_in_scope
from regions.models import Region
from regions.time_zones import local_date_in

Status = Complaint.Status
Reason = Complaint.ClosureReason
Via = ComplaintEvent.Via
Action = ComplaintEvent.Action

FIRST_ACTION_DAYS = 1

# The one table of allowed status changes. `follow_up` is reached by the system when every
# referral of the complaint is final.
TRANSITIONS: dict[str, set[str]] = {
    Status.REGISTERED: {Status.ASSESSED, Status.CLOSED},
    Status.ASSESSED: {Status.REFERRED, Status.CLOSED},
    Status.REFERRED: {Status.FOLLOW_UP},
    Status.FOLLOW_UP: {Status.CLOSED, Status.REFERRED},  # referred again after the follow-up
    Status.CLOSED: set(),
}
# Why a complaint may be closed, by the status it is closed from.
CLOSURE_REASONS: dict[str, set[str]] = {
    Status.REGISTERED: {
        Reason.HANDLED_DIRECTLY, Reason.WITHDRAWN, Reason.UNREACHABLE, Reason.DUPLICATE,
    },
    Status.ASSESSED: {
        Reason.NOT_ELIGIBLE, Reason.HANDLED_DIRECTLY, Reason.WITHDRAWN, Reason.UNREACHABLE,
        Reason.DUPLICATE,
    },
    Status.FOLLOW_UP: {Reason.SERVED, Reason.NOT_ELIGIBLE, Reason.WITHDRAWN, Reason.UNREACHABLE},
}  # fmt: skip


class Move(enum.StrEnum):
    """What may be done to a complaint, as `complaint_moves_for` answers."""

    ASSESS = "assess"
    ASSIGN = "assign"
    REFER = "refer"
    CLOSE = "close"


def complaint_moves_for(complaint: Complaint, user: AbstractBaseUser) -> frozenset[str]:
    """What `user` may do to the complaint now: the pages and the API offer these moves, and
    the services refuse the others by the same tables. Referring is the back office's, the
    other moves need the right to change complaints."""
    moves = set()
    if user.has_perm("complaints.change_complaint") and complaint.is_open:
        moves.add(Move.ASSIGN)
        if complaint.status in Complaint.ASSESSABLE_STATUSES:
            moves.add(Move.ASSESS)
        if complaint.status in CLOSURE_REASONS:
            moves.add(Move.CLOSE)
    if has_role(user, Role.BACK_OFFICE) and complaint.status in Complaint.REFERABLE_STATUSES:
        moves.add(Move.REFER)
    return frozenset(moves)


def next_ticket_number(regency_code: str, year: int) -> str:
    """`SLRT-5272-2026-000123`: the next number of that regency and year.

    One atomic upsert: concurrent registrations queue on the counter row, so no two get the
    same number. Call inside the registering transaction: a rolled-back registration gives
    its number back, and no number is ever shown twice.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO complaints_ticketcounter (regency_code, year, last_number) "
            "VALUES (%s, %s, 1) "
            "ON CONFLICT (regency_code, year) "
            "DO UPDATE SET last_number = complaints_ticketcounter.last_number + 1 "
            "RETURNING last_number",
            [regency_code, year],
        )
        (number,) = cursor.fetchone()
    return f"SLRT-{regency_code.replace('.', '')}-{year}-{number:06d}"


def _event(complaint: Complaint, *, actor, action: Action, via: str, note: str = "", **status):
    ComplaintEvent.objects.create(
        complaint=complaint, actor=actor, action=action, via=via, note=note, **status
    )


def complaint_register(
    *,
    actor: AbstractBaseUser,
    household: Household,
    category: ComplaintCategory,
    channel: str,
    description: str,
    urgency: str = Complaint.Urgency.NORMAL,
    complainant: Person | None = None,
    complainant_name: str = "",
    consent_given: bool = False,
    phone: str | None = None,
    contact_channel: str | None = None,
    contact_consent: bool | None = None,
    via: str = Via.WEB,
) -> Complaint:
    """Register a complaint with its ticket number and due dates (in working days). The
    complainant is a member of the household or, for someone else, a name: one of the two.

    How to reach the complainant (`phone`, `contact_channel`, `contact_consent`, as
    `households.phones` judges them): given, or, left out (None), the member's own."""
    errors: dict[str, str | list[str]] = {}
    # Facilitators read the households of their area; registering for one is the registry's.
    registry_user = has_role(actor, *REGISTRY_ROLES)
    if not registry_user or not households_in_scope(actor).filter(pk=household.pk).exists():
        errors["household"] = _("This household is outside your working area.")
    if complainant is not None and complainant.household_id != household.pk:
        errors["complainant"] = _("The complainant must be a member of this household.")
    if complainant is None and not complainant_name.strip():
        errors["complainant_name"] = _("Choose a member or write the complainant's name.")
    elif complainant is not None and complainant_name.strip():
        errors["complainant_name"] = _(
            "A member is chosen as the complainant: leave the name empty, or choose "
            "“not a member” to write someone else's name."
        )
    if not category.is_active:
        errors["category"] = _("This category is no longer used.")
    if not description.strip():
        errors["description"] = _("Describe the complaint.")
    contact = _complainant_contact(complainant, phone, contact_channel, contact_consent)
    try:
        contact["phone"] = normalize_phone(contact["phone"])
    except ValidationError as error:
        errors["phone"] = error.messages
    else:
        errors.update(
            contact_errors(
                phone=contact["phone"],
                channel=contact["contact_channel"],
                consent=contact["contact_consent"],
            )
        )
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    today = local_date_in(household.region_id, now)  # the office's day, in its zone
    profile = staff_profile_of(actor)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            ticket_number=next_ticket_number(
                Region.code_at(household.region_id, Region.Level.REGENCY), today.year
            ),
            household=household,
            complainant=complainant,
            complainant_name="" if complainant else complainant_name.strip(),
            channel=channel,
            category=category,
            description=description.strip(),
            urgency=urgency,
            consent_given=consent_given,
            consent_recorded_by=actor if consent_given else None,
            consent_recorded_at=now if consent_given else None,
            **contact,
            contact_consent_at=now if contact["contact_consent"] else None,
            service_point=profile.service_point if profile else "",
            registered_by=actor,
            registered_at=now,
            first_action_due=add_working_days(today, FIRST_ACTION_DAYS),
            resolution_due=add_working_days(today, category.resolution_days),
        )
        _event(
            complaint, actor=actor, action=Action.REGISTERED, via=via, to_status=Status.REGISTERED
        )
        if consent_given:
            _event(complaint, actor=actor, action=Action.CONSENT, via=via)
        resident_messages.message_registered(complaint)
    return complaint


def _complainant_contact(
    complainant: Person | None, phone: str | None, channel: str | None, consent: bool | None
) -> dict:
    """The complaint's contact fields: those given, the others from the member's record."""
    return {
        "phone": phone if phone is not None else (complainant.phone if complainant else ""),
        "contact_channel": channel
        or (complainant.contact_channel if complainant else ContactChannel.NONE),
        "contact_consent": consent
        if consent is not None
        else bool(complainant and complainant.contact_consent),
    }


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def complaint_transition(
    *,
    actor: AbstractBaseUser | None,
    complaint: Complaint,
    to: str,
    note: str = "",
    closure_reason: str = "",
    via: str = Via.WEB,
) -> Complaint:
    """Move a complaint to status `to` if the table allows it; closing needs a reason that
    fits the status it is closed from."""
    with transaction.atomic():
        current = _locked(complaint)
        if to not in TRANSITIONS.get(current.status, set()):
            raise ValidationError(
                {
                    "status": _("A complaint that is %(current)s cannot become %(to)s.")
                    % {
                        "current": current.get_status_display(),
                        "to": Status(to).label if to in Status.values else to,
                    }
                }
            )
        if to == Status.CLOSED:
            allowed = CLOSURE_REASONS[current.status]
            if closure_reason not in allowed:
                raise ValidationError(
                    {
                        "closure_reason": _("Choose one of: %(reasons)s.")
                        % {"reasons": ", ".join(str(Reason(r).label) for r in sorted(allowed))}
                    }
                )
            if not note.strip():
                raise ValidationError({"note": _("Say briefly how the complaint ended.")})
            current.closure_reason = closure_reason
            current.closed_at = timezone.now()
        previous = current.status
        current.status = to
        if current.first_action_at is None:
            current.first_action_at = timezone.now()
        current.save(update_fields=["status", "closure_reason", "closed_at", "first_action_at"])
        _event(
            current, actor=actor, action=Action.STATUS, via=via, note=note.strip(),
            from_status=previous, to_status=to,
        )  # fmt: skip
        if to == Status.CLOSED:
            survey_for(current)  # the satisfaction survey, and its link's token
            resident_messages.message_closed(current)
    return current


def complaint_close(
    *,
    actor: AbstractBaseUser,
    complaint: Complaint,
    closure_reason: str,
    note: str,
    via: str = Via.WEB,
) -> Complaint:
    return complaint_transition(
        actor=actor,
        complaint=complaint,
        to=Status.CLOSED,
        note=note,
        closure_reason=closure_reason,
        via=via,
    )


def complaint_assign(
    *, actor: AbstractBaseUser, complaint: Complaint, assignee: AbstractBaseUser, via: str = Via.WEB
) -> Complaint:
    """Give a complaint to a back-office officer; the first assignment is its first action."""
    from complaints.selectors import complaints_in_scope

    if (
        not has_role(assignee, Role.BACK_OFFICE)
        or not complaints_in_scope(assignee).filter(pk=complaint.pk).exists()
    ):
        raise ValidationError(
            {
                "assignee": _(
                    "Choose a back-office officer whose working area includes this household."
                )
            }
        )
    with transaction.atomic():
        current = _locked(complaint)
        if not current.is_open:
            raise ValidationError({"assignee": _("A closed complaint is not assigned.")})
        current.assigned_to = assignee
        if current.first_action_at is None:
            current.first_action_at = timezone.now()
        current.save(update_fields=["assigned_to", "first_action_at"])
        _event(
            current, actor=actor, action=Action.ASSIGNED, via=via,
            note=assignee.get_full_name() or assignee.get_username(),
        )  # fmt: skip
    return current


def complaint_record_consent(
    *, actor: AbstractBaseUser, complaint: Complaint, via: str = Via.WEB
) -> Complaint:
    """The resident agreed (later than at registration) to share their data."""
    with transaction.atomic():
        current = _locked(complaint)
        if not current.is_open:
            raise ValidationError({"consent_given": _("The complaint is closed.")})
        if not current.consent_given:
            current.consent_given = True
            current.consent_recorded_by = actor
            current.consent_recorded_at = timezone.now()
            current.save(
                update_fields=["consent_given", "consent_recorded_by", "consent_recorded_at"]
            )
            _event(current, actor=actor, action=Action.CONSENT, via=via)
    return current


def complaint_assess(
    *, actor: AbstractBaseUser, complaint: Complaint, needs: list[dict], via: str = Via.WEB
) -> Complaint:
    """Record the household's needs (`{"domain", "severity", "notes"}`), replacing an earlier
    assessment; a registered complaint becomes assessed."""
    from programs.models import NeedDomain

    errors: list[str] = []
    seen: set[str] = set()
    for index, need in enumerate(needs, start=1):
        if need.get("domain") not in NeedDomain.values:
            errors.append(_("Need %(n)s: choose a domain.") % {"n": index})
        elif need["domain"] in seen:
            errors.append(_("Need %(n)s: this domain is listed twice.") % {"n": index})
        seen.add(need.get("domain"))
        severity = need.get("severity")
        if isinstance(severity, bool) or severity not in (1, 2, 3):
            errors.append(_("Need %(n)s: severity is 1, 2 or 3.") % {"n": index})
    if not needs:
        errors.append(_("Record at least one need."))
    if errors:
        raise ValidationError({"needs": errors})

    with transaction.atomic():
        current = _locked(complaint)
        if current.status not in Complaint.ASSESSABLE_STATUSES:
            raise ValidationError(
                {"needs": _("A complaint that is %(status)s is not assessed again.")
                 % {"status": current.get_status_display()}}
            )  # fmt: skip
        Assessment.objects.filter(complaint=current).delete()
        assessment = Assessment.objects.create(complaint=current, assessed_by=actor)
        Need.objects.bulk_create(
            Need(
                assessment=assessment,
                domain=need["domain"],
                severity=need["severity"],
                notes=(need.get("notes") or "").strip(),
            )
            for need in needs
        )
        summary = ", ".join(str(NeedDomain(domain).label) for domain in sorted(seen))
        if current.status == Status.REGISTERED:
            current = complaint_transition(
                actor=actor, complaint=current, to=Status.ASSESSED, note=summary, via=via
            )
        else:
            _event(current, actor=actor, action=Action.ASSESSED, via=via, note=summary)
    return current
