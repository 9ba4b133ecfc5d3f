"""The monthly report as tables, and those tables as CSV and XLSX files.

The page, the CSV and the XLSX are written from the same tables, so that what is printed is
what is sent. The CSV is written for a spreadsheet set to Indonesian, as the offices' are:
Excel takes the list separator and the decimal mark of the computer's regional settings,
which in Indonesian are `;` and `,`, so the file separates cells with `;` and writes
decimals as the page does (`33,3`); a file with `,` and `33.3` opens there as one column of
text, and `33.3` alone is not read as 33,3 (the dot is the thousands separator there). The
XLSX stores numbers as numbers."""

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from complaints.survey import WEIGHT
from regions.time_zones import moment_text
from reports.selectors import Figures
from slrt.spreadsheets import csv_writer, xlsx_append

Value = str | int | float | Decimal | None

# Indonesian regional settings' list separator and decimal mark.
CSV_DELIMITER = ";"
CSV_DECIMAL_MARK = ","


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Value]]

    @property
    def wide(self) -> bool:
        """Printed across the page; narrow tables print two abreast."""
        return len(self.header) > 3


def report_title(figures: Figures) -> str:
    return _("SLRT monthly report, %(month)s, %(area)s") % {
        "month": formats.date_format(figures.period.first, "F Y"),
        "area": figures.area.name if figures.area else _("whole working area"),
    }


def report_tables(figures: Figures) -> list[Table]:
    """The summary first, then each of the dashboard's breakdowns."""
    summary = Table(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Complaints received"), figures.received],
            [_("Complaints handled (served or handled directly)"), figures.handled],
            [_("Share handled (%)"), figures.handled_share],
            [_overdue_label(figures), figures.overdue],
            [_("Median days to acknowledge a referral"), figures.median_days_to_acknowledge],
            [_("Median days to settle a referral"), figures.median_days_to_settle],
            [_("Median days to close a complaint"), figures.median_days_to_close],
        ],
    )
    return [
        summary,
        *_satisfaction_tables(figures),
        *(
            Table(
                chart.title,
                [chart.heading, *(name for name, _values in chart.datasets)],
                [[label, *values] for label, values in chart.rows],
            )
            for chart in figures.charts
        ),
    ]


def _decimal(value: Decimal | None, places: int) -> Decimal | None:
    """To `places` decimals, kept (the page writes `100,00`, as the grades' bounds are)."""
    return None if value is None else value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _satisfaction_tables(figures: Figures) -> list[Table]:
    """The month's service satisfaction index (IKM) and its grade, then each element's
    average (NRR) and weighted average; without respondents, that said instead of figures."""
    index = figures.satisfaction
    if index is None:
        return []
    title = _("Service satisfaction index (IKM, PermenPANRB 14/2017)")
    if not index.respondents:
        return [
            Table(
                title,
                [_("Figure"), _("Value")],
                [[_("Respondents"), _("No respondents yet")]],
            )
        ]
    summary = Table(
        title,
        [_("Figure"), _("Value")],
        [
            [_("Respondents"), index.respondents],
            [_("IKM of the unit (1–4)"), _decimal(index.index, 3)],
            [_("IKM converted (× 25)"), _decimal(index.converted, 2)],
            [_("Service quality"), f"{index.grade} ({index.grade_meaning})"],
        ],
    )
    elements = Table(
        _("Satisfaction by element"),
        [_("Element"), _("Average (NRR)"), _("Weighted average (NRR × 1/9)")],
        [
            [f"{element.code} {element.name}", _decimal(average, 2), _decimal(average * WEIGHT, 3)]
            for element, average in index.elements
        ],
    )
    return [summary, elements]


def _overdue_label(figures: Figures) -> str:
    if figures.overdue_on == timezone.localdate():
        return _("Referrals overdue today")
    return _("Referrals overdue on %(day)s") % {
        "day": formats.date_format(figures.overdue_on, "j F Y")
    }


def _lines(figures: Figures) -> list[list[Value]]:
    lines: list[list[Value]] = [
        [report_title(figures)],
        [_("Made on"), moment_text(timezone.now())],
    ]
    for table in report_tables(figures):
        lines += [[], [table.title], table.header, *table.rows]
    return lines


def _csv_cell(value: Value) -> Value:
    """A decimal as the Indonesian page writes it (`33,3`), whatever language the user
    reads the site in: the spreadsheet reads by its computer's settings, not the site's."""
    if isinstance(value, float | Decimal):
        return str(value).replace(".", CSV_DECIMAL_MARK)
    return value


def report_csv(figures: Figures) -> str:
    """The report as CSV for a spreadsheet in Indonesian (`;` between cells, `,` before
    decimals), with a byte-order mark so that spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv_writer(out, delimiter=CSV_DELIMITER)
    for line in _lines(figures):
        writer.writerow([_csv_cell(value) for value in line])
    return "\ufeff" + out.getvalue()


def _cell(value: Value) -> Value:
    if isinstance(value, Decimal):
        return float(value)
    return value if value is None or isinstance(value, int | float) else str(value)


def report_xlsx(figures: Figures) -> bytes:
    """The report as an Excel workbook: one sheet, titles in bold, numbers as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    xlsx_append(sheet, [report_title(figures)])
    sheet["A1"].font = Font(bold=True, size=13)
    xlsx_append(sheet, [_("Made on"), moment_text(timezone.now())])
    for table in report_tables(figures):
        sheet.append([])
        xlsx_append(sheet, [table.title])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        xlsx_append(sheet, table.header)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            xlsx_append(sheet, [_cell(value) for value in row])
    sheet.column_dimensions["A"].width = 48
    for column in "BCDEFGH":
        sheet.column_dimensions[column].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
