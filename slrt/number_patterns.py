"""The pattern an office writes its letters' numbers in, such as `400.9/{n}/Dinsos/{year}`:
`{n}` the letter's serial in the office's year and `{year}` are required, `{office}` (the
office's region code, digits only) may be named; any other text is written as it is. Here,
below every app, so that the office's settings (`accounts.Office`) and the startup check of
`SLRT_LETTER_NUMBER_PATTERN` check a pattern by the one rule the register writes it by."""

import re

from django.utils.translation import gettext as _

FIELDS = ("n", "year", "office")
_FIELD = re.compile(r"\{([^{}]*)\}")


def pattern_errors(pattern: str) -> list[str]:
    named = _FIELD.findall(pattern)
    errors = [
        _("{%(name)s} is not a field of a letter's number: use {n}, {year} and {office}.")
        % {"name": name}
        for name in named
        if name not in FIELDS
    ]
    errors += [
        _("The pattern must name {%(name)s}.") % {"name": name}
        for name in ("n", "year")
        if name not in named
    ]
    return errors


def number_written(pattern: str, *, n: int, year: int, office: str) -> str:
    values = {"n": str(n), "year": str(year), "office": office.replace(".", "")}
    return _FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), pattern)
