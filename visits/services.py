"""Every change to a home visit: its request, its assignment to a facilitator, its
cancellation, the facilitator's submission (and the differences it found), and the reminders
and escalations of visits running late.

Each status change locks the visit's row, checks the one transition table
(`VISIT_TRANSITIONS`), raises the version, writes the status and its `VisitEvent` in the same
transaction, and sends what follows (e-mails) once the transaction commits.
"""

import datetime
import decimal
import logging
import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from accounts.selectors import scope_code_of, staff_covering
from complaints.models import Complaint
from complaints.workdays import add_working_days
from documents.models import Document
from households.models import Household, Person
from referrals.models import Referral
from regions.models import Region
from regions.time_zones import local_date_in, zones_q
from visits.models import OBSERVED_FIELDS, Visit, VisitEvent, VisitFinding
from visits.selectors import OPEN_STATUSES, visit_photos

logger = logging.getLogger(__name__)

Status = Visit.Status
Verdict = Visit.Verdict
Action = VisitEvent.Action

# Whose move each change is: the office that plans the field work (back office, supervisor),
# the facilitator the visit is assigned to, or the back office reviewing what was found.
ASSIGNER, ASSIGNEE, REVIEWER = "assigner", "assignee", "reviewer"
# The one table of allowed status changes; reviewed and cancelled are final. Assigning an
# assigned visit gives it to another facilitator.
VISIT_TRANSITIONS: dict[str, dict[str, str]] = {
    Status.REQUESTED: {Status.ASSIGNED: ASSIGNER, Status.CANCELLED: ASSIGNER},
    Status.ASSIGNED: {
        Status.ASSIGNED: ASSIGNER, Status.SUBMITTED: ASSIGNEE, Status.CANCELLED: ASSIGNER,
    },
    Status.SUBMITTED: {Status.REVIEWED: REVIEWER},
}  # fmt: skip
# The event each move writes.
MOVE_ACTIONS = {
    Status.ASSIGNED: Action.ASSIGNED,
    Status.SUBMITTED: Action.SUBMITTED,
    Status.REVIEWED: Action.REVIEWED,
    Status.CANCELLED: Action.CANCELLED,
}

# Who asks for a visit of a household of their area, and who plans (assigns, cancels) visits.
REQUESTING_ROLES = (Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.SUPERVISOR)
ASSIGNING_ROLES = (Role.BACK_OFFICE, Role.SUPERVISOR)

# The photos each verdict needs (document kinds owned by the visit). A household that was
# seen needs the front and the inside of its house; one not found, moved away or whose
# members died has no inside to show: the front proves the facilitator was there.
PHOTOS_FOR_VERDICT: dict[str, tuple[str, ...]] = {
    Verdict.LAYAK: ("foto_depan", "foto_dalam"),
    Verdict.TIDAK_LAYAK: ("foto_depan", "foto_dalam"),
    Verdict.TIDAK_DITEMUKAN: ("foto_depan",),
    Verdict.PINDAH: ("foto_depan",),
    Verdict.MENINGGAL: ("foto_depan",),
}
PHOTO_FIELDS = {"foto_depan": "photo_front", "foto_dalam": "photo_inside"}
# Verdicts on a household that was found and seen: what the facilitator observed is compared
# with the registry. The others observe nothing about the house.
SEEN_VERDICTS = (Verdict.LAYAK, Verdict.TIDAK_LAYAK)

# Indonesia, with a margin: from Rondo (Aceh) to Merauke, from Miangas to Rote.
LATITUDE_BOUNDS = (decimal.Decimal("-11.1"), decimal.Decimal("6.1"))
LONGITUDE_BOUNDS = (decimal.Decimal("94.7"), decimal.Decimal("141.1"))


class VisitConflict(Exception):
    """The visit is not as the facilitator last read it: changed meanwhile (reassigned,
    its due date moved) or already submitted. Nothing was changed; `visit` is how it is now."""

    def __init__(self, visit: Visit, message: str):
        super().__init__(message)
        self.visit = visit


# --- who may act -------------------------------------------------------------------------------


def _in_area(user: AbstractBaseUser, household: Household) -> bool:
    """Whether the household's village lies in the user's working area (`within_q`'s rule,
    in Python: no query)."""
    scope = scope_code_of(user)
    return scope is not None and Region.code_is_within(household.region_id, scope)


def may_request(user: AbstractBaseUser, household: Household) -> bool:
    """Front office, back office and supervisors whose area holds the household."""
    return has_role(user, *REQUESTING_ROLES) and _in_area(user, household)


def may_assign(user: AbstractBaseUser, visit: Visit) -> bool:
    """Back office and supervisors whose area holds the visit's household."""
    return has_role(user, *ASSIGNING_ROLES) and _in_area(user, visit.household)


def may_submit(user: AbstractBaseUser, visit: Visit) -> bool:
    return (
        visit.assignee_id == user.pk
        and has_role(user, Role.FACILITATOR)
        and _in_area(user, visit.household)
    )


def moves_for(user: AbstractBaseUser, visit: Visit) -> list[str]:
    """The statuses `user` may move the visit to now (the page's buttons)."""
    allowed = VISIT_TRANSITIONS.get(visit.status, {})
    sides = set()
    if may_assign(user, visit):
        sides.add(ASSIGNER)
    if may_submit(user, visit):
        sides.add(ASSIGNEE)
    return [status for status in Status.values if allowed.get(status) in sides]


def facilitators_for(household: Household):
    """Active facilitators whose working area covers the household's village."""
    return staff_covering(household.region_id, Role.FACILITATOR).order_by("username")


# --- the request -------------------------------------------------------------------------------


def due_default(household: Household) -> datetime.date:
    """`SLRT_VISIT_DUE_DAYS` working days after today in the household's zone."""
    return add_working_days(local_date_in(household.region_id), settings.SLRT_VISIT_DUE_DAYS)


@transaction.atomic
def visit_request(
    *,
    actor: AbstractBaseUser,
    household: Household,
    reason: str,
    due: datetime.date | None = None,
    complaint: Complaint | None = None,
    referral: Referral | None = None,
    assignee: AbstractBaseUser | None = None,
    by_rule: bool = False,
) -> Visit:
    """Ask for a home visit of `household`, for `reason`, by `due` (default:
    `SLRT_VISIT_DUE_DAYS` working days), from what asked for it (a complaint or a referral of
    that household), assigned at once when `assignee` is given. `by_rule`: a service whose
    rule asks for the visit at once (an objection, which a village operator may record) has
    checked who acts; the area is still checked here."""
    if by_rule and not _in_area(actor, household):
        raise ValidationError(_("The household is outside your area."))
    if not by_rule and not may_request(actor, household):
        raise ValidationError(_("Only front office, back office and supervisors of the "
                                "household's area ask for home visits."))  # fmt: skip
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the household is to be visited.")
    elif len(reason) > 1000:
        errors["reason"] = _("Write the reason in at most 1,000 characters.")
    today = local_date_in(household.region_id)
    if due is None:
        due = due_default(household)
    elif due < today:
        errors["due"] = _("The due date has passed already: choose today or a later day.")
    if complaint is not None and complaint.household_id != household.pk:
        errors["complaint"] = _("The complaint is about another household.")
    if referral is not None and referral.household_id != household.pk:
        errors["referral"] = _("The referral is about another household.")
    if complaint is not None and referral is not None:
        errors["referral"] = _("A visit answers either a complaint or a referral, not both.")
    if assignee is not None:
        if not has_role(actor, *ASSIGNING_ROLES):
            errors["assignee"] = _("Only back office and supervisors assign visits.")
        elif not facilitators_for(household).filter(pk=assignee.pk).exists():
            errors["assignee"] = not_a_facilitator_here()
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(
        household=household,
        complaint=complaint,
        referral=referral,
        reason=reason,
        due=due,
        requested_by=actor,
    )
    _event(visit, actor=actor, action=Action.REQUESTED, note=reason[:500])
    if assignee is not None:
        current = Visit.objects.select_for_update().get(pk=visit.pk)
        _assign(current, assignee=assignee, actor=actor)
        return current
    return visit


def not_a_facilitator_here() -> str:
    return _("Choose an active facilitator whose working area covers the household's village.")


# --- status changes ----------------------------------------------------------------------------


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("household").get(pk=visit.pk)


def _check(current: Visit, to: str, version: int | None = None) -> str:
    if version is not None and current.version != version:
        raise VisitConflict(
            current,
            _("This visit was changed meanwhile (it is now %(status)s). Compare your entries "
              "with the visit as it is now before sending again.")
            % {"status": current.get_status_display()},
        )  # fmt: skip
    side = VISIT_TRANSITIONS.get(current.status, {}).get(to)
    if side is None:
        raise ValidationError(
            {"status": _("A visit that is %(current)s cannot become %(to)s.") % {
                "current": current.get_status_display(), "to": Status(to).label}}
        )  # fmt: skip
    return side


def _move(current: Visit, *, to: str, actor: AbstractBaseUser | None, note: str = "") -> VisitEvent:
    """Move the locked visit `current` along the table to `to` (checked by the caller): its
    status, version and event, and the e-mail that announces it after commit."""
    current.status = to
    current.version += 1
    if to == Status.SUBMITTED:
        current.submitted_at = timezone.now()
    current.save()
    event = _event(current, actor=actor, action=MOVE_ACTIONS[to], note=note[:500])
    if to == Status.ASSIGNED:
        transaction.on_commit(lambda: enqueue_notice(event.pk))
    return event


def _event(visit: Visit, *, actor, action: str, note: str = "") -> VisitEvent:
    return VisitEvent.objects.create(visit=visit, actor=actor, action=action, note=note)


def _assign(current: Visit, *, assignee: AbstractBaseUser, actor: AbstractBaseUser) -> None:
    _check(current, Status.ASSIGNED)
    current.assignee = assignee
    _move(current, to=Status.ASSIGNED, actor=actor, note=assignee.get_username())


def visit_assign(
    *,
    actor: AbstractBaseUser,
    visit: Visit,
    assignee: AbstractBaseUser,
    version: int | None = None,
) -> Visit:
    """Give the visit to `assignee`, an active facilitator whose area covers the household's
    village (again to another one: reassigned)."""
    with transaction.atomic():
        current = _locked(visit)
        if not may_assign(actor, current):
            raise ValidationError(_("Only back office and supervisors of the household's area "
                                    "assign visits."))  # fmt: skip
        _check(current, Status.ASSIGNED, version)
        if not facilitators_for(current.household).filter(pk=assignee.pk).exists():
            raise ValidationError({"assignee": not_a_facilitator_here()})
        if current.assignee_id == assignee.pk:
            raise ValidationError({"assignee": _("The visit is assigned to them already.")})
        _assign(current, assignee=assignee, actor=actor)
    return current


def visit_cancel(
    *, actor: AbstractBaseUser, visit: Visit, note: str, version: int | None = None
) -> Visit:
    """Cancel a visit not yet done, with the reason in `note`."""
    note = (note or "").strip()
    with transaction.atomic():
        current = _locked(visit)
        if not may_assign(actor, current):
            raise ValidationError(_("Only back office and supervisors of the household's area "
                                    "cancel visits."))  # fmt: skip
        _check(current, Status.CANCELLED, version)
        if not note:
            raise ValidationError({"note": _("Say why the visit is cancelled.")})
        _move(current, to=Status.CANCELLED, actor=actor, note=note)
    return current


# --- the facilitator's submission --------------------------------------------------------------


def observed_value(name: str, value):
    """`value` of the household field `name` as a visit stores it (JSON): choices and
    amounts as integers, the floor area as a string with two decimals, assets as booleans;
    None when it is not known. Raises ValidationError with the field's own message."""
    field = Household._meta.get_field(name)
    if value in (None, ""):
        if not field.null:
            raise ValidationError(_("Answer yes or no."))
        return None
    if isinstance(value, bool) and field.get_internal_type() != "BooleanField":
        raise ValidationError(_("Enter a number."))
    if field.get_internal_type() == "BooleanField" and not isinstance(value, bool):
        if str(value).lower() not in ("true", "false", "1", "0", "on", "ya", "tidak"):
            raise ValidationError(_("Answer yes or no."))
        value = str(value).lower() in ("true", "1", "on", "ya")
    if isinstance(value, (list, dict)):
        raise ValidationError(_("Enter one value."))
    value = _as_typed_in_indonesia(field, value)
    cleaned = field.clean(value, None)
    if isinstance(cleaned, decimal.Decimal):
        return str(cleaned.quantize(decimal.Decimal("0.01")))
    return cleaned


# An amount of rupiah typed with dots between its thousands: 1.500.000.
THOUSANDS_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _as_typed_in_indonesia(field, value):
    """`value` as Indonesian phones and people write numbers, in the form the field reads: a
    decimal comma (36,5 m²) for a decimal, dots between thousands (1.500.000) for a whole
    amount. A fraction where a whole number is wanted is refused, never cut."""
    kind = field.get_internal_type()
    if kind == "DecimalField" and isinstance(value, str) and value.count(",") == 1:
        return value.replace(",", ".") if "." not in value else value
    if kind.endswith("IntegerField") and not field.choices:
        if isinstance(value, float) and not value.is_integer():
            raise ValidationError(_("Enter a whole number."))
        if isinstance(value, str) and THOUSANDS_DOTS.fullmatch(value.strip()):
            return value.strip().replace(".", "")
    return value


def recorded_values(household: Household) -> dict:
    """What the registry records of the observed variables, as a visit stores them."""
    values = {}
    for name in OBSERVED_FIELDS:
        value = getattr(household, name)
        if isinstance(value, decimal.Decimal):
            value = str(value.quantize(decimal.Decimal("0.01")))
        values[name] = value
    return values


def _clean_observed(observed) -> tuple[dict, dict[str, str]]:
    if not isinstance(observed, Mapping):
        return {}, {"observed": _("Send the observed variables as an object of name: value.")}
    cleaned, errors = {}, {}
    for name, value in observed.items():
        if name not in OBSERVED_FIELDS:
            errors[f"observed.{name}"] = _("Not a variable a visit observes.")
            continue
        try:
            cleaned[name] = observed_value(name, value)
        except ValidationError as error:
            errors[f"observed.{name}"] = " ".join(error.messages)
    return cleaned, errors


def _coordinate(value, bounds, name: str, errors: dict) -> decimal.Decimal | None:
    if value in (None, ""):
        errors[name] = _("Fill in the location from the phone, or say why there is none.")
        return None
    try:
        number = decimal.Decimal(str(value).replace(",", ".").strip())
    except decimal.InvalidOperation:
        errors[name] = _("Enter a number.")
        return None
    if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
        errors[name] = _("This point is outside Indonesia (%(low)s to %(high)s): take the "
                         "location again.") % {"low": bounds[0], "high": bounds[1]}  # fmt: skip
        return None
    return number.quantize(decimal.Decimal("0.000001"))


def visit_submit(
    *,
    actor: AbstractBaseUser,
    visit: Visit,
    version: int,
    met_name: str = "",
    members_present: Iterable[Person] = (),
    observed: Mapping | None = None,
    gps_consent: bool = False,
    latitude=None,
    longitude=None,
    no_location_reason: str = "",
    notes: str = "",
    verdict: str = "",
) -> Visit:
    """The facilitator's report of the visit: who was met, who was present, the housing and
    asset variables as observed, the location (with the resident's consent) or why there is
    none, notes and the verdict, with the photos the verdict needs already stored for the
    visit. Writes the differences from the registry (`visit_findings_make`) and changes
    nothing else: the back office reviews them.

    A visit changed since `version`, or submitted already, raises `VisitConflict` and
    changes nothing; bad input raises ValidationError, field by field, every error at once."""
    with transaction.atomic():
        current = _locked(visit)
        if not may_submit(actor, current):
            raise ValidationError(_("Only the facilitator the visit is assigned to sends it."))
        _refuse_if_sent(current)
        _check(current, Status.SUBMITTED, version)
        errors: dict[str, str] = {}
        met_name = (met_name or "").strip()
        notes = (notes or "").strip()
        no_location_reason = (no_location_reason or "").strip()
        if verdict not in Verdict.values:
            errors["verdict"] = _("Choose the verdict of the visit.")
        seen = verdict in SEEN_VERDICTS
        if seen and not met_name:
            errors["met_name"] = _("Write the name of the person you met.")
        if len(met_name) > 150:
            errors["met_name"] = _("Write at most 150 characters.")
        if len(notes) > 2000:
            errors["notes"] = _("Write at most 2,000 characters.")
        members = list(members_present)
        if any(person.household_id != current.household_id for person in members):
            errors["members_present"] = _("Choose members of this household only.")
        cleaned, observed_errors = _clean_observed(observed if observed is not None else {})
        errors.update(observed_errors)
        latitude_value = longitude_value = None
        if gps_consent:
            latitude_value = _coordinate(latitude, LATITUDE_BOUNDS, "latitude", errors)
            longitude_value = _coordinate(longitude, LONGITUDE_BOUNDS, "longitude", errors)
            no_location_reason = ""
        elif not no_location_reason:
            errors["no_location_reason"] = _(
                "Without the resident's consent to record the location, say why there is none."
            )
        elif len(no_location_reason) > 300:
            errors["no_location_reason"] = _("Write at most 300 characters.")
        if verdict in PHOTOS_FOR_VERDICT:
            stored = {photo.kind.code for photo in visit_photos(current)}
            for code in PHOTOS_FOR_VERDICT[verdict]:
                if code not in stored:
                    errors[PHOTO_FIELDS[code]] = _missing_photo(code, verdict)
        if errors:
            raise ValidationError(errors)
        current.met_name = met_name
        current.observed = cleaned if seen else {}
        current.gps_consent = bool(gps_consent)
        current.latitude, current.longitude = latitude_value, longitude_value
        current.no_location_reason = no_location_reason
        current.notes = notes
        current.verdict = verdict
        _move(current, to=Status.SUBMITTED, actor=actor, note=Verdict(verdict).label)
        current.members_present.set(members)
        visit_findings_make(current)
    return current


def _refuse_if_sent(current: Visit) -> None:
    """A visit sent already (a double tap, a second tab) answers the conflict that shows it
    as it is, whatever the second sending carried (its photos included)."""
    if current.status in (Status.SUBMITTED, Status.REVIEWED):
        raise VisitConflict(
            current,
            _("This visit was sent already on %(day)s; nothing was changed.")
            % {"day": timezone.localtime(current.submitted_at).strftime("%d-%m-%Y %H.%M")},
        )


def _missing_photo(code: str, verdict: str) -> str:
    names = {"foto_depan": _("the photo of the front of the house"),
             "foto_dalam": _("the photo of the inside of the house")}  # fmt: skip
    return _("A visit with the verdict %(verdict)s needs %(photo)s.") % {
        "verdict": Verdict(verdict).label,
        "photo": names[code],
    }


def visit_findings_make(visit: Visit) -> list[VisitFinding]:
    """One `VisitFinding` per observed variable that differs from what the registry records
    now (recorded and observed as JSON), waiting for the back office's decision. Variables
    not observed make none. Called inside `visit_submit`."""
    recorded = recorded_values(visit.household)
    findings = [
        VisitFinding(visit=visit, field=name, recorded=recorded[name], observed=value)
        for name, value in visit.observed.items()
        if name in OBSERVED_FIELDS and value is not None and value != recorded[name]
    ]
    return VisitFinding.objects.bulk_create(findings)


# --- photos ------------------------------------------------------------------------------------


@transaction.atomic
def visit_photo_store(*, actor: AbstractBaseUser, visit: Visit, kind_code: str, upload):
    """Store a photo (`foto_depan` or `foto_dalam`) for the open visit assigned to `actor`,
    through the documents' upload pipeline."""
    from documents.models import DocumentKind
    from documents.services import document_store

    field = PHOTO_FIELDS.get(kind_code, "photo")
    if kind_code not in PHOTO_FIELDS:
        raise ValidationError({"photo": _("Choose the photo of the front or of the inside.")})
    if may_submit(actor, visit):
        visit = _locked(visit)
        _refuse_if_sent(visit)
    if visit.status != Status.ASSIGNED or not may_submit(actor, visit):
        raise ValidationError({field: _("Photos are added by the facilitator the visit is "
                                        "assigned to, before it is sent.")})  # fmt: skip
    if upload is None:
        raise ValidationError({field: _("Choose a photo.")})
    kind = DocumentKind.objects.get(code=kind_code)
    try:
        return document_store(
            actor=actor,
            household_id=visit.household_id,
            owner_type=Document.Owner.VISIT,
            owner_id=visit.pk,
            kind=kind,
            upload=upload,
        )
    except ValidationError as error:
        messages = error.messages
        raise ValidationError({field: messages}) from error


# --- deadlines ---------------------------------------------------------------------------------


def supervisors_of(visit: Visit) -> list[str]:
    """E-mail addresses of the supervisors whose area covers the visit's household."""
    users = staff_covering(visit.household.region_id, Role.SUPERVISOR)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def visit_sla_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Remind the facilitator of each assigned visit due today or tomorrow, and escalate to
    the supervisors covering the household each open visit past its due date; each once per
    visit (the `visit_reminder_once` constraint), with its event and its e-mail.

    Dates are the household's zone's; `today` imposes one date on every zone (tests)."""
    now = timezone.now()
    counts = {"visit_reminders": 0, "visit_escalations": 0}
    for zone, in_zone in zones_q("household__region"):
        day = today or timezone.localdate(now, zone)
        tomorrow = day + datetime.timedelta(days=1)
        soon = Visit.objects.filter(
            in_zone, status=Status.ASSIGNED, due__gte=day, due__lte=tomorrow
        ).exclude(events__action=Action.REMINDER)
        for pk in soon.values_list("pk", flat=True):
            counts["visit_reminders"] += _claim(pk, Action.REMINDER, day)
        late = Visit.objects.filter(in_zone, status__in=OPEN_STATUSES, due__lt=day).exclude(
            events__action=Action.ESCALATION
        )
        for pk in late.values_list("pk", flat=True):
            counts["visit_escalations"] += _claim(pk, Action.ESCALATION, day)
    return counts


def _claim(pk: int, action: str, day: datetime.date) -> int:
    """Write the reminder or escalation event once: a second sweep (or two at once) meets the
    constraint and sends nothing."""
    visit = Visit.objects.select_related("household", "assignee").get(pk=pk)
    if action == Action.REMINDER:
        note = _("Due %(day)s.") % {"day": f"{visit.due:%d-%m-%Y}"}
    else:
        recipients = supervisors_of(visit)
        note = ", ".join(recipients) or _("no supervisor with an e-mail address")
    try:
        with transaction.atomic():
            event = _event(visit, actor=None, action=action, note=note[:500])
    except IntegrityError:
        return 0
    transaction.on_commit(lambda: enqueue_notice(event.pk))
    return 1


# --- messages ----------------------------------------------------------------------------------


def enqueue_notice(event_id: int) -> None:
    """Hand the e-mail announcing an event to the workers; with the broker down it is logged
    (the event, on the visit's page and in the queue, still shows it)."""
    from visits.tasks import send_visit_notice

    try:
        send_visit_notice.apply_async(args=[event_id], retry=False)
    except Exception:
        logger.warning("visit event %s: broker unreachable, no e-mail", event_id, exc_info=True)


def notice_recipients(event: VisitEvent) -> list[str]:
    """Who an event's e-mail goes to: the facilitator for an assignment or a reminder, the
    supervisors covering the household for an escalation."""
    visit = event.visit
    if event.action == Action.ESCALATION:
        return supervisors_of(visit)
    email = visit.assignee.email if visit.assignee_id else ""
    return [email] if email else []
