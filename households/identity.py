"""NIK and KK numbers: their structure, and whether a NIK fits the person it is given to.

A NIK (Nomor Induk Kependudukan) is 16 digits:
  1–6   the district (kecamatan) where it was issued; 1–2 are the province
  7–12  the birth date as DDMMYY, with 40 added to the day for women
  13–16 a serial from 0001
A KK (Kartu Keluarga) number is 16 digits too: 1–6 a district code, the last four a serial
that is never 0000.

Every failure raises `ValidationError` naming the part that is wrong.
"""

import csv
import datetime
import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from regions.codes import REGIONS_CSV


@functools.cache
def province_codes() -> frozenset[str]:
    """The two-digit codes of Indonesia's provinces, from the shipped region file."""
    with REGIONS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle) if row["level"] == "1")


@dataclass(frozen=True)
class NikParts:
    district_code: str  # `527201`
    day: int  # the day of birth, 40 already taken off for women
    month: int
    year_in_century: int  # `90` for 1990
    is_female: bool
    serial: str

    def birth_date_matches(self, birth_date: datetime.date) -> bool:
        return (birth_date.day, birth_date.month, birth_date.year % 100) == (
            self.day,
            self.month,
            self.year_in_century,
        )


def _require_sixteen_digits(number: str, label: str) -> None:
    if not number.isascii() or not number.isdigit() or len(number) != 16:
        raise ValidationError(
            _("%(label)s must be 16 digits (this has %(count)s characters).")
            % {"label": label, "count": len(number)},
            code="length",
        )


def _require_district(code: str, label: str) -> None:
    if code[:2] not in province_codes():
        raise ValidationError(
            _("%(label)s digits 1–2 (%(part)s) are not an Indonesian province code.")
            % {"label": label, "part": code[:2]},
            code="province",
        )
    if code[2:4] == "00" or code[4:6] == "00":
        raise ValidationError(
            _("%(label)s digits 1–6 (%(part)s) are not a district code.")
            % {"label": label, "part": code},
            code="district",
        )


def _is_a_date(day: int, month: int, year_in_century: int) -> bool:
    # Two digits of year: 29 February of year 00 is a date in 2000, not in 1900.
    for century in (1900, 2000):
        try:
            datetime.date(century + year_in_century, month, day)
        except ValueError:
            continue
        return True
    return False


def nik_parts(nik: str) -> NikParts:
    """Split and check a NIK; raise `ValidationError` saying which part is wrong."""
    _require_sixteen_digits(nik, "NIK")
    _require_district(nik[:6], "NIK")
    raw_day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 1 <= raw_day <= 31:
        day, is_female = raw_day, False
    elif 41 <= raw_day <= 71:
        day, is_female = raw_day - 40, True
    else:
        raise ValidationError(
            _(
                "NIK digits 7–8 (%(part)s) are not a day of birth: 01–31 for men, "
                "41–71 (day + 40) for women."
            )
            % {"part": nik[6:8]},
            code="birth_day",
        )
    if not 1 <= month <= 12:
        raise ValidationError(
            _("NIK digits 9–10 (%(part)s) are not a month of birth (01–12).") % {"part": nik[8:10]},
            code="birth_month",
        )
    if not _is_a_date(day, month, year):
        raise ValidationError(
            _(
                "NIK digits 7–12 (%(part)s) are not a date: "
                "day %(day)s does not exist in that month."
            )
            % {"part": nik[6:12], "day": day},
            code="birth_date",
        )
    if nik[12:] == "0000":
        raise ValidationError(_("NIK digits 13–16 (serial) must not be 0000."), code="serial")
    return NikParts(
        district_code=nik[:6],
        day=day,
        month=month,
        year_in_century=year,
        is_female=is_female,
        serial=nik[12:],
    )


def validate_nik_for_person(nik: str, *, birth_date: datetime.date | None, sex: str | None) -> None:
    """Check a NIK's structure and that its date and sex agree with the person's record.

    Raises `ValidationError` keyed by field (`nik`, `birth_date`, `sex`) so that forms and
    the API show each message beside the field it concerns.
    """
    try:
        parts = nik_parts(nik)
    except ValidationError as error:
        raise ValidationError({"nik": error.error_list}) from None
    errors: dict[str, ValidationError] = {}
    if birth_date is not None and not parts.birth_date_matches(birth_date):
        errors["birth_date"] = ValidationError(
            _("The NIK gives the birth date %(nik_date)s, not %(date)s.")
            % {
                "nik_date": f"{parts.day:02d}-{parts.month:02d}-..{parts.year_in_century:02d}",
                "date": birth_date.strftime("%d-%m-%Y"),
            },
            code="nik_birth_date",
        )
    if sex in ("M", "F") and parts.is_female != (sex == "F"):
        errors["sex"] = ValidationError(
            _("The NIK is a woman's (day of birth + 40), but the sex is male.")
            if parts.is_female
            else _("The NIK is a man's (day of birth not + 40), but the sex is female."),
            code="nik_sex",
        )
    if errors:
        raise ValidationError(errors)


def validate_kk_number(number: str) -> None:
    """Check a KK number's structure; raise `ValidationError` saying which part is wrong."""
    _require_sixteen_digits(number, _("KK number"))
    _require_district(number[:6], _("KK number"))
    if number[12:] == "0000":
        raise ValidationError(_("KK number digits 13–16 (serial) must not be 0000."), code="serial")


# --- the same rules in SQL, for the registry import's set-based path ---
# Each function gives a PostgreSQL condition on text expressions (trusted: column names of
# the import's own tables). A number the condition takes, the function above takes too; the
# SQL may be stricter (a row it does not take is checked by the Python above, which says
# why). tests/households/test_import_paths.py holds both to the same registry.


def _province_list_sql() -> str:
    return ", ".join(f"'{code}'" for code in sorted(province_codes()))


def _structure_sql(number: str) -> str:
    """Sixteen digits, a province and district code (`_require_district`), a serial that is
    not 0000."""
    return (
        f"({number} ~ '^[0-9]{{16}}$' AND substr({number}, 1, 2) IN ({_province_list_sql()})"
        f" AND substr({number}, 3, 2) <> '00' AND substr({number}, 5, 2) <> '00'"
        f" AND substr({number}, 13) <> '0000')"
    )


def kk_number_sql(number: str) -> str:
    """SQL: `number` is empty or a KK number `validate_kk_number` takes."""
    return f"({number} = '' OR {_structure_sql(number)})"


def nik_for_person_sql(nik: str, *, birth_ymd: str, sex: str) -> str:
    """SQL: `nik` is empty, or a NIK `validate_nik_for_person` takes for a person born on
    `birth_ymd` (the text `YYYYMMDD` of a date that exists, NULL if none) of `sex` ('M' or
    'F'): digits 7–12 are the birth date as DDMMYY, 40 added to the day for a woman (so a
    day and month that exist). Compared as text: `to_char` of a date cost more than all
    the other checks of the row together."""
    day = f"substr({birth_ymd}, 7, 2)"
    fits = (
        f"substr({nik}, 7, 6) = CASE WHEN {sex} = 'F' THEN ({day}::int + 40)::text"
        f" ELSE {day} END || substr({birth_ymd}, 5, 2) || substr({birth_ymd}, 3, 2)"
    )
    return (
        f"CASE WHEN {nik} = '' THEN true"
        f" WHEN {birth_ymd} IS NULL OR {sex} IS NULL THEN false"
        f" ELSE {_structure_sql(nik)} AND {fits} END"
    )
