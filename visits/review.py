"""The review of a submitted home visit: the back office decides, difference by difference,
whether the registry takes what the facilitator observed, and the verdict then flows to what
asked for the visit (its complaint, its referral).

A visit changes nothing by itself: the household is written only here, by
`visit_finding_decide`, one accepted difference at a time, each with its history row. The
visit is reviewed (`visit_review_finish`) as soon as its last difference is decided, or, when
it found none, by the reviewer's one click. Both lock the visit, check and make the move
submitted → reviewed through the services' one transition table (`visits.services`), and
read visits through `visits.selectors`.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from complaints.models import ComplaintEvent
from households.models import Household
from referrals.models import ReferralEvent
from visits import services
from visits.findings import (
    household_field,
    json_value,
    python_value,
    same_value,
    value_label,
    variable_label,
)
from visits.models import OBSERVED_FIELDS, Visit, VisitEvent, VisitFinding
from visits.selectors import visit_date

# Who decides a visit's differences: "the person who prepared a thing never decides it", so
# never the facilitator who made the visit, whatever roles they hold.
DECIDING_ROLES = frozenset({Role.BACK_OFFICE, Role.SUPERVISOR})

# Verdicts that say a person is no longer in the household as recorded: the household's page
# asks for the person's status to be recorded.
PERSON_STATUS_VERDICTS = frozenset({Visit.Verdict.PINDAH, Visit.Verdict.MENINGGAL})

# The column of the household's history that carries the reason is this wide.
CHANGE_REASON_LENGTH = 100


def visit_may_decide(user: AbstractBaseUser | AnonymousUser, visit: Visit) -> bool:
    """Whether `user` may decide the visit's differences: back office or supervisor, and
    not the facilitator who made it."""
    return has_role(user, *DECIDING_ROLES) and visit.assignee_id != user.pk


class FindingOutdated(ValidationError):
    """The household changed after the visit: the difference now compares with the value
    the household holds, and must be decided again."""


def _under_review(current: Visit) -> bool:
    """Whether the visit waits for its review: the table moves it on to reviewed."""
    return (
        services.VISIT_TRANSITIONS.get(current.status, {}).get(Visit.Status.REVIEWED)
        == services.REVIEWER
    )


def _lock_for_review(*, actor: AbstractBaseUser, visit: Visit) -> Visit:
    """The visit, locked, once `actor` may decide it and it waits for its review."""
    current = services._locked(visit)
    if not visit_may_decide(actor, current):
        raise ValidationError(
            _("The facilitator who made a visit does not review it; another officer decides.")
            if current.assignee_id == actor.pk
            else _("Only the back office or a supervisor decides a visit's differences.")
        )
    if not _under_review(current):
        if current.status == Visit.Status.REVIEWED:
            raise ValidationError(_("This visit is already reviewed: its decisions are final."))
        if current.status == Visit.Status.CANCELLED:
            raise ValidationError(_("This visit is cancelled: nothing of it is decided."))
        raise ValidationError(
            _("This visit has not been submitted yet: there is nothing to decide.")
        )
    return current


def visit_finding_decide(
    *, actor: AbstractBaseUser, finding: VisitFinding, decision: str
) -> VisitFinding:
    """Accept or refuse one difference of a submitted visit.

    Accepting writes the observed value to the household, with a history row naming the
    actor and the visit; refusing keeps the household's. Either is recorded on the
    difference and as a visit event, and raises the visit's version. When the household's
    value is no longer the one recorded at the visit (someone changed it since), nothing is
    decided: the difference is brought up to date and `FindingOutdated` asks for a decision
    again. The last decision reviews the visit (as `visit_review_finish`).
    """
    if decision not in (VisitFinding.Decision.ACCEPTED, VisitFinding.Decision.REFUSED):
        raise ValidationError({"decision": _("Choose to accept or to refuse the difference.")})
    outdated = None
    with transaction.atomic():
        visit = _lock_for_review(actor=actor, visit=finding.visit)
        locked = VisitFinding.objects.select_for_update().get(pk=finding.pk)
        variable = variable_label(locked.field)
        if locked.decision != VisitFinding.Decision.PENDING:
            raise ValidationError(
                _("“%(variable)s” is already decided (%(decision)s): nothing was changed.")
                % {"variable": variable, "decision": locked.get_decision_display()}
            )
        household = Household.objects.select_for_update().get(pk=visit.household_id)
        now = getattr(household, locked.field)
        if not same_value(locked.field, locked.recorded, now):
            outdated = FindingOutdated(
                _(
                    "“%(variable)s” of the household was changed after the visit: it was "
                    "%(then)s, it is now %(now)s. Decide again against the value it holds now."
                )
                % {
                    "variable": variable,
                    "then": value_label(locked.field, locked.recorded),
                    "now": value_label(locked.field, now),
                }
            )
            locked.recorded = json_value(now)
            locked.save(update_fields=["recorded"])
        else:
            if decision == VisitFinding.Decision.ACCEPTED:
                _household_takes(actor=actor, visit=visit, household=household, finding=locked)
            locked.decision = decision
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.save(update_fields=["decision", "decided_by", "decided_at"])
            services._event(
                visit,
                actor=actor,
                action=(
                    VisitEvent.Action.FINDING_ACCEPTED
                    if decision == VisitFinding.Decision.ACCEPTED
                    else VisitEvent.Action.FINDING_REFUSED
                ),
                note=Truncator(
                    f"{variable}: {value_label(locked.field, locked.recorded)} → "
                    f"{value_label(locked.field, locked.observed)}"
                ).chars(500),
            )
            # A decision changes the visit without moving it: its version says so (the move
            # to reviewed raises it once more, as every move does).
            visit.version += 1
            visit.save(update_fields=["version"])
            if not visit.findings.filter(decision=VisitFinding.Decision.PENDING).exists():
                _review_finish(actor=actor, visit=visit)
    if outdated is not None:
        raise outdated
    return locked


def _household_takes(
    *, actor: AbstractBaseUser, visit: Visit, household: Household, finding: VisitFinding
) -> None:
    """Write the observed value into the household, with the history row saying who and
    which visit."""
    if finding.field not in OBSERVED_FIELDS:
        raise ValidationError(_("This variable is not one a visit may change."))
    field = household_field(finding.field)
    try:
        value = field.clean(python_value(finding.field, finding.observed), household)
    except ValidationError as error:
        raise ValidationError(
            _("The observed value of “%(variable)s” cannot be recorded: %(reason)s")
            % {"variable": variable_label(finding.field), "reason": " ".join(error.messages)}
        ) from error
    setattr(household, finding.field, value)
    household._history_user = actor
    household._change_reason = Truncator(
        _("Home visit #%(number)s: %(variable)s accepted")
        % {"number": visit.pk, "variable": variable_label(finding.field)}
    ).chars(CHANGE_REASON_LENGTH)
    household.save()


def visit_review_finish(*, actor: AbstractBaseUser, visit: Visit) -> Visit:
    """Mark a submitted visit reviewed once none of its differences waits for a decision
    (the last decision does it by itself; a visit that found none is finished by hand), and
    send its verdict to what asked for the visit."""
    with transaction.atomic():
        current = _lock_for_review(actor=actor, visit=visit)
        if current.findings.filter(decision=VisitFinding.Decision.PENDING).exists():
            raise ValidationError(
                _("Some differences still wait for a decision: decide each of them first.")
            )
        _review_finish(actor=actor, visit=current)
    return current


def _review_finish(*, actor: AbstractBaseUser, visit: Visit) -> None:
    """Within the caller's transaction, on the locked visit: the move to reviewed (status,
    version and event, through the table) and the verdict on the timelines of what asked
    for the visit."""
    services._check(visit, Visit.Status.REVIEWED)
    visit.reviewed_by = actor
    visit.reviewed_at = timezone.now()
    note = verdict_note(visit)
    services._move(visit, to=Visit.Status.REVIEWED, actor=actor, note=note)
    if visit.complaint_id:
        ComplaintEvent.objects.create(
            complaint_id=visit.complaint_id,
            action=ComplaintEvent.Action.VISIT_DONE,
            actor=actor,
            note=note,
        )
    if visit.referral_id:
        ReferralEvent.objects.create(
            referral_id=visit.referral_id,
            action=ReferralEvent.Action.VISIT_DONE,
            actor=actor,
            via=ReferralEvent.Via.WEB,
            note=note,
        )


def verdict_note(visit: Visit) -> str:
    """What the complaint's and the referral's timelines say of the reviewed visit:
    "Kunjungan rumah 12-11-2026: pindah. Perbedaan diterima: 2 dari 3."."""
    counts = dict.fromkeys(VisitFinding.Decision.values, 0)
    for decision in visit.findings.values_list("decision", flat=True):
        counts[decision] += 1
    day = visit_date(visit)
    text = _("Home visit %(date)s: %(verdict)s.") % {
        "date": day.strftime("%d-%m-%Y") if day else "—",
        "verdict": visit.get_verdict_display() or _("no verdict"),
    }
    total = sum(counts.values())
    if total:
        text += " " + _("Differences accepted: %(accepted)s of %(total)s.") % {
            "accepted": counts[VisitFinding.Decision.ACCEPTED],
            "total": total,
        }
    else:
        text += " " + _("No difference from the registry.")
    return Truncator(text).chars(500)
