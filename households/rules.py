"""The rules a household and its members meet by themselves, without the database. The
forms, the API and the registry import (both its paths) apply these."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.identity import validate_kk_number, validate_nik_for_person
from households.names import normalize_name
from households.phones import contact_errors, normalize_phone
from households.registry_codes import Relationship, Sex

EARLIEST_BIRTH_DATE = datetime.date(1890, 1, 1)

# RT and RW (the neighbourhood and its ward) are numbered; the registry writes them in three
# digits, "003". One to three digits are taken, "3" kept as "003".
NEIGHBOURHOOD_DIGITS = 3
NEIGHBOURHOOD_FIELDS = ("rt", "rw")
NEIGHBOURHOOD_PATTERN = rf"^[0-9]{{0,{NEIGHBOURHOOD_DIGITS}}}$"  # for a schema; empty allowed
NEIGHBOURHOOD_MESSAGE = gettext_lazy("Write the number in at most three digits, such as 003.")


def neighbourhood_number(text: str) -> str:
    """An RT or RW number as the registry writes it: `"3"` and `"003"` give `"003"`; empty
    stays empty. Anything but one to three digits is refused (`ValidationError`)."""
    text = (text or "").strip()
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and len(text) <= NEIGHBOURHOOD_DIGITS):
        raise ValidationError(str(NEIGHBOURHOOD_MESSAGE), code="neighbourhood_number")
    return text.zfill(NEIGHBOURHOOD_DIGITS)


def blank_to_none(value):
    return None if value == "" else value


def member_contact_errors(member: dict) -> dict[str, list[str]]:
    """The errors of a member's phone number and way of contact. A phone missing from
    `member` is none (a form that refused it keeps its own message there); without a
    channel (an extract has none) there is no contact to judge."""
    try:
        phone = normalize_phone(member.get("phone"))
    except ValidationError as error:
        return {"phone": error.messages}
    if "contact_channel" not in member:
        return {}
    return contact_errors(
        phone=phone, channel=member["contact_channel"], consent=bool(member.get("contact_consent"))
    )


def household_rule_errors(
    household: dict, members: list[dict], *, today: datetime.date
) -> tuple[dict[str, list[str]], list[dict[str, list[str]]]]:
    """The rules a household and its members meet by themselves, without the database:
    identifier structure, RT and RW numbers, one head, names, dates, pregnancy, no NIK given
    twice, phone numbers, contact only with a phone and consent. A field missing from a dict
    (one a form refused already) is not judged.

    The forms and the API (through `validate_household_input`) and the registry import
    apply these same rules. Returns the errors by household field and by member.
    """
    household_errors: dict[str, list[str]] = {}
    member_errors: list[dict[str, list[str]]] = [{} for _member in members]

    def add(errors: dict, field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    for field in NEIGHBOURHOOD_FIELDS:
        try:
            neighbourhood_number(household.get(field) or "")
        except ValidationError as error:
            add(household_errors, field, error.messages[0])

    kk_number = blank_to_none(household.get("kk_number"))
    if kk_number:
        try:
            validate_kk_number(kk_number)
        except ValidationError as error:
            for message in error.messages:
                add(household_errors, "kk_number", message)

    if not members:
        add(household_errors, "members", _("A household has at least one member."))
    heads = [i for i, m in enumerate(members) if m.get("relationship") == Relationship.HEAD]
    # A member whose relationship the form refused already may be the head: not judged.
    relationships_known = all("relationship" in m for m in members)
    if members and not heads and relationships_known:
        add(household_errors, "members", _("Mark one member as the head of household."))
    for index in heads[1:]:
        add(member_errors[index], "relationship", _("A household has one head only."))

    seen_niks: set[str] = set()
    for index, member in enumerate(members):
        errors = member_errors[index]
        if "name" in member and not normalize_name(member["name"] or ""):
            add(errors, "name", _("Enter a name with letters."))
        birth_date = member.get("birth_date")
        if birth_date and birth_date > today:
            add(errors, "birth_date", _("The birth date must be in the past."))
        elif birth_date and birth_date < EARLIEST_BIRTH_DATE:
            add(errors, "birth_date", _("The birth date is too early: check the year."))
        if member.get("is_pregnant") and member.get("sex") != Sex.FEMALE:
            add(errors, "is_pregnant", _("Only a woman can be recorded as pregnant."))
        for field, messages in member_contact_errors(member).items():
            for message in messages:
                add(errors, field, message)
        nik = blank_to_none(member.get("nik"))
        if not nik:
            continue
        try:
            validate_nik_for_person(nik, birth_date=birth_date, sex=member.get("sex"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    add(errors, field, message)
            continue
        if nik in seen_niks:
            add(errors, "nik", _("The same NIK is given to two members."))
        seen_niks.add(nik)
    return household_errors, member_errors
