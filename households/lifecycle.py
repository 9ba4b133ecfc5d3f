"""People and households that change: a member dies or moves out, a member comes from a
household of another area, a family card splits (pecah KK), merges into another or ends.

Each change is one function: it checks everything first (a `ValidationError` keyed by field,
in the user's language, and nothing written), then writes in one transaction with the rows
locked, and leaves a `HouseholdEvent` in the household's history (the person records keep
theirs through django-simple-history). Nothing is deleted: a member who died or moved keeps
their row, with `status` saying so, and the rules count only the active members.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from households.models import Household, HouseholdEvent, Person, PersonTransfer
from households.registry_codes import Relationship
from households.rules import neighbourhood_number
from regions.time_zones import local_date_in
from slrt.constraints import constraint_violations_as_field_errors

RECORD = "households.record_change"
APPROVE = "households.approve_transfer"

EVIDENCE_KINDS = dict(HouseholdEvent.Evidence.choices)
Kind = HouseholdEvent.Kind


# --- checks shared by the changes -------------------------------------------------------------


def _require(actor: AbstractBaseUser, permission: str, *households: Household) -> None:
    """The actor may make this change, on households inside their area (else: none exist)."""
    from households.selectors import households_in_scope

    if not actor.has_perm(permission):
        raise PermissionDenied
    visible = households_in_scope(actor).filter(pk__in=[h.pk for h in households]).count()
    if visible != len({h.pk for h in households}):
        raise Http404


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(str(message))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _check_date(errors: dict, day, *, today: datetime.date, person: Person | None = None):
    if not isinstance(day, datetime.date):
        _add(errors, "date", _("Enter the date."))
    elif day > today:
        _add(errors, "date", _("The date cannot be in the future."))
    elif person is not None and day < person.birth_date:
        _add(errors, "date", _("The date is before the person's birth date."))


def _check_open(errors: dict, household: Household, field: str = "household") -> None:
    if household.dissolved_on is not None:
        _add(errors, field, _("This household was dissolved; it changes no more."))


def _check_new_head(errors: dict, household: Household, leaving: set[int], new_head, field: str):
    """Whoever heads `household` after the members `leaving` go: one of those who stay, if
    any stays; the head leaving without a successor is refused."""
    staying = [p for p in household.members.active() if p.pk not in leaving]
    head = next((p for p in household.members.all() if p.relationship == Relationship.HEAD), None)
    head_leaves = head is not None and head.pk in leaving
    if new_head is not None and new_head.pk not in {p.pk for p in staying}:
        _add(errors, field, _("Choose the new head among the members who stay."))
    elif head_leaves and staying and new_head is None:
        _add(errors, field, _("The head leaves: choose the new head among the members who stay."))
    return head if head_leaves else None


def _handover(household: Household, old_head: Person | None, new_head: Person | None, details):
    """Make `new_head` the head of `household` in place of `old_head` (who leaves): the old
    head's relationship becomes "other" first, so that one head at a time is ever stored."""
    if old_head is None or new_head is None:
        return
    old_head.relationship = Relationship.OTHER
    old_head._change_reason = _("No longer the head of household")
    old_head.save()
    details["new_head"] = {"id": new_head.pk, "name": new_head.name, "was": new_head.relationship}
    new_head.relationship = Relationship.HEAD
    new_head._change_reason = _("New head of household")
    new_head.save()


def _event(household, kind, *, actor, person=None, details=None, note="") -> HouseholdEvent:
    return HouseholdEvent.objects.create(
        household=household, person=person, kind=kind, actor=actor,
        details=details or {}, note=Truncator(note or "").chars(500),
    )  # fmt: skip


def _locked_household(household: Household) -> Household:
    return Household.objects.select_for_update(of=("self",)).get(pk=household.pk)


def _locked_person(person: Person) -> Person:
    return Person.objects.select_for_update(of=("self",)).get(pk=person.pk)


def _reason(text: str) -> str:
    return Truncator(text).chars(100)  # the history column's width


# --- a member dies or moves out --------------------------------------------------------------


def person_record_death(
    *,
    actor: AbstractBaseUser,
    person: Person,
    date: datetime.date | None,
    evidence_kind: str,
    evidence_number: str = "",
    note: str = "",
    new_head: Person | None = None,
) -> HouseholdEvent:
    """Record that `person` died on `date`, as the death certificate (akta kematian) or the
    village's letter says. A head who leaves others behind needs `new_head`."""
    errors: dict = {}
    if evidence_kind not in EVIDENCE_KINDS:
        _add(errors, "evidence_kind", _("Choose the document that records the death."))
    evidence_number = (evidence_number or "").strip()
    if not evidence_number:
        _add(errors, "evidence_number", _("Enter the number of the document."))
    elif len(evidence_number) > 60:
        _add(errors, "evidence_number", _("The number is at most 60 characters."))
    details = {"evidence_kind": evidence_kind, "evidence_number": evidence_number}
    return _leave(
        actor=actor, person=person, status=Person.Status.DECEASED, date=date, kind=Kind.DIED,
        details=details, note=note, new_head=new_head, errors=errors,
    )  # fmt: skip


def person_move_out(
    *,
    actor: AbstractBaseUser,
    person: Person,
    date: datetime.date | None,
    destination: str,
    note: str = "",
    new_head: Person | None = None,
) -> HouseholdEvent:
    """Record that `person` moved out on `date`, to `destination` (an address, a village, a
    city). A head who leaves others behind needs `new_head`."""
    errors: dict = {}
    destination = (destination or "").strip()
    if not destination:
        _add(errors, "destination", _("Say where the person moved to."))
    elif len(destination) > 255:
        _add(errors, "destination", _("Write the destination in at most 255 characters."))
    return _leave(
        actor=actor, person=person, status=Person.Status.MOVED_OUT, date=date,
        kind=Kind.MOVED_OUT, details={"destination": destination}, note=note,
        new_head=new_head, errors=errors,
    )  # fmt: skip


def _leave(*, actor, person, status, date, kind, details, note, new_head, errors):
    household = person.household
    _require(actor, RECORD, household)
    with transaction.atomic():
        household = _locked_household(household)
        person = _locked_person(person)
        if person.household_id != household.pk:  # moved meanwhile
            raise Http404
        _check_open(errors, household, "person")
        if not person.is_active:
            _add(
                errors,
                "person",
                _("%(name)s is recorded as %(status)s already.")
                % {"name": person.name, "status": person.get_status_display()},
            )
        _check_date(errors, date, today=local_date_in(household.region_id), person=person)
        if new_head is not None:
            new_head = _locked_person(new_head)  # as it is now: still a member here?
        old_head = _check_new_head(errors, household, {person.pk}, new_head, "new_head")
        _raise(errors)
        details = dict(details, date=date.isoformat())
        _handover(household, old_head, new_head, details)
        if old_head is not None:
            person.refresh_from_db(fields=["relationship"])
        person.status = status
        person.status_date = date
        person._change_reason = _reason(
            (_("Died") if status == Person.Status.DECEASED else _("Moved out")) + f": {note}"
        )
        person.save()
        if "new_head" in details:
            _event(household, Kind.HEAD_CHANGED, actor=actor, person=new_head,
                   details={"after": person.pk})  # fmt: skip
        return _event(household, kind, actor=actor, person=person, details=details, note=note)


# --- a family card splits, merges or ends ------------------------------------------------------


def household_split(
    *,
    actor: AbstractBaseUser,
    household: Household,
    members: list[Person],
    new_kk_number: str,
    new_head: Person | None,
    address: str,
    rt: str = "",
    rw: str = "",
    remaining_head: Person | None = None,
    note: str = "",
) -> Household:
    """Pecah KK: `members` found a new household with its own family card, `new_head` at its
    head, in the same village. If the head is among them, `remaining_head` heads those who
    stay. Returns the new household."""
    from households.services import validate_household_input

    _require(actor, RECORD, household)
    errors: dict = {}
    address = (address or "").strip()
    new_kk_number = (new_kk_number or "").strip()
    if not new_kk_number:
        _add(errors, "new_kk_number", _("Enter the KK number of the new family card."))
    if not address:
        _add(errors, "address", _("Enter the address of the new household."))
    try:
        validate_household_input(
            actor=actor,
            household={"kk_number": new_kk_number, "region": household.region_id,
                       "address": address, "rt": rt, "rw": rw},
            members=[{"relationship": Relationship.HEAD}],
        )  # fmt: skip
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                _add(errors, {"kk_number": "new_kk_number"}.get(field, field), message)

    def write() -> Household:
        source = _locked_household(household)
        _check_open(errors, source)
        active = {p.pk: p for p in source.members.active().select_for_update(of=("self",))}
        leaving = {p.pk for p in members}
        if not leaving:
            _add(errors, "members", _("Choose the members who found the new family card."))
        elif not leaving <= set(active):
            _add(errors, "members", _("Choose among the members who live in this household."))
        elif leaving == set(active):
            _add(errors, "members", _("Not every member can leave: at least one stays."))
        if new_head is None or new_head.pk not in leaving:
            _add(errors, "new_head", _("Choose the new head among the members who leave."))
        old_head = _check_new_head(errors, source, leaving, remaining_head, "remaining_head")
        _raise(errors)
        founded = Household.objects.create(
            kk_number=new_kk_number, region_id=source.region_id, address=address,
            rt=neighbourhood_number(rt), rw=neighbourhood_number(rw),
        )  # fmt: skip
        details = {"household": founded.pk, "kk_number": new_kk_number}
        _handover(source, old_head, remaining_head and active[remaining_head.pk], details)
        moving = sorted(
            (active[pk] for pk in leaving), key=lambda p: p.pk == new_head.pk
        )  # the head last, once the others are in
        for person in moving:
            person.refresh_from_db(fields=["relationship"])
            if person.pk == new_head.pk:
                person.relationship = Relationship.HEAD
            elif person.relationship == Relationship.HEAD:
                person.relationship = Relationship.OTHER
            person.household = founded
            person._change_reason = _reason(_("Split into a new KK %(kk)s") % {"kk": new_kk_number})
            person.save()
        names = [{"id": p.pk, "name": p.name} for p in moving]
        _event(source, Kind.SPLIT_FROM, actor=actor, details=dict(details, members=names),
               note=note)  # fmt: skip
        _event(founded, Kind.SPLIT_INTO, actor=actor, person=active[new_head.pk],
               details={"household": source.pk, "kk_number": source.kk_number, "members": names},
               note=note)  # fmt: skip
        return founded

    # The new household's only constraint a concurrent change can break: its KK number.
    kk_at_its_field = {Household: "new_kk_number"}
    with constraint_violations_as_field_errors(under=kk_at_its_field), transaction.atomic():
        return write()


def household_merge(
    *, actor: AbstractBaseUser, source: Household, target: Household | None, note: str = ""
) -> Household:
    """Gabung KK: the members who live in `source` join `target`, whose head heads them all
    (the head of `source` becomes "other"); `source` ends, its record and its past members
    kept. Returns `target`."""
    errors: dict = {}
    if target is None:
        _add(errors, "target", _("Enter the KK number of a household in your working area."))
        _require(actor, RECORD, source)
        _raise(errors)
    _require(actor, RECORD, source, target)
    if source.pk == target.pk:
        _add(errors, "target", _("Choose another household than this one."))
        _raise(errors)
    with transaction.atomic():
        first, second = sorted([source, target], key=lambda h: h.pk)  # one locking order
        locked = {h.pk: _locked_household(h) for h in (first, second)}
        source, target = locked[source.pk], locked[target.pk]
        _check_open(errors, source)
        _check_open(errors, target, "target")
        _raise(errors)
        moving = list(source.members.active().select_for_update(of=("self",)))
        today = local_date_in(source.region_id)
        for person in moving:
            if person.relationship == Relationship.HEAD:
                person.relationship = Relationship.OTHER
            person.household = target
            person._change_reason = _reason(
                _("KK merged into %(kk)s") % {"kk": target.kk_number or target.pk}
            )
            person.save()
        source.dissolved_on = today
        source.save(update_fields=["dissolved_on", "updated_at"])
        names = [{"id": p.pk, "name": p.name} for p in moving]
        into = {"household": target.pk, "kk_number": target.kk_number, "members": names}
        _event(source, Kind.MERGED_INTO, actor=actor, note=note, details=into)
        came = {"household": source.pk, "kk_number": source.kk_number, "members": names}
        _event(target, Kind.MERGED_FROM, actor=actor, note=note, details=came)
        return target


def household_dissolve(
    *, actor: AbstractBaseUser, household: Household, reason: str
) -> HouseholdEvent:
    """The household ends (everyone died or moved out, the family card was withdrawn): its
    record stays, with the day it ended; screening no longer reads it."""
    _require(actor, RECORD, household)
    errors: dict = {}
    reason = (reason or "").strip()
    if not reason:
        _add(errors, "reason", _("Say why the household ends."))
    with transaction.atomic():
        household = _locked_household(household)
        _check_open(errors, household)
        if household.members.active().exists():
            _add(
                errors,
                "household",
                _("Members still live here: record their death or move, or merge the KK."),
            )
        _raise(errors)
        household.dissolved_on = local_date_in(household.region_id)
        household.save(update_fields=["dissolved_on", "updated_at"])
        return _event(household, Kind.DISSOLVED, actor=actor, note=reason)


# --- a member comes from another area -------------------------------------------------------


def person_transfer_request(
    *,
    actor: AbstractBaseUser,
    person: Person | None,
    to_household: Household,
    relationship: str,
    note: str = "",
) -> PersonTransfer:
    """Ask that `person`, a member of a household elsewhere (found by NIK), join
    `to_household` as `relationship`. A supervisor whose area covers both households decides
    (`person_transfer_decide`); until then nothing moves."""
    from households.selectors import persons_in_scope

    _require(actor, RECORD, to_household)
    errors: dict = {}
    if person is None:
        _add(errors, "nik", _("No person with this NIK is registered."))
        _raise(errors)
    if relationship not in Relationship.values:
        _add(errors, "relationship", _("Choose the relationship to the head."))
    elif relationship == Relationship.HEAD and to_household.members.active().exists():
        _add(errors, "relationship", _("This household has its head: choose another relationship."))
    with transaction.atomic():
        to_household = _locked_household(to_household)
        person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        _check_open(errors, to_household)
        if person.household_id == to_household.pk:
            _add(errors, "nik", _("This person is a member of this household already."))
        elif not person.is_active:
            _add(errors, "nik", _("This person is recorded as died or moved out."))
        elif (
            person.relationship == Relationship.HEAD
            and person.household.members.active().exclude(pk=person.pk).exists()
        ):
            _add(
                errors, "nik", _("This person heads a household: a new head is named there first.")
            )
        elif PersonTransfer.objects.filter(person=person, status="pending").exists():
            _add(errors, "nik", _("This person already has a transfer waiting."))
        if "nik" in errors and not persons_in_scope(actor).filter(pk=person.pk).exists():
            # Outside the actor's area the NIK tells no more than registration does: that
            # it is registered, not whether the person died, heads a family or waits.
            errors["nik"] = [
                _("This person cannot be moved in from here; ask the office of their area.")
            ]
        _raise(errors)
        transfer = PersonTransfer.objects.create(
            person=person, from_household_id=person.household_id, to_household=to_household,
            relationship=relationship, requested_by=actor, note=Truncator(note).chars(500),
        )  # fmt: skip
        _event(to_household, Kind.TRANSFER_REQUESTED, actor=actor, person=person, note=note,
               details={"transfer": transfer.pk})  # fmt: skip
        return transfer


def person_transfer_decide(
    *, actor: AbstractBaseUser, transfer: PersonTransfer, approve: bool, note: str = ""
) -> PersonTransfer:
    """A supervisor whose area covers both households approves the transfer (the person
    record moves, its history with it) or refuses it (saying why)."""
    if not actor.has_perm(APPROVE):
        raise PermissionDenied
    from households.selectors import transfer_approver_q

    if not PersonTransfer.objects.filter(transfer_approver_q(actor), pk=transfer.pk).exists():
        raise Http404
    errors: dict = {}
    note = (note or "").strip()
    if not approve and not note:
        _add(errors, "note", _("Say why the transfer is refused."))
    with transaction.atomic():
        transfer = PersonTransfer.objects.select_for_update(of=("self",)).get(pk=transfer.pk)
        if transfer.status != PersonTransfer.Status.PENDING:
            _add(errors, "transfer", _("This transfer was decided already."))
            _raise(errors)
        # Households before persons, in the order of their ids, as every change locks them.
        ids = sorted({transfer.from_household_id, transfer.to_household_id})
        locked = {pk: _locked_household(Household(pk=pk)) for pk in ids}
        target = locked[transfer.to_household_id]
        person = _locked_person(transfer.person)
        if approve:
            if not person.is_active or person.household_id != transfer.from_household_id:
                _add(errors, "transfer", _("The person's record changed meanwhile: refuse it."))
            elif target.dissolved_on is not None:
                _add(errors, "transfer", _("The household was dissolved meanwhile: refuse it."))
            elif (
                person.relationship == Relationship.HEAD
                and Person.objects.active()
                .filter(household_id=person.household_id)
                .exclude(pk=person.pk)
                .exists()
            ):
                _add(errors, "transfer", _("The person heads a household: a new head first."))
            elif transfer.relationship == Relationship.HEAD and target.members.active().exists():
                _add(errors, "transfer", _("The household has members meanwhile: refuse it."))
        _raise(errors)
        transfer.status = (
            PersonTransfer.Status.APPROVED if approve else PersonTransfer.Status.REFUSED
        )
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        transfer.decision_note = Truncator(note).chars(500)
        transfer.save()
        if not approve:
            _event(target, Kind.TRANSFER_REFUSED, actor=actor, person=person, note=note,
                   details={"transfer": transfer.pk})  # fmt: skip
            return transfer
        source = locked[transfer.from_household_id]
        if transfer.relationship == Relationship.HEAD:  # the former head died or moved out
            for former in target.members.filter(relationship=Relationship.HEAD):
                former.relationship = Relationship.OTHER
                former._change_reason = _("No longer the head of household")
                former.save()
        person.household = target
        person.relationship = transfer.relationship
        person._change_reason = _reason(_("Moved in from another area"))
        person.save()
        _event(source, Kind.TRANSFERRED_OUT, actor=actor, person=person, note=note,
               details={"transfer": transfer.pk, "household": target.pk,
                        "region": target.region_id})  # fmt: skip
        _event(target, Kind.TRANSFERRED_IN, actor=actor, person=person, note=note,
               details={"transfer": transfer.pk, "household": source.pk,
                        "region": source.region_id})  # fmt: skip
        return transfer
