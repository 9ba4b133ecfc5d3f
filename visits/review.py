"""The review of a submitted home visit: the back office decides, difference by difference,
whether the registry takes what the facilitator observed, and the verdict then flows to what
asked for the visit (its complaint, its referral).

A visit changes nothing by itself: the household is written only here, by
`visit_finding_decide`, one accepted difference at a time, each with its history row. The
visit is reviewed (`visit_review_finish`) as soon as its last difference is decided, or, when
it found none, by the reviewer's one click.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from complaints.models import ComplaintEvent
from documents.models import Document
from households.models import Household
from referrals.models import ReferralEvent
from regions.time_zones import local_date_in
from visits.models import OBSERVED_FIELDS, Visit, VisitEvent, VisitFinding
from visits.selectors import visits_for

# Who decides a visit's differences: "the person who prepared a thing never decides it", so
# never the facilitator who made the visit, whatever roles they hold.
DECIDING_ROLES = frozenset({Role.BACK_OFFICE, Role.SUPERVISOR})

# Verdicts that say a person is no longer in the household as recorded: the household's page
# asks for the person's status to be recorded.
PERSON_STATUS_VERDICTS = frozenset({Visit.Verdict.PINDAH, Visit.Verdict.MENINGGAL})

# The column of the household's history that carries the reason is this wide.
CHANGE_REASON_LENGTH = 100


# --- reads ------------------------------------------------------------------------------------


def visits_readable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Visit]:
    """Visits `user` may read: the one rule of `visits.selectors.visits_for` (office staff
    those of the households of their area, a facilitator those assigned to them in their
    area; anyone else none)."""
    return visits_for(user)


def _visit_with_context(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related(
        "household__region__parent__parent",
        "assignee",
        "reviewed_by",
        "complaint",
        "referral__program",
    )


def visit_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Visit:
    """A visit for its review page and its verification sheet: office staff of the
    household's area, and the facilitator it was assigned to (who reads, never decides).
    Anyone else: 404."""
    return get_object_or_404(_visit_with_context(visits_readable_by(user)), pk=pk)


def finding_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> VisitFinding:
    """A difference of a visit the user may read, or 404. Whether they may decide it is
    `visit_may_decide`."""
    return get_object_or_404(
        VisitFinding.objects.filter(visit__in=visits_readable_by(user)).select_related("visit"),
        pk=pk,
    )


def visit_photos(visit: Visit) -> list[Document]:
    """The visit's documents (photos of the front and the inside first), with their kinds."""
    documents = Document.objects.filter(
        owner_type=Document.Owner.VISIT, owner_id=visit.pk
    ).select_related("kind")
    order = {"foto_depan": 0, "foto_dalam": 1}
    return sorted(documents, key=lambda doc: (order.get(doc.kind.code, 2), doc.uploaded_at))


def visit_findings(visit: Visit) -> list[VisitFinding]:
    return list(visit.findings.select_related("decided_by").order_by("pk"))


def visits_of_household(household: Household, *, limit: int = 5) -> list[Visit]:
    """The household's visits waiting for review and those reviewed, newest first, for its
    page (the caller has already read the household through its scope)."""
    return list(
        household.visits.filter(
            status__in=[Visit.Status.SUBMITTED, Visit.Status.REVIEWED]
        ).order_by("-submitted_at", "-pk")[:limit]
    )


# --- how a variable and its values read -------------------------------------------------------


def _household_field(name: str) -> models.Field:
    return Household._meta.get_field(name)


def variable_label(name: str) -> str:
    """The variable's name as the household's page writes it ("Lantai", "Aset: mobil")."""
    field = _household_field(name)
    if isinstance(field, models.BooleanField):
        return _("Asset: %(name)s") % {"name": field.verbose_name}
    return str(capfirst(field.verbose_name))


def _python_value(name: str, value):
    """A value as stored in a finding's JSON, as the household's field holds it."""
    if value is None or value == "":
        return None
    field = _household_field(name)
    try:
        return field.to_python(value)
    except ValidationError:
        return value


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def value_label(name: str, value) -> str:
    """A recorded or observed value as people read it: a code's label, yes or no, a floor
    area with its decimal comma, a sum in rupiah; a dash when there is none."""
    value = _python_value(name, value)
    field = _household_field(name)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{formats.localize(value.normalize())} m²"
    if name == "monthly_income" and isinstance(value, int):
        return f"Rp {value:,}".replace(",", ".")
    return str(value)


def _same_value(name: str, first, second) -> bool:
    try:
        return _python_value(name, first) == _python_value(name, second)
    except (InvalidOperation, TypeError):
        return first == second


@dataclass
class FindingRow:
    """A difference as the review page and the sheet show it."""

    finding: VisitFinding
    variable: str
    recorded: str
    observed: str
    # What the household holds now, when it changed after the visit (else None).
    current: str | None

    @property
    def pending(self) -> bool:
        return self.finding.decision == VisitFinding.Decision.PENDING


def finding_rows(visit: Visit, findings: list[VisitFinding]) -> list[FindingRow]:
    """Each difference with its labels, and with the household's value now when it no
    longer is the one recorded at the visit (a pending decision would then be asked again)."""
    household = visit.household
    rows = []
    for finding in findings:
        now = getattr(household, finding.field)
        changed = finding.decision == VisitFinding.Decision.PENDING and not _same_value(
            finding.field, finding.recorded, now
        )
        rows.append(
            FindingRow(
                finding=finding,
                variable=variable_label(finding.field),
                recorded=value_label(finding.field, finding.recorded),
                observed=value_label(finding.field, finding.observed),
                current=value_label(finding.field, now) if changed else None,
            )
        )
    return rows


def visit_date(visit: Visit) -> datetime.date | None:
    """The day of the visit (when it was submitted) in the household's zone."""
    if not visit.submitted_at:
        return None
    return local_date_in(visit.household.region_id, visit.submitted_at)


def visit_may_decide(user: AbstractBaseUser | AnonymousUser, visit: Visit) -> bool:
    """Whether `user` may decide the visit's differences: back office or supervisor, and
    not the facilitator who made it."""
    return has_role(user, *DECIDING_ROLES) and visit.assignee_id != user.pk


# --- writes -----------------------------------------------------------------------------------


class FindingOutdated(ValidationError):
    """The household changed after the visit: the difference now compares with the value
    the household holds, and must be decided again."""


def _lock_visit_for_review(*, actor, visit_id: int) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit_id)
    if not visit_may_decide(actor, visit):
        raise ValidationError(
            _("The facilitator who made a visit does not review it; another officer decides.")
            if visit.assignee_id == actor.pk
            else _("Only the back office or a supervisor decides a visit's differences.")
        )
    if visit.status == Visit.Status.REVIEWED:
        raise ValidationError(_("This visit is already reviewed: its decisions are final."))
    if visit.status == Visit.Status.CANCELLED:
        raise ValidationError(_("This visit is cancelled: nothing of it is decided."))
    if visit.status != Visit.Status.SUBMITTED:
        raise ValidationError(
            _("This visit has not been submitted yet: there is nothing to decide.")
        )
    return visit


def visit_finding_decide(
    *, actor: AbstractBaseUser, finding: VisitFinding, decision: str
) -> VisitFinding:
    """Accept or refuse one difference of a submitted visit.

    Accepting writes the observed value to the household, with a history row naming the
    actor and the visit; refusing keeps the household's. Either is recorded on the
    difference and as a visit event. When the household's value is no longer the one
    recorded at the visit (someone changed it since), nothing is decided: the difference is
    brought up to date and `FindingOutdated` asks for a decision again. The last decision
    reviews the visit (`visit_review_finish`).
    """
    if decision not in (VisitFinding.Decision.ACCEPTED, VisitFinding.Decision.REFUSED):
        raise ValidationError({"decision": _("Choose to accept or to refuse the difference.")})
    outdated = None
    with transaction.atomic():
        visit = _lock_visit_for_review(actor=actor, visit_id=finding.visit_id)
        locked = VisitFinding.objects.select_for_update().get(pk=finding.pk)
        variable = variable_label(locked.field)
        if locked.decision != VisitFinding.Decision.PENDING:
            raise ValidationError(
                _("“%(variable)s” is already decided (%(decision)s): nothing was changed.")
                % {"variable": variable, "decision": locked.get_decision_display()}
            )
        household = Household.objects.select_for_update().get(pk=visit.household_id)
        now = getattr(household, locked.field)
        if not _same_value(locked.field, locked.recorded, now):
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
            locked.recorded = _json_value(now)
            locked.save(update_fields=["recorded"])
        else:
            if decision == VisitFinding.Decision.ACCEPTED:
                _household_takes(actor=actor, visit=visit, household=household, finding=locked)
            locked.decision = decision
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.save(update_fields=["decision", "decided_by", "decided_at"])
            VisitEvent.objects.create(
                visit=visit,
                action=(
                    VisitEvent.Action.FINDING_ACCEPTED
                    if decision == VisitFinding.Decision.ACCEPTED
                    else VisitEvent.Action.FINDING_REFUSED
                ),
                actor=actor,
                note=Truncator(
                    f"{variable}: {value_label(locked.field, locked.recorded)} → "
                    f"{value_label(locked.field, locked.observed)}"
                ).chars(500),
            )
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
    field = _household_field(finding.field)
    try:
        value = field.clean(_python_value(finding.field, finding.observed), household)
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
        locked = _lock_visit_for_review(actor=actor, visit_id=visit.pk)
        if locked.findings.filter(decision=VisitFinding.Decision.PENDING).exists():
            raise ValidationError(
                _("Some differences still wait for a decision: decide each of them first.")
            )
        _review_finish(actor=actor, visit=locked)
    return locked


def _review_finish(*, actor: AbstractBaseUser, visit: Visit) -> None:
    """Within the caller's transaction, on the locked visit."""
    visit.status = Visit.Status.REVIEWED
    visit.reviewed_by = actor
    visit.reviewed_at = timezone.now()
    visit.version += 1
    visit.save(update_fields=["status", "reviewed_by", "reviewed_at", "version"])
    note = verdict_note(visit)
    VisitEvent.objects.create(
        visit=visit, action=VisitEvent.Action.REVIEWED, actor=actor, note=note
    )
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
