"""Every write to the registry goes through a function here."""

import codecs
import logging
import tempfile
import time
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccessLog
from accounts.roles import Role, has_role
from accounts.selectors import scope_code_of
from accounts.services import access_record
from households.identity import validate_nik_for_person
from households.masking import carries_identifier
from households.models import DuplicateDismissal, Household, Person, RegistryImport
from households.phones import normalize_phone
from households.registry_codes import Relationship
from households.registry_import import (
    ImportResult,
    MissingColumns,
    UnreadableExtract,
    import_extract,
    read_header,
)
from households.rules import (
    NEIGHBOURHOOD_FIELDS,
    blank_to_none,
    household_rule_errors,
    neighbourhood_number,
)
from regions.models import Region
from regions.time_zones import local_date_in
from slrt.constraints import constraint_violations_as_field_errors
from slrt.field_errors import item_path
from slrt.jobs import job_enqueue, job_fail, job_finish, job_progress, job_start
from slrt.spreadsheets import csv_writer
from slrt.uploads import upload_limit

logger = logging.getLogger(__name__)


# --- Households and their members -----------------------------------------------------------

HOUSEHOLD_FIELDS = [
    "kk_number", "region", "address", "rt", "rw", "dtks_id",
    "desil", "desil_source", "desil_date",
    "floor_material", "wall_material", "roof_material", "water_source", "lighting",
    "cooking_fuel", "toilet", "tenure", "floor_area", "monthly_income",
    "owns_land", "owns_other_house", "owns_refrigerator", "owns_air_conditioner",
    "owns_motorcycle", "owns_car", "owns_gold",
]  # fmt: skip
PERSON_FIELDS = [
    "nik", "name", "sex", "birth_date", "birth_place", "relationship", "marital_status",
    "schooling", "school_participation", "occupation", "disability", "chronic_illness",
    "is_pregnant", "phone", "contact_channel", "contact_consent",
]  # fmt: skip


def validate_household_input(
    *,
    actor,
    household: dict,
    members: list[dict],
    instance: Household | None = None,
) -> None:
    """Every rule a household and its members must meet before anything is written: the
    rules of `household_rule_errors`, then what the database knows (the region inside the
    actor's area, identifiers not registered to another household, members that belong).

    `household` holds Household fields (`region` a Region or its code); each member dict
    holds Person fields and, for an existing member, its `id`. Raises `ValidationError`
    keyed by household field, by `members` for the members as a whole ("no head"), and by
    each member's field as `members[1].nik` (`slrt.field_errors.item_path`), counting the
    members in the order given; nothing has been written.
    """
    from households.selectors import region_in_scope

    region = household.get("region")
    region_code = region.code if isinstance(region, Region) else region
    household_errors, member_errors = household_rule_errors(
        household,
        members,
        today=local_date_in(region_code),  # "born tomorrow" in its zone
    )

    def add(errors: dict, field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    others = Household.objects.exclude(pk=instance.pk) if instance else Household.objects.all()
    kk_number = blank_to_none(household.get("kk_number"))
    if kk_number and "kk_number" not in household_errors:
        owner = others.filter(kk_number=kk_number).values_list("pk", flat=True).first()
        if owner is not None:
            message = _already_registered(actor, "kk_number", kk_number, owner)
            add(household_errors, "kk_number", message)

    dtks_id = blank_to_none(household.get("dtks_id")) if may_set_registry_fields(actor) else None
    if dtks_id:
        owner = others.filter(dtks_id=dtks_id).values_list("pk", flat=True).first()
        if owner is not None:
            add(household_errors, "dtks_id", _already_registered(actor, "dtks_id", dtks_id, owner))

    in_scope = region_in_scope(actor, region_code) if region_code else None
    if in_scope is None:
        add(household_errors, "region", _("Choose a village inside your working area."))
    elif in_scope.level != Region.Level.VILLAGE:
        add(household_errors, "region", _("Choose down to the village."))

    existing_ids = set(instance.members.values_list("pk", flat=True)) if instance else set()
    seen_ids: set[int] = set()
    valid_niks: dict[str, int] = {}
    for index, member in enumerate(members):
        member_id = member.get("id")
        if member_id and member_id not in existing_ids:
            add(member_errors[index], "id", _("This person is not a member of this household."))
        elif member_id and member_id in seen_ids:
            add(member_errors[index], "id", _("This member is listed twice."))
        seen_ids.add(member_id)
        nik = blank_to_none(member.get("nik"))
        if nik and "nik" not in member_errors[index]:
            valid_niks.setdefault(nik, index)

    if valid_niks:
        clashes = Person.objects.filter(nik__in=valid_niks)
        if instance is not None:
            clashes = clashes.exclude(household=instance)
        for nik, owner in clashes.values_list("nik", "household_id"):
            add(
                member_errors[valid_niks[nik]], "nik", _already_registered(actor, "nik", nik, owner)
            )

    errors = dict(household_errors)
    for index, member in enumerate(member_errors):
        for field, messages in member.items():
            errors[item_path("members", index, field)] = messages
    if errors:
        raise ValidationError(errors)


# Registered already: inside the user's area, which household (the user may open it);
# elsewhere, only that it is, so that the form is no way to find where a person lives.
_REGISTERED = {
    "nik": (
        gettext_lazy("NIK already registered"),
        gettext_lazy("This NIK is already registered in your area, in household %(id)s."),
        Person._meta.get_field("nik").error_messages["unique"],
    ),
    "kk_number": (
        gettext_lazy("KK number already registered"),
        gettext_lazy("This KK number is already registered in your area, in household %(id)s."),
        Household._meta.get_field("kk_number").error_messages["unique"],
    ),
    "dtks_id": (
        gettext_lazy("Registry ID already registered"),
        gettext_lazy("This registry ID is already registered in your area, in household %(id)s."),
        Household._meta.get_field("dtks_id").error_messages["unique"],
    ),
}


def _already_registered(actor, field: str, number: str, household_id: int) -> str:
    """The message for a NIK, KK number or registry ID that household `household_id` has
    already; the attempt goes to the access log, since it tells whether a number exists."""
    from households.selectors import households_in_scope

    what, inside, elsewhere = _REGISTERED[field]
    access_record(
        actor=actor, action=AccessLog.Action.SEARCH, what=str(what),
        household_id=household_id, query=number, rows=1,
    )  # fmt: skip
    if households_in_scope(actor).filter(pk=household_id).exists():
        return str(inside) % {"id": household_id}
    return str(elsewhere)


# Fields only the national registry fills: set by the import, and by admins.
REGISTRY_ONLY_FIELDS = ["dtks_id", "desil", "desil_source", "desil_date"]


def may_set_registry_fields(actor) -> bool:
    """Whether `actor` may set `REGISTRY_ONLY_FIELDS` by hand (admins; else only the import)."""
    return actor.is_superuser or has_role(actor, Role.ADMIN)


def _household_values(household: dict, actor) -> dict:
    values = {field: household[field] for field in HOUSEHOLD_FIELDS if field in household}
    if not may_set_registry_fields(actor):
        for field in REGISTRY_ONLY_FIELDS:
            values.pop(field, None)
    region = values.pop("region", None)
    if region is not None:
        values["region_id"] = region.code if isinstance(region, Region) else region
    for field in ("kk_number", "dtks_id"):
        if field in values:
            values[field] = blank_to_none(values[field])
    for field in NEIGHBOURHOOD_FIELDS:
        if field in values:
            values[field] = neighbourhood_number(values[field])
    return values


def _person_values(member: dict) -> dict:
    values = {field: member[field] for field in PERSON_FIELDS if field in member}
    if "nik" in values:
        values["nik"] = blank_to_none(values["nik"])
    if "phone" in values:
        values["phone"] = normalize_phone(values["phone"])
    return values


def _save_person(person: Person, now) -> None:
    """Save `person`, with the moment the consent to be contacted was given (kept while it
    holds, cleared when it is withdrawn)."""
    if not person.contact_consent:
        person.contact_consent_at = None
    elif person.contact_consent_at is None:
        person.contact_consent_at = now
    person.save()


def _save_catching_races(write):
    """Run `write` in a transaction. A NIK, KK number or registry ID that a concurrent save
    took after validation passed becomes a ValidationError on that field (a member's, on
    `members`: which member the database does not say) instead of a server error."""
    with constraint_violations_as_field_errors(under={Person: "members"}), transaction.atomic():
        return write()


def household_register(*, actor, household: dict, members: list[dict]) -> Household:
    """Register a new household with its members (the head among them), all or nothing."""
    validate_household_input(actor=actor, household=household, members=members)

    def write() -> Household:
        created = Household.objects.create(**_household_values(household, actor))
        now = timezone.now()
        for member in members:
            _save_person(Person(household=created, **_person_values(member)), now)
        return created

    return _save_catching_races(write)


def _keep_complainant_names(leaving) -> None:
    """A complaint made by a member who leaves the register keeps the complainant's name."""
    from complaints.models import Complaint

    name = Person.objects.filter(pk=OuterRef("complainant_id")).values("name")[:1]
    Complaint.objects.filter(complainant__in=leaving, complainant_name="").update(
        complainant_name=Subquery(name)
    )


def household_update(
    *, actor, instance: Household, household: dict, members: list[dict]
) -> Household:
    """Change a household and its members: members with an `id` are updated, those without
    are added, and current members not listed are removed. All or nothing."""
    validate_household_input(actor=actor, household=household, members=members, instance=instance)

    def write() -> Household:
        locked = Household.objects.select_for_update().get(pk=instance.pk)
        for field, value in _household_values(household, actor).items():
            setattr(locked, field, value)
        locked.save()
        kept = {member["id"] for member in members if member.get("id")}
        _keep_complainant_names(locked.members.exclude(pk__in=kept))
        locked.members.exclude(pk__in=kept).delete()
        # NIKs may move between members (a typing mistake put right): free them first so
        # that the unique constraint sees only the final state.
        stored_niks = dict(locked.members.values_list("pk", "nik"))
        changed_nik = [
            m["id"]
            for m in members
            if m.get("id") and "nik" in m and blank_to_none(m["nik"]) != stored_niks.get(m["id"])
        ]
        locked.members.filter(pk__in=changed_nik).update(nik=None)
        # Clear the old head first, so that moving the headship never trips the constraint.
        current = {person.pk: person for person in locked.members.all()}
        ordered = sorted(members, key=lambda m: m.get("relationship") == Relationship.HEAD)
        now = timezone.now()
        for member in ordered:
            person = current.get(member.get("id")) or Person(household=locked)
            for field, value in _person_values(member).items():
                setattr(person, field, value)
            _save_person(person, now)
        return locked

    return _save_catching_races(write)


# --- Possible duplicates ------------------------------------------------------------------------


def duplicate_dismiss(*, actor, first: Person, second: Person, note: str = "") -> None:
    """Record that two similar records are two different people."""
    low, high = sorted((first, second), key=lambda person: person.pk)
    DuplicateDismissal.objects.get_or_create(
        first=low, second=high, defaults={"decided_by": actor, "note": note}
    )


def duplicate_keep(*, actor, keep: Person, remove: Person, note: str = "") -> Person:
    """The two records are one person who belongs in `keep`'s household: remove the other
    record. A NIK only the removed record had is moved to the kept one. The removal is in the
    person's history with the reason."""
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        remove = Person.objects.select_for_update().get(pk=remove.pk)
        if remove.relationship == Relationship.HEAD:
            raise ValidationError(
                _(
                    "%(name)s is the head of the other household: choose a new head there "
                    "before removing this record."
                )
                % {"name": remove.name},
                code="removing_head",
            )
        nik = remove.nik
        reason = _("Duplicate of person %(id)s: %(note)s") % {"id": keep.pk, "note": note}
        remove._change_reason = Truncator(reason).chars(100)  # the history column's width
        remove.delete()
        if nik and not keep.nik:
            try:
                validate_nik_for_person(nik, birth_date=keep.birth_date, sex=keep.sex)
            except ValidationError:
                pass  # the NIK does not fit the kept record: it goes with the removed one
            else:
                keep.nik = nik
                keep._change_reason = _("NIK from the removed duplicate record")
                keep.save()
    return keep


def household_identifiers_seen(
    *, actor: AbstractBaseUser, household: Household, path: str = "", purpose: str = ""
) -> None:
    """Record that `actor` was shown the household's whole NIK and KK numbers."""
    access_record(
        actor=actor,
        action=AccessLog.Action.VIEW,
        what=str(household),
        household_id=household.pk,
        path=path,
        purpose=purpose,
    )


def typed_identifiers_seen(
    *, actor: AbstractBaseUser, household: Household, shown, path: str = ""
) -> None:
    """Record that `actor` was shown a NIK or KK number typed, whole, into the free text of
    one of the household's records (a complaint's description, a referral's notes): `shown`
    is that text, or the answer carrying it. Nothing typed in: nothing to record."""
    if carries_identifier(shown):
        household_identifiers_seen(actor=actor, household=household, path=path)


def registry_searched(*, actor: AbstractBaseUser, query: str, found: int, path: str = "") -> None:
    """Record a registry search: what was looked for, and how many people it found."""
    access_record(
        actor=actor,
        action=AccessLog.Action.SEARCH,
        what=_("Registry search"),
        query=query,
        rows=found,
        path=path,
    )


# --- registry imports uploaded by supervisors ---

PROGRESS_SECONDS = 1.0  # how often a running import writes its progress


def registry_import_request(*, actor: AbstractBaseUser, upload: UploadedFile) -> RegistryImport:
    """Keep an uploaded extract and queue its import into the actor's area once the request
    commits. The file is refused at once if it is not UTF-8 text or lacks a column."""
    scope = scope_code_of(actor)
    if scope is None:
        raise ValidationError({"file": _("You have no working area to import into.")})
    if upload.size > upload_limit():
        raise ValidationError({"file": registry_upload_too_large_message()})
    _check_extract(upload)
    registry_import = RegistryImport(
        area_id=scope, requested_by=actor, file_name=Truncator(upload.name).chars(255),
        file_size=upload.size,
    )  # fmt: skip
    upload.seek(0)
    registry_import.upload.save(upload.name, upload, save=False)
    registry_import.save()
    job_enqueue(registry_import)
    return registry_import


def registry_upload_too_large_message() -> str:
    """Why an upload past `slrt.uploads.upload_limit()` is refused."""
    return _("The file is larger than %(limit)s MB. Ask the IT team to run import_dtks.") % {
        "limit": settings.SLRT_IMPORT_MAX_MB
    }


# No registry row (some forty columns of at most 255 characters) is this long; the CSV
# reader takes cells up to 131,072 characters, and one line is all one cell at most.
LINE_MAX = 120_000  # bytes, so fewer characters


def _refuse_long_line(line: int) -> None:
    message = _(
        "Line %(line)s is longer than %(limit)s characters, which no registry row is. Check "
        "that the file is the registry extract, saved as CSV."
    )
    limit = number_format(LINE_MAX, force_grouping=True)
    raise ValidationError({"file": message % {"line": line, "limit": limit}})


def _check_extract(upload: UploadedFile) -> None:
    """Refuse, by the upload field, a file that is not UTF-8, has a line longer than
    LINE_MAX or lacks a required column. One pass over the chunks, each byte looked at a
    fixed number of times, whatever the file's shape."""
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = bytearray()  # the first line, once its end is found
    line, run = 1, 0  # the line being read, and its bytes so far
    try:
        for chunk in upload.chunks():
            decoder.decode(chunk)
            pieces = chunk.split(b"\n")
            if line == 1:
                head += pieces[0]
            lengths = [run + len(pieces[0]), *map(len, pieces[1:])]
            if max(lengths) > LINE_MAX:
                _refuse_long_line(line + next(i for i, n in enumerate(lengths) if n > LINE_MAX))
            line += len(pieces) - 1
            run = lengths[-1]
        decoder.decode(b"", final=True)
        read_header(head.decode("utf-8-sig"))
    except UnicodeDecodeError:
        message = _(
            "The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8” and "
            "upload it again."
        )
        raise ValidationError({"file": message}) from None
    except (MissingColumns, UnreadableExtract) as error:
        raise ValidationError({"file": str(error)}) from None


def registry_import_execute(import_id: int) -> RegistryImport:
    """Run a queued import (`import_extract` into the import's area), writing its
    progress on the row as it goes and its refused rows to a report. The import runs once
    per request (`slrt.jobs.job_start`): a task delivered again finds it running or finished
    and does nothing, and a failed import runs again only when a supervisor asks
    (`slrt.jobs.job_rerun`); importing the same rows again would change nothing anyway.
    The uploaded file is removed once done, and kept after a failure, to run again."""
    registry_import = job_start(RegistryImport, import_id, rows_refused=0, counts={})
    if registry_import is None:
        return RegistryImport.objects.get(pk=import_id)
    last_write = 0.0

    def progress(result: ImportResult) -> None:
        nonlocal last_write
        if time.monotonic() - last_write >= PROGRESS_SECONDS:
            last_write = time.monotonic()
            job_progress(registry_import, done=result.done, total=result.total,
                         rows_refused=result.refused)  # fmt: skip

    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as report:
        failure, result = _import_into(registry_import, progress, report)
        if failure:
            job_fail(registry_import, failure)
            return registry_import
        if result.refused:
            report.seek(0)
            registry_import.error_report.save("errors.csv", File(report), save=False)
    registry_import.upload.delete(save=False)  # personal data: kept no longer than needed
    job_finish(
        registry_import, progress_done=result.rows, progress_total=result.rows,
        rows_refused=result.refused, upload="", error_report=registry_import.error_report.name,
        counts={name: getattr(result, name) for name in IMPORT_COUNTS},
    )  # fmt: skip
    if result.outside and registry_import.requested_by_id:
        # The file was told which numbers are registered elsewhere, as the form is.
        access_record(
            actor=registry_import.requested_by, action=AccessLog.Action.SEARCH,
            what=_("Registry import: numbers registered outside the area"),
            query=registry_import.file_name, rows=result.outside,
            path=reverse("households:import_detail", args=[registry_import.pk]),
        )  # fmt: skip
    return registry_import


def _import_into(
    registry_import: RegistryImport, progress: Callable[[ImportResult], None], report: IO[str]
) -> tuple[str, ImportResult | None]:
    """Run the import, refused rows to `report`; return why it failed ("" if it did not)."""
    writer = csv_writer(report)
    writer.writerow(["line", "column", "message"])
    try:
        with registry_import.upload.open("rb") as handle:
            result = import_extract(
                handle,
                area=registry_import.area_id,
                progress=progress,
                on_error=lambda error: writer.writerow([error.line, error.column, error.message]),
            )
    except (MissingColumns, UnreadableExtract) as error:
        return str(error), None
    except UnicodeDecodeError:
        return _("The file is not UTF-8 text."), None
    except Exception:
        logger.exception("registry import %s failed", registry_import.pk)
        return _(
            "The import stopped because of an error; the IT team can find it in the worker's "
            "log. Rows imported before it stay; run it again to finish."
        ), None
    return "", result


IMPORT_COUNTS = ["households_created", "households_updated", "households_unchanged",
                 "persons_created", "persons_updated", "persons_unchanged"]  # fmt: skip
