"""A correction proposal's changes: which of the registry's variables a correction may name,
and each new value read and checked as the registry's own forms check it.

A correction is stored as `{"field": {"from": current, "to": new}}` in the registry's values
(dates in ISO form); `from` is always read from the record, never taken from the user."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from households.models import Household, Person
from households.registry_codes import Relationship
from households.rules import household_rule_errors, neighbourhood_number
from regions.time_zones import local_date_in

# The member's variables the national registry records, which a correction of a member may name.
PERSON_FIELDS = (
    "name", "nik", "sex", "birth_date", "birth_place", "relationship", "marital_status",
    "schooling", "occupation", "disability", "chronic_illness",
)  # fmt: skip
# The household's variables, for a correction of the household itself (no member named).
HOUSEHOLD_FIELDS = (
    "kk_number", "address", "rt", "rw", "floor_material", "wall_material", "roof_material",
    "water_source", "lighting", "cooking_fuel", "toilet", "tenure",
)  # fmt: skip


# What a NIK encodes, checked together.
IDENTITY = ("nik", "birth_date", "sex")


def correctable_fields(person: Person | None) -> tuple[str, ...]:
    """The variables a correction of `person` (None: of the household) may change."""
    return PERSON_FIELDS if person is not None else HOUSEHOLD_FIELDS


def field_label(name: str) -> str:
    model = Person if name in PERSON_FIELDS else Household
    return str(model._meta.get_field(name).verbose_name)


def value_label(name: str, value):
    """A variable's value as a page says it: a code by its label (a wall material's code
    `2` as "tembok"), anything else as stored."""
    model = Person if name in PERSON_FIELDS else Household
    field = model._meta.get_field(name)
    if value is None or not field.choices:
        return value
    return {str(code): label for code, label in field.flatchoices}.get(str(value), value)


def _stored(value):
    """A value as the JSON of `changes` holds it."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _key(name: str) -> str:
    return f"changes.{name}"


def _wanted(raw) -> object:
    """The new value of one change: `{"to": value}` or the value itself."""
    if isinstance(raw, dict):
        return raw.get("to")
    return raw


def _read(field: models.Field, record: models.Model, raw) -> object:
    """`raw` as the model field reads and checks it (type, choices, length, blank)."""
    if isinstance(raw, (dict, list)):
        raise ValidationError(_("Enter one value."))
    if raw is None:
        raw = ""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw == "" and field.null:
        raw = None
    if field.name in ("rt", "rw"):
        raw = neighbourhood_number(raw)
    return field.clean(raw, record)


def corrected_changes(*, person: Person | None, household: Household, changes, actor) -> dict:
    """The changes of a correction as stored, `from` read from the record; only the
    variables whose value really changes. Raises `ValidationError` keyed `changes` (none
    given, nothing changes, not an object) or `changes.<field>` (an unknown variable, a value
    the registry's rules refuse). A NIK or KK number registered already is said as the
    registration form says it, and, like there, written to `actor`'s access log."""
    if not isinstance(changes, dict) or not changes:
        raise ValidationError({"changes": _("Name at least one variable to correct.")})
    record = person if person is not None else household
    model = type(record)
    allowed = correctable_fields(person)
    errors: dict[str, list[str]] = {}
    result: dict[str, dict] = {}
    values: dict[str, object] = {}
    for name, raw in changes.items():
        if name not in allowed:
            errors.setdefault(_key(str(name)[:40]), []).append(
                _("This variable cannot be corrected here: choose one of %(fields)s.")
                % {"fields": ", ".join(allowed)}
            )
            continue
        field = model._meta.get_field(name)
        try:
            new = _read(field, record, _wanted(raw))
        except ValidationError as error:
            errors[_key(name)] = error.messages
            continue
        current = getattr(record, name)
        if new == current or (new in ("", None) and current in ("", None)):
            continue
        values[name] = new
        result[name] = {"from": _stored(current), "to": _stored(new)}
    if not errors:
        errors.update(_rule_errors(person, household, values, actor))
    if errors:
        raise ValidationError(errors)
    if not result:
        raise ValidationError({"changes": _("The correction changes nothing.")})
    return result


def _rule_errors(person: Person | None, household: Household, values: dict, actor) -> dict:
    """The registry's own rules over the record as it would be after the correction (a NIK
    that fits the birth date and sex, RT numbers, one head), for the changed variables."""
    today = local_date_in(household.region_id)
    errors: dict[str, list[str]] = {}
    if person is None:
        merged = {name: getattr(household, name) for name in ("kk_number", "rt", "rw")}
        merged.update({k: v for k, v in values.items() if k in merged})
        household_errors, _members = household_rule_errors(merged, [], today=today)
        for name in values:
            if household_errors.get(name):
                errors[_key(name)] = household_errors[name]
        kk_number = values.get("kk_number")
        owner = kk_number and (
            Household.objects.exclude(pk=household.pk).filter(kk_number=kk_number).first()
        )
        if owner:
            errors.setdefault(_key("kk_number"), []).append(
                _registered(actor, "kk_number", kk_number, owner.pk)
            )
        return errors
    merged = {name: getattr(person, name) for name in PERSON_FIELDS}
    merged.update(values)
    _household, member_errors = household_rule_errors({}, [merged], today=today)
    for name, messages in member_errors[0].items():
        if name in values:
            errors[_key(name)] = messages
        elif name in IDENTITY and (changed := [k for k in IDENTITY if k in values]):
            # The NIK and the birth date or sex it encodes disagree: said at what changed.
            errors.setdefault(_key(changed[0]), []).extend(messages)
    nik = values.get("nik")
    owner = nik and Person.objects.exclude(pk=person.pk).filter(nik=nik).first()
    if owner:
        errors.setdefault(_key("nik"), []).append(
            _registered(actor, "nik", nik, owner.household_id)
        )
    if (
        values.get("relationship") == Relationship.HEAD
        and household.members.exclude(pk=person.pk).filter(relationship=Relationship.HEAD).exists()
    ):
        errors.setdefault(_key("relationship"), []).append(_("A household has one head only."))
    return errors


def _registered(actor, field: str, number: str, household_id: int) -> str:
    """A number another record holds: where, only inside the actor's area; the attempt to
    the access log (it tells that the number exists), as on the registration form."""
    from households.services import _already_registered

    return _already_registered(actor, field, number, household_id)
