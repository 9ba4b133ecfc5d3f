"""Every change of an objection (*sanggah*): recording it, with the home visit it asks for at
once; deciding it with the visit's verdict; and the sweep that escalates one close to its
deadline and settles one left unverified by the office's rule.

Cek Bansos' rule: the objector lives in the household's village and may send a photo of the
house with its coordinates; the regency/city verifies it within its working days (14 by
default); one not verified in time is settled as the office says (upheld, by default: the
household declared not eligible). An upheld objection opens an exit or correction proposal
and flags the household for screening as a possible inclusion error. Who objected is never
shown to the household."""

import datetime
import decimal
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from accounts.selectors import scope_code_of, staff_covering
from complaints.workdays import add_working_days, is_working_day
from households.models import Household
from households.selectors import households_in_scope
from programs.models import Enrollment, InclusionErrorFlag
from proposals.calendar import cycle_for
from proposals.corrections import HOUSEHOLD_FIELDS
from proposals.models import Objection, ObjectionEvent, Proposal
from proposals.services import proposal_open
from regions.time_zones import local_date_in, zones_q
from visits.models import Visit
from visits.services import LATITUDE_BOUNDS, LONGITUDE_BOUNDS, visit_request

logger = logging.getLogger(__name__)

Status = Objection.Status
Action = ObjectionEvent.Action

RECORD = "proposals.add_objection"
DECIDE = "proposals.decide_objection"
# Working days before the deadline when the supervisors are told of one still open.
ESCALATE_DAYS_BEFORE = 3
# What the home visit asked for by an objection is for.
VISIT_REASON = "verifikasi sanggahan"
# The verdicts of a visit that decide an objection; the others (not found, moved away, died)
# leave the decision to the person reading the visit.
VISIT_DONE = (Visit.Status.SUBMITTED, Visit.Status.REVIEWED)
PROPOSAL_KINDS = (Proposal.Kind.EXIT, Proposal.Kind.CORRECTION)


def objection_deadline(region_code: str, day: datetime.date) -> datetime.date:
    """The last day to verify an objection recorded on `day` in the village `region_code`:
    the office's working days after it (holidays skipped)."""
    return add_working_days(day, cycle_for(region_code).objection_working_days)


def working_days_left(objection: Objection, today: datetime.date | None = None) -> int:
    """Working days from today to the deadline (0 on the day itself, negative once past)."""
    today = today or local_date_in(objection.region_id)
    step = 1 if objection.deadline >= today else -1
    day, count = today, 0
    while day != objection.deadline:
        day += datetime.timedelta(days=step)
        if is_working_day(day) or day == objection.deadline:
            count += step
    return count


def is_recipient(household: Household) -> bool:
    """Whether the household receives some programme now (an active enrolment)."""
    return Enrollment.objects.active().filter(household=household).exists()


def _coordinates(latitude, longitude, errors: dict) -> tuple:
    """Both or neither, each a number inside Indonesia."""
    values = {}
    for name, value, bounds in (
        ("latitude", latitude, LATITUDE_BOUNDS),
        ("longitude", longitude, LONGITUDE_BOUNDS),
    ):
        if value in (None, ""):
            values[name] = None
            continue
        try:
            number = decimal.Decimal(str(value).replace(",", ".").strip())
        except decimal.InvalidOperation:
            errors[name] = _("Enter a number.")
            continue
        if not number.is_finite() or not bounds[0] <= number <= bounds[1]:
            errors[name] = _("This point is outside Indonesia (%(low)s to %(high)s): take the "
                             "location again.") % {"low": bounds[0], "high": bounds[1]}  # fmt: skip
            continue
        values[name] = number.quantize(decimal.Decimal("0.000001"))
    if set(values) == {"latitude", "longitude"} and (
        (values["latitude"] is None) != (values["longitude"] is None)
    ):
        missing = "latitude" if values["latitude"] is None else "longitude"
        errors[missing] = _("Give both the latitude and the longitude, or neither.")
    return values.get("latitude"), values.get("longitude")


def objection_record(
    *,
    actor: AbstractBaseUser,
    household: Household,
    reason: str,
    objector_name: str = "",
    objector_contact: str = "",
    objector_village: str = "",
    anonymous: bool = False,
    photo=None,
    latitude=None,
    longitude=None,
    via: str = Objection.Via.DESK,
) -> Objection:
    """Record a resident's objection to a recipient household of the objector's own village
    and ask for its home visit at once, due by the deadline. `objector_village` is the
    objector's village code (a village operator's is their own village; by default the
    household's). Bad input raises ValidationError by field and saves nothing."""
    from documents.models import DocumentKind
    from documents.services import document_store, files_undone_on_failure

    if not actor.has_perm(RECORD):
        raise ValidationError(_("Your role does not record objections."))
    errors: dict[str, str] = {}
    if not households_in_scope(actor).filter(pk=household.pk).exists():
        raise ValidationError({"household": _("No such household in your area.")})
    if has_role(actor, Role.VILLAGE_OPERATOR) and not objector_village:
        objector_village = scope_code_of(actor) or ""
    objector_village = (objector_village or household.region_id).strip()
    if objector_village != household.region_id:
        errors["objector_village"] = _(
            "An objection comes from a resident of the household's own village: this household "
            "lives in another village."
        )
    elif not is_recipient(household):
        errors["household"] = _(
            "This household receives no programme now: only a recipient can be objected to."
        )
    reason = (reason or "").strip()
    objector_name = "" if anonymous else (objector_name or "").strip()
    objector_contact = "" if anonymous else (objector_contact or "").strip()
    if not reason:
        errors["reason"] = _("Say why the household should not receive assistance.")
    elif len(reason) > 2000:
        errors["reason"] = _("Write at most 2,000 characters.")
    if not anonymous and not objector_name:
        errors["objector_name"] = _("Write the objector's name, or record it as anonymous.")
    elif len(objector_name) > 150:
        errors["objector_name"] = _("Write at most 150 characters.")
    if len(objector_contact) > 60:
        errors["objector_contact"] = _("Write at most 60 characters.")
    lat, lng = _coordinates(latitude, longitude, errors)
    if via not in Objection.Via.values:
        errors["via"] = _("Choose how the objection was received.")
    if errors:
        raise ValidationError(errors)
    today = local_date_in(household.region_id)
    deadline = objection_deadline(household.region_id, today)
    with files_undone_on_failure(), transaction.atomic():
        objection = Objection.objects.create(
            household=household, region_id=household.region_id, objector_name=objector_name,
            objector_contact=objector_contact, anonymous=bool(anonymous),
            objector_region_id=objector_village, reason=reason, latitude=lat, longitude=lng,
            via=via, deadline=deadline, created_by=actor,
        )  # fmt: skip
        _event(objection, Action.RECORDED, actor)
        if photo is not None:
            try:
                document_store(
                    actor=actor, household_id=household.pk, owner_type="objection",
                    owner_id=objection.pk, kind=DocumentKind.objects.get(code="foto_depan"),
                    upload=photo,
                )  # fmt: skip
            except ValidationError as error:
                raise ValidationError({"photo": error.messages}) from error
        visit = visit_request(
            actor=actor, household=household, reason=VISIT_REASON, due=deadline, by_rule=True
        )
        objection.visit = visit
        objection.save(update_fields=["visit"])
        _event(objection, Action.VISIT_REQUESTED, actor, f"{deadline:%d-%m-%Y}")
    return objection


def _event(objection: Objection, action: str, actor=None, note: str = "") -> ObjectionEvent:
    return ObjectionEvent.objects.create(
        objection=objection, action=action, actor=actor, note=note[:500]
    )


def may_decide(user: AbstractBaseUser, objection: Objection) -> bool:
    """Who decides: a holder of the permission who did not record it, while it is open."""
    return (
        objection.status == Status.OPEN
        and user.has_perm(DECIDE)
        and objection.created_by_id != user.pk
    )


def objection_decide(
    *,
    actor: AbstractBaseUser,
    objection: Objection,
    outcome: str,
    note: str = "",
    proposal_kind: str = Proposal.Kind.EXIT,
    changes: dict | None = None,
) -> Objection:
    """Decide an open objection with its home visit's verdict: upheld (an exit or a correction
    proposal is opened, and screening lists the household as a possible inclusion error) or
    not upheld. A correction names the household's variables the visit found wrong
    (`changes`, as a correction proposal takes them). The caller found `objection` through
    the actor's scope."""
    note = (note or "").strip()
    with transaction.atomic():
        current = _locked(objection)
        if not actor.has_perm(DECIDE):
            raise ValidationError({"outcome": _("Your role does not decide objections.")})
        if current.created_by_id == actor.pk:
            raise ValidationError({"outcome": _("Who recorded an objection does not decide it.")})
        errors: dict[str, str] = {}
        if current.status != Status.OPEN:
            raise ValidationError({"outcome": _("This objection was decided already.")})
        if outcome not in (Status.UPHELD, Status.NOT_UPHELD):
            errors["outcome"] = _("Choose upheld or not upheld.")
        elif current.visit is None or current.visit.status not in VISIT_DONE:
            errors["outcome"] = _(
                "Decide the objection with the home visit's verdict: the visit is not sent yet."
            )
        if outcome == Status.UPHELD and proposal_kind not in PROPOSAL_KINDS:
            errors["proposal_kind"] = _("Choose an exit or a correction proposal.")
        if len(note) > 500:
            errors["note"] = _("Write at most 500 characters.")
        if errors:
            raise ValidationError(errors)
        _settle(current, outcome=outcome, actor=actor, note=note, proposal_kind=proposal_kind,
                changes=changes)  # fmt: skip
    return current


def _locked(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("household", "visit")
        .get(pk=objection.pk)
    )


def _settle(
    current: Objection,
    *,
    outcome: str,
    actor,
    note: str,
    proposal_kind: str,
    by_deadline=False,
    changes: dict | None = None,
) -> None:
    current.status = outcome
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.decided_by_deadline = by_deadline
    current.outcome_note = note[:500]
    if outcome == Status.UPHELD and by_deadline:
        try:
            with transaction.atomic():
                current.proposal = _proposal_for(current, current.created_by, proposal_kind)
        except ValidationError:
            # Settled all the same: the proposal is left to whoever reads the objection.
            logger.warning("objection %s: no proposal opened", current.pk, exc_info=True)
    elif outcome == Status.UPHELD:
        if proposal_kind == Proposal.Kind.CORRECTION and changes is None:
            changes = visit_corrections(current.visit)
            if not changes:
                raise ValidationError({"proposal_kind": _(
                    "The home visit saw no variable of the house otherwise than recorded: "
                    "propose an exit, or open the correction from the household's page."
                )})  # fmt: skip
        current.proposal = _proposal_for(current, actor, proposal_kind, changes)
    if outcome == Status.UPHELD:
        InclusionErrorFlag.objects.update_or_create(
            household_id=current.household_id,
            defaults={"reason": _("Objection %(id)s upheld") % {"id": current.pk}},
        )
    current.save()
    action = Action.UPHELD if outcome == Status.UPHELD else Action.NOT_UPHELD
    _event(current, action, actor, note)


def visit_corrections(visit: Visit | None) -> dict:
    """The household's variables the objection's home visit saw otherwise than the record
    says (its findings), as a correction proposal takes them: what an upheld objection
    corrects unless the decider names the changes."""
    if visit is None:
        return {}
    household = visit.household
    return {
        finding.field: finding.observed
        for finding in visit.findings.filter(field__in=HOUSEHOLD_FIELDS).order_by("pk")
        if finding.observed is not None
        and str(finding.observed) != str(getattr(household, finding.field))
    }


def _proposal_for(current: Objection, actor, kind: str, changes: dict | None = None) -> Proposal:
    """The exit or correction proposal an upheld objection opens; an open one of that kind
    for the household already is the one it joins."""
    existing = (
        Proposal.objects.exclude(status__in=Proposal.FINAL)
        .filter(household_id=current.household_id, person=None, kind=kind)
        .first()
    )
    if existing is not None:
        return existing
    try:
        return proposal_open(
            actor=actor, kind=kind, household=current.household,
            changes=changes if kind == Proposal.Kind.CORRECTION else None,
            exit_reason=Proposal.ExitReason.BETTER_OFF if kind == Proposal.Kind.EXIT else "",
            reason=current.reason, source=Proposal.Source.OBJECTION,
        )  # fmt: skip
    except ValidationError as error:
        raise ValidationError({"proposal_kind": error.messages}) from error


# --- the deadline ------------------------------------------------------------------------------


def supervisors_of(objection: Objection) -> list[str]:
    """E-mail addresses of the supervisors whose area covers the objection's village."""
    users = staff_covering(objection.region_id, Role.SUPERVISOR)
    return sorted({email for email in users.values_list("email", flat=True) if email})


def objection_sla_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Escalate to the supervisors each open objection within three working days of its
    deadline (once: the `objection_escalated_once` constraint), and settle each one still open
    after its deadline by its office's rule, the system deciding. Dates are the village's
    zone's; `now` moves the clock (tests). Safe to run twice or at once."""
    now = now or timezone.now()
    counts = {"objection_escalations": 0, "objections_settled": 0}
    for zone, in_zone in zones_q("region"):
        day = timezone.localdate(now, zone)
        soon = add_working_days(day, ESCALATE_DAYS_BEFORE)
        # One past its deadline is settled below, not announced as still to verify.
        due = Objection.objects.filter(
            in_zone, status=Status.OPEN, deadline__gte=day, deadline__lte=soon
        ).exclude(events__action=Action.ESCALATION)
        for pk in due.values_list("pk", flat=True):
            counts["objection_escalations"] += _claim_escalation(pk)
        late = Objection.objects.filter(in_zone, status=Status.OPEN, deadline__lt=day)
        for pk in late.values_list("pk", flat=True):
            counts["objections_settled"] += _settle_by_deadline(pk)
    return counts


def _claim_escalation(pk: int) -> int:
    objection = Objection.objects.get(pk=pk)
    if objection.status != Status.OPEN:  # decided since the sweep listed it
        return 0
    recipients = supervisors_of(objection)
    note = ", ".join(recipients) or _("no supervisor with an e-mail address")
    try:
        with transaction.atomic():
            event = _event(objection, Action.ESCALATION, None, note)
            Objection.objects.filter(pk=pk).update(escalated_at=timezone.now())
    except IntegrityError:
        return 0
    transaction.on_commit(lambda: enqueue_notice(event.pk))
    return 1


def _settle_by_deadline(pk: int) -> int:
    with transaction.atomic():
        current = _locked(Objection(pk=pk))
        if current.status != Status.OPEN:
            return 0
        outcome = cycle_for(current.region_id).objection_unverified_outcome
        note = _("Not verified by %(day)s: settled by the office's rule.") % {
            "day": f"{current.deadline:%d-%m-%Y}"
        }
        _settle(current, outcome=outcome, actor=None, note=note,
                proposal_kind=Proposal.Kind.EXIT, by_deadline=True)  # fmt: skip
    return 1


def enqueue_notice(event_id: int) -> None:
    """Hand the escalation e-mail to the workers; with the broker down it is logged (the
    event, on the objection's page, still shows it)."""
    from proposals.tasks import send_objection_notice

    try:
        send_objection_notice.apply_async(args=[event_id], retry=False)
    except Exception:
        logger.warning("objection event %s: broker unreachable, no e-mail", event_id, exc_info=True)
