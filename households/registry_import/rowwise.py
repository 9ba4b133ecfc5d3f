"""The row-by-row path: any database, and on PostgreSQL the households the set-based path
leaves to it. Every message a refused row gets is written here (and in the registry's
rules, `households.rules`, which the forms apply too).

The file is read a row at a time and written a batch of households at a time, each batch in
one transaction, so that memory stays flat whatever the file's size. Each cell is read by
the reader of its column's kind (`extract.COLUMNS`); each household is checked with the
registry's own rules (`household_rule_errors`, as on the forms); the database is asked once
per batch which households, KK numbers and NIKs it knows already. A refused row goes to the
error report (line, column, message); the other rows still load. Importing the same file
again updates, never duplicates: households are matched by their registry ID, else by KK
number; people by NIK, else by name and birth date in the household. An import into an
area (a supervisor's upload) matches nothing outside it: a row naming the NIK, KK number or
registry ID of a record elsewhere is refused, without saying where.
"""

import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import Household, Person
from households.names import normalize_name
from households.registry_codes import Relationship
from households.registry_import.extract import (
    COLUMNS,
    DATE_FORMATS,
    DESIL_SOURCE,
    HOUSEHOLD,
    HOUSEHOLD_DERIVED,
    HOUSEHOLD_FIELDS,
    KEY,
    NO,
    PERSON_DERIVED,
    PERSON_FIELDS,
    SEX,
    YES,
    Column,
    Kind,
)
from households.registry_import.result import MOVED_REASON, ImportResult, RowError
from households.registry_import.watchers import Sightings
from households.rules import household_rule_errors, neighbourhood_number
from regions.models import Region, within_q
from regions.time_zones import local_date_in

CENT = decimal.Decimal("0.01")

# A row naming a record outside the importer's area: said without saying where it is.
OUTSIDE_MESSAGES = {
    "nik": gettext_lazy(
        "This NIK is registered outside your area; move the record through a supervisor."
    ),
    "kk_number": gettext_lazy(
        "This KK number is registered outside your area; move the record through a supervisor."
    ),
    "dtks_id": gettext_lazy(
        "This registry ID is registered outside your area; move the record through a supervisor."
    ),
}


@dataclass
class _Member:
    line: int
    values: dict


@dataclass
class _Home:
    dtks_id: str
    line: int
    values: dict
    members: list[_Member] = field(default_factory=list)
    household: Household | None = None


def import_row_by_row(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    area: str | None = None,
    batch_households: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    watch: Sightings | None = None,
) -> ImportResult:
    """Load the rows (from `extract.read_rows`); return the counts. Each refused row goes to
    `on_error` as it is found (a report written as the file is read), else to the result.
    With `area` (a region code), households outside it are refused, and so are rows
    naming a NIK, KK number or registry ID registered outside it. Each row of a village of
    the area is noted in `watch`, refused or not: the registry has it (a refused row's
    watched numbers are noted as named only, whatever its village code)."""
    result = ImportResult(on_error=on_error)
    context = _Context(
        villages=set(
            Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True)
        ),
        area=area,
        today=local_date_in(area),
    )
    batch: list[_Home] = []
    home: _Home | None = None
    for line, row in rows:
        result.rows += 1
        household, person, errors = parse_row(line, row, context)
        if watch is not None:  # a row refused for its village still names its numbers
            village_ok = not any(error.column == "region_code" for error in errors)
            watch.saw(household["region_id"] if village_ok else None,
                      household["kk_number"] or None, person["nik"] or None,
                      household["desil"], readable=not errors)  # fmt: skip
        if errors:
            for error in errors:
                result.add_error(error)
            result.refused += 1
            continue
        dtks_id = household.pop(KEY.target)
        if home is None or home.dtks_id != dtks_id:
            if home is not None:
                batch.append(home)
            home = _Home(dtks_id, line, household)
            if len(batch) >= batch_households:
                _write(batch, result, context.today, area)
                batch = []
                result.done = result.rows - 1  # all but the row that began the next household
                if progress is not None:
                    progress(result)
        elif household["kk_number"] != home.values["kk_number"]:
            message = _("Another KK number than in this household's row %(line)s.")
            result.add_error(RowError(line, "kk_number", message % {"line": home.line}))
            result.refused += 1
            continue
        home.members.append(_Member(line, person))
    if home is not None:
        batch.append(home)
    _write(batch, result, context.today, area)
    result.done = result.rows_one_by_one = result.rows
    if progress is not None:
        progress(result)
    return result


# --- reading a row: one reader per kind of column ---


@dataclass(frozen=True)
class _Context:
    villages: set[str]
    area: str | None
    today: datetime.date


def parse_row(line: int, row: dict[str, str], context: _Context):
    """A row's household and person values, or the errors that refuse it: each column of
    `extract.COLUMNS` read by its kind's reader, in the table's order."""
    errors: list[RowError] = []

    def refuse(column: str, message: str) -> None:
        errors.append(RowError(line, column, str(message)))

    household: dict = {}
    person: dict = {}
    for column in COLUMNS:
        value = READERS[column.kind](column, row.get(column.name, ""), refuse, context)
        (household if column.of == HOUSEHOLD else person)[column.target] = value
    if household["desil"] is not None:
        household["desil_source"] = DESIL_SOURCE
        household["desil_date"] = context.today
    else:
        household["desil_source"], household["desil_date"] = "", None
    return household, person, errors


def _digits(text: str) -> int | None:
    """The number a field of ASCII digits writes, else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _read_key(column: Column, text: str, refuse, context) -> str:
    if not text:
        refuse(column.name, _("The registry ID is missing."))
    return _read_text(column, text, refuse, context)


def _read_text(column: Column, text: str, refuse, context) -> str:
    if len(text) > column.limit:
        refuse(column.name, _("At most %(limit)s characters.") % {"limit": column.limit})
        return text[: column.limit]
    return text


def _read_neighbourhood(column: Column, text: str, refuse, context) -> str:
    try:
        return neighbourhood_number(text)
    except ValidationError as error:
        refuse(column.name, error.messages[0])
        return ""


def _read_optional(column: Column, text: str, refuse, context) -> str | None:
    return text or None


def _read_region(column: Column, region: str, refuse, context: _Context) -> str:
    if len(region) == 10 and _digits(region) is not None:
        region = f"{region[:2]}.{region[2:4]}.{region[4:6]}.{region[6:]}"
    if region not in context.villages:
        refuse(column.name, _("%(code)s is not a village code.") % {"code": region or "—"})
    elif context.area and not Region.code_is_within(region, context.area):
        message = _("%(code)s is outside your area (%(area)s).")
        refuse(column.name, message % {"code": region, "area": context.area})
    return region


def _read_sex(column: Column, text: str, refuse, context) -> str | None:
    sex = SEX.get(text.upper())
    if sex is None:
        refuse(column.name, _("Sex is 1 or 2 (also L/P, M/F)."))
    return sex


def _read_date(column: Column, text: str, refuse, context) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    refuse(column.name, _("A date is DD-MM-YYYY or YYYY-MM-DD."))
    return None


def _read_relationship(column: Column, text: str, refuse, context) -> str:
    if not 1 <= (_digits(text) or 0) <= 8:
        refuse(column.name, _("The relationship is a code from 1 to 8."))
        return text
    return Relationship.from_registry_code(int(text))


def _read_code(column: Column, text: str, refuse, context):
    if text == "":
        return column.default
    if _digits(text) in column.choices:
        return int(text)
    refuse(column.name, _("%(value)s is not one of the registry's codes for this column.")
           % {"value": text[:20]})  # fmt: skip
    return column.default


def _read_number(column: Column, text: str, refuse, context):
    """A decimal number (`,` or `.`) from `low` to `high`, in hundredths at most."""
    text = text.replace(",", ".")
    if text == "":
        return None
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        refuse(column.name, _("Not a number."))
        return None
    low, high = column.low, column.high
    if not value.is_finite() or not low <= value <= high or value != value.quantize(CENT):
        refuse(column.name, _("A number from %(low)s to %(high)s, in hundredths at most.")
               % {"low": low, "high": high})  # fmt: skip
        return None
    return value if column.kind == Kind.DECIMAL else int(value)


def _read_flag(column: Column, text: str, refuse, context) -> bool:
    text = text.lower()
    if text in YES:
        return True
    if text not in NO:
        refuse(column.name, _("Write 1 for yes, 0 for no."))
    return False


READERS = {
    Kind.KEY: _read_key,
    Kind.KK: _read_optional,
    Kind.REGION: _read_region,
    Kind.TEXT: _read_text,
    Kind.NEIGHBOURHOOD: _read_neighbourhood,
    Kind.NIK: _read_optional,
    Kind.SEX: _read_sex,
    Kind.DATE: _read_date,
    Kind.RELATIONSHIP: _read_relationship,
    Kind.CODE: _read_code,
    Kind.DECIMAL: _read_number,
    Kind.RUPIAH: _read_number,
    Kind.FLAG: _read_flag,
}


# --- checking and writing a batch ---


def _write(
    batch: list[_Home], result: ImportResult, today: datetime.date, area: str | None
) -> None:
    """Check each household with the registry's rules, then upsert the batch at once."""
    _refuse_repeats(batch, result)
    if area:
        _refuse_niks_elsewhere(batch, result, area)
    homes = [home for home in batch if _keep_valid(home, result, today)]
    if not homes:
        return
    with transaction.atomic():
        known = _known_households(homes)
        accepted = []
        for home in homes:
            kk_number = home.values["kk_number"]
            existing = known.get(home.dtks_id) or known.get(kk_number)
            owner = known.get(kk_number) if kk_number else None
            # Before any message that names a registered household: those elsewhere are not
            # described, whatever else is wrong with the row.
            if area and _elsewhere(known.get(home.dtks_id), area):
                _refuse_home(home, result, "dtks_id", OUTSIDE_MESSAGES["dtks_id"])
                result.outside += 1
                continue
            if area and _elsewhere(owner, area):
                _refuse_home(home, result, "kk_number", OUTSIDE_MESSAGES["kk_number"])
                result.outside += 1
                continue
            if existing is not None and existing.dtks_id not in (None, home.dtks_id):
                message = _("This KK number belongs to registry ID %(id)s.")
                _refuse_home(home, result, "kk_number", message % {"id": existing.dtks_id})
                continue
            if owner is not None and owner != existing:
                message = _("This KK number belongs to household %(id)s, which has no registry ID.")
                _refuse_home(home, result, "kk_number", message % {"id": owner.pk})
                continue
            home.household = existing
            accepted.append(home)
        homes = accepted
        new = [home for home in homes if home.household is None]
        for home in new:
            home.household = Household(**{KEY.target: home.dtks_id}, **home.values)
        Household.objects.bulk_create([home.household for home in new])
        updated = []
        for home in homes:
            if home in new:
                continue
            household = home.household
            if household.desil == home.values["desil"]:  # its source and date: when it changed
                home.values["desil_source"] = household.desil_source
                home.values["desil_date"] = household.desil_date
            if _apply(household, {KEY.target: home.dtks_id, **home.values}):
                updated.append(household)
        if updated:
            Household.objects.bulk_update(
                updated, [KEY.target, *HOUSEHOLD_FIELDS, *HOUSEHOLD_DERIVED]
            )
        result.households_created += len(new)
        result.households_updated += len(updated)
        result.households_unchanged += len(homes) - len(new) - len(updated)
        _write_people(homes, result)


def _elsewhere(household: Household | None, area: str) -> bool:
    return household is not None and not Region.code_is_within(household.region_id, area)


def _refuse_niks_elsewhere(batch: list[_Home], result: ImportResult, area: str) -> None:
    """Refuse the rows whose NIK is a person's of a household outside `area`: that person
    is moved by a supervisor of both areas, never by a file. (The rules then refuse a
    household left without its head.)"""
    niks = [m.values["nik"] for home in batch for m in home.members if m.values["nik"]]
    if not niks:
        return
    inside = within_q(area, "household__region")
    elsewhere = set(
        Person.objects.filter(nik__in=niks).exclude(inside).values_list("nik", flat=True)
    )
    if not elsewhere:
        return
    for home in batch:
        kept = []
        for member in home.members:
            if member.values["nik"] in elsewhere:
                result.add_error(RowError(member.line, "nik", str(OUTSIDE_MESSAGES["nik"])))
                result.refused += 1
                result.outside += 1
            else:
                kept.append(member)
        home.members = kept


def _refuse_repeats(batch: list[_Home], result: ImportResult) -> None:
    """Refuse a household whose KK number a household earlier in the batch already gave,
    as a later batch refuses it once the earlier one is written."""
    owners: dict[str, str] = {}
    for home in batch:
        kk_number = home.values["kk_number"]
        if kk_number in owners and owners[kk_number] != home.dtks_id:
            message = _("This KK number belongs to registry ID %(id)s.")
            _refuse_home(home, result, "kk_number", message % {"id": owners[kk_number]})
        elif kk_number:
            owners[kk_number] = home.dtks_id


def _apply(obj, values: dict) -> bool:
    """Set `values` on `obj`; whether anything changed (an unchanged row is not written)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _keep_valid(home: _Home, result: ImportResult, today: datetime.date) -> bool:
    """Drop the members the rules refuse; refuse the household if it is still not valid."""
    while True:
        household_errors, member_errors = household_rule_errors(
            home.values, [member.values for member in home.members], today=today
        )
        if not any(member_errors):
            break
        kept = []
        for member, errors in zip(home.members, member_errors, strict=True):
            if errors:
                for column, messages in errors.items():
                    result.add_error(RowError(member.line, column, " ".join(messages)))
                result.refused += 1
            else:
                kept.append(member)
        home.members = kept
    if household_errors or not home.members:
        for column, messages in (household_errors or {"members": [_("No member left.")]}).items():
            _refuse_home(home, result, column, " ".join(messages))
        return False
    return True


def _refuse_home(home: _Home, result: ImportResult, column: str, message: str) -> None:
    for member in home.members:
        result.add_error(RowError(member.line, column, str(message)))
    result.refused += len(home.members)
    home.members = []


def _known_households(homes: list[_Home]) -> dict[str, Household]:
    """The batch's households the registry knows, by registry ID and by KK number."""
    ids = [home.dtks_id for home in homes]
    kks = [home.values["kk_number"] for home in homes if home.values["kk_number"]]
    known: dict[str, Household] = {}
    for household in Household.objects.filter(Q(dtks_id__in=ids) | Q(kk_number__in=kks)):
        if household.kk_number:
            known.setdefault(household.kk_number, household)
        if household.dtks_id:
            known[household.dtks_id] = household
    return known


def _write_people(homes: list[_Home], result: ImportResult) -> None:
    """Upsert the members: by NIK wherever they were, else by name and birth date in their
    household. A household's head changes last, so that it never has two."""
    niks = [m.values["nik"] for home in homes for m in home.members if m.values["nik"]]
    by_nik = {person.nik: person for person in Person.objects.filter(nik__in=niks)}
    ids = [home.household.pk for home in homes]
    by_name: dict[tuple, Person] = {}
    for person in Person.objects.filter(household_id__in=ids, nik__isnull=True):
        by_name[(person.household_id, person.name_normalized, person.birth_date)] = person
    created: list[Person] = []
    updated: dict[int, Person] = {}
    moved: dict[int, Person] = {}  # from another household: written in their history
    staying_heads = set()  # heads now, and the file's head of the same household
    for home in homes:
        for member in home.members:
            values = {**member.values, "name_normalized": normalize_name(member.values["name"])}
            key = (home.household.pk, values["name_normalized"], values["birth_date"])
            person = by_nik.get(values["nik"]) if values["nik"] else None
            if person is None:  # registered without a NIK, at the desk or by an earlier import
                person = by_name.pop(key, None)
            if person is None:
                person = Person(household=home.household, **values)
                created.append(person)
                if values["nik"]:  # a later row with this NIK moves this person, as below
                    by_nik[values["nik"]] = person
                continue
            if (person.household_id, person.relationship, values["relationship"]) == (
                home.household.pk, Relationship.HEAD, Relationship.HEAD
            ):  # fmt: skip
                staying_heads.add(person.pk)
            # A NIK found again in the file is a person who moved: the later row wins.
            if person.pk is not None and person.household_id != home.household.pk:
                moved[person.pk] = person
            if not _apply(person, {"household_id": home.household.pk, **values}):
                result.persons_unchanged += 1
                continue
            result.persons_updated += 1
            if person.pk is not None:
                updated[person.pk] = person
    updated = list(updated.values())
    heads = [person for person in updated if person.relationship == Relationship.HEAD]
    # Whoever heads these households now and is not the file's head there steps down first.
    Person.objects.filter(household_id__in=ids, relationship=Relationship.HEAD).exclude(
        pk__in=staying_heads
    ).update(relationship=Relationship.OTHER)
    others = [person for person in updated if person.relationship != Relationship.HEAD]
    fields = ["household", *PERSON_FIELDS, *PERSON_DERIVED]
    if others:
        Person.objects.bulk_update(others, fields, batch_size=1000)
    if heads:
        Person.objects.bulk_update(heads, fields, batch_size=1000)
    Person.objects.bulk_create(created, batch_size=1000)
    result.persons_created += len(created)
    if moved:
        Person.history.bulk_history_create(
            list(moved.values()), update=True, default_change_reason=str(MOVED_REASON)
        )
