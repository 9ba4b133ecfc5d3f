"""`import_dtks`: a national-registry extract loads with the registry's own rules; refused
rows go to a report with line, column and message while the others load; importing again
updates and never duplicates."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from households.models import Household, Person
from households.registry_import import import_extract
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("kota_bima")

HEADER = (
    "dtks_id;kk_number;region_code;address;rt;rw;desil;nik;name;sex;birth_date;birth_place;"
    "relationship;disability;chronic_illness;floor_material;owns_motorcycle;unknown_column"
)
ROWS = [
    # Yusuf's household: head, wife, a child without a NIK
    "DTKS-1;5272011203150001;52.72.01.1001;Jl. Soekarno-Hatta 12;003;001;2;5272011205780001;"
    "Muhammad Yusuf;1;12-05-1978;Bima;1;0;0;9;1;x",
    "DTKS-1;5272011203150001;52.72.01.1001;Jl. Soekarno-Hatta 12;003;001;2;5272014308820002;"
    "Siti Aminah;2;03-08-1982;Bima;2;0;2;9;1;x",
    "DTKS-1;5272011203150001;52.72.01.1001;Jl. Soekarno-Hatta 12;003;001;2;;"
    "Bayi Yusuf;L;2026-01-05;;3;0;0;9;1;x",
    # Nur's household in another district
    "DTKS-2;5272021910160003;5272021008;Lingkungan Nae;004;002;4;5272025404900004;"
    "Nur Hasanah;P;14-04-1990;Dompu;1;3;0;;0;y",
]


def extract(tmp_path, *rows, header=HEADER, name="dtks.csv"):
    path = tmp_path / name
    path.write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(path, **options) -> str:
    out = io.StringIO()
    call_command("import_dtks", str(path), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def report_of(path) -> list[dict]:
    with open(f"{path}.errors.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_an_extract_loads_its_households_and_members(tmp_path):
    summary = run(extract(tmp_path, *ROWS))

    yusuf = Household.objects.get(dtks_id="DTKS-1")
    assert (yusuf.kk_number, yusuf.region_id, yusuf.desil, yusuf.floor_material) == (
        "5272011203150001", "52.72.01.1001", 2, 9,
    )  # fmt: skip
    assert yusuf.owns_motorcycle
    members = {p.name: p for p in yusuf.members.all()}
    assert members["Muhammad Yusuf"].relationship == "head"
    assert (members["Siti Aminah"].sex, members["Siti Aminah"].chronic_illness) == ("F", 2)
    assert members["Bayi Yusuf"].nik is None
    assert Household.objects.get(dtks_id="DTKS-2").region_id == "52.72.02.1008"
    assert "households 2 new" in summary and "persons 4 new" in summary
    again = run(extract(tmp_path, *ROWS))  # the same file: nothing written again
    assert "households 0 new, 0 updated, 2 unchanged; persons 0 new, 0 updated, 4" in again
    heads = Person.objects.filter(relationship="head").values_list("name", flat=True)
    assert sorted(heads) == ["Muhammad Yusuf", "Nur Hasanah"]  # once demoted by a re-import


def test_importing_again_updates_and_never_duplicates(tmp_path):
    run(extract(tmp_path, *ROWS))
    moved = ROWS[3].replace("Lingkungan Nae", "Jl. Baru 1")

    summary = run(extract(tmp_path, *ROWS[:3], moved, name="again.csv"))

    assert Household.objects.count() == 2 and Person.objects.count() == 4
    assert Household.objects.get(dtks_id="DTKS-2").address == "Jl. Baru 1"
    assert "households 0 new, 1 updated, 1 unchanged" in summary
    assert "persons 0 new, 0 updated, 4 unchanged" in summary


def test_refused_rows_are_reported_by_line_and_column_and_the_others_load(tmp_path):
    bad_nik = ROWS[1].replace("5272014308820002", "5272014308820000")  # serial 0000
    bad_region = ROWS[3].replace("5272021008", "99.99.99.9999")
    bad_date = ROWS[2].replace("2026-01-05", "31-02-2020")
    path = extract(tmp_path, ROWS[0], bad_nik, bad_date, bad_region)

    summary = run(path)

    report = report_of(path)
    assert {(row["line"], row["column"]) for row in report} == {
        ("3", "nik"), ("4", "birth_date"), ("5", "region_code"),
    }  # fmt: skip
    assert all(row["message"] for row in report)
    assert list(Person.objects.values_list("name", flat=True)) == ["Muhammad Yusuf"]
    assert "3 rows refused" in summary


def test_a_household_registered_at_the_desk_is_matched_by_its_kk_number(tmp_path):
    desk = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    PersonFactory(household=desk, name="Muhammad Yusuf", nik="5272011205780001",
                  relationship="head", birth_date="1978-05-12")  # fmt: skip

    run(extract(tmp_path, *ROWS[:3]))

    desk.refresh_from_db()
    assert desk.dtks_id == "DTKS-1"
    assert Household.objects.count() == 1
    assert desk.members.count() == 3


def test_a_person_registered_without_a_nik_gets_it_from_the_registry(tmp_path):
    desk = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    PersonFactory(household=desk, name="Muhammad  YUSUF", relationship="head",
                  birth_date="1978-05-12")  # fmt: skip

    run(extract(tmp_path, ROWS[0]))

    (yusuf,) = desk.members.all()
    assert (yusuf.nik, yusuf.name) == ("5272011205780001", "Muhammad Yusuf")


def test_a_kk_number_of_another_registry_household_is_refused(tmp_path):
    HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001", dtks_id="OTHER")
    path = extract(tmp_path, ROWS[0])

    run(path)

    assert [(r["line"], r["column"]) for r in report_of(path)] == [("2", "kk_number")]
    assert not Household.objects.filter(dtks_id="DTKS-1").exists()


def test_a_household_without_its_head_is_refused_whole(tmp_path):
    headless = ROWS[0].replace("5272011205780001", "5272011205780000")  # the head's NIK
    path = extract(tmp_path, headless, ROWS[1])

    run(path)

    columns = sorted(r["column"] for r in report_of(path))
    assert columns == ["members", "nik"]  # the head's NIK, then the household
    assert not Household.objects.filter(dtks_id="DTKS-1").exists()


def test_a_file_without_the_required_columns_is_refused_at_once(tmp_path):
    path = extract(tmp_path, "1;2", header="dtks_id;name")

    with pytest.raises(CommandError, match="kk_number, region_code, nik, sex, birth_date"):
        run(path)
    assert not Household.objects.exists()
    assert not (tmp_path / "dtks.csv.errors.csv").exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_message(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n" + ROWS[0].replace("Bima", "Bíma") + "\n").encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)


def test_comma_separated_files_load_too(tmp_path):
    rows = [row.replace(";", ",") for row in ROWS[:1]]

    run(extract(tmp_path, *rows, header=HEADER.replace(";", ",")))

    assert Household.objects.get(dtks_id="DTKS-1").members.count() == 1


def test_a_generated_registry_written_as_an_extract_imports_back_unchanged(tmp_path):
    path = tmp_path / "generated.csv"
    call_command("generate_households", count=30, region="52.72", seed=7, no_enrolments=True,
                 csv=str(path), stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    persons = Person.objects.count()
    stored = sorted(Person.objects.values_list("pk", "nik", "name", "household__dtks_id"))

    summary = run(path)

    assert f"households 0 new, 0 updated, 30 unchanged; persons 0 new, 0 updated, {persons}" in (
        summary
    )
    assert "0 rows refused" in summary
    assert stored == sorted(Person.objects.values_list("pk", "nik", "name", "household__dtks_id"))


def test_a_generated_extract_loads_into_an_empty_registry(tmp_path):
    path = tmp_path / "generated.csv"
    call_command("generate_households", count=30, region="52.72", seed=7, no_enrolments=True,
                 csv=str(path), stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    persons = Person.objects.count()
    Person.objects.all().delete()
    Household.objects.all().delete()

    summary = run(path)

    assert f"households 30 new, 0 updated, 0 unchanged; persons {persons} new" in summary
    assert Person.objects.count() == persons


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("floor_material", "²"),  # a digit to str.isdigit, not to int()
        ("desil", "٣"),
        ("relationship", "١"),
        ("floor_area", "NaN"),
        ("floor_area", "Infinity"),
        ("floor_area", "123456789"),
        ("monthly_income", "1e30"),
        ("monthly_income", "-5"),
        ("name", "x" * 151),
        ("rt", "0001"),
        ("dtks_id", "D" * 41),
    ],
)
def test_odd_values_are_refused_by_column_never_crash(tmp_path, column, value):
    header = HEADER + ";floor_area;monthly_income"
    cells = dict(zip(header.split(";"), (ROWS[3] + ";;").split(";"), strict=True))
    cells[column] = value
    path = extract(tmp_path, ";".join(cells.values()), header=header)

    summary = run(path)

    assert [(r["line"], r["column"]) for r in report_of(path)] == [("2", column)]
    assert "1 rows refused" in summary
    assert not Household.objects.exists()


def test_an_import_for_an_area_refuses_households_elsewhere(tmp_path):
    elsewhere = HouseholdFactory(region_id="52.72.02.1008", kk_number="5272011203150001")
    data = extract(tmp_path, *ROWS).read_bytes()

    result = import_extract(io.BytesIO(data), area="52.72.01")

    refused = sorted((error.line, error.column) for error in result.errors)
    assert refused == [(2, "kk_number"), (3, "kk_number"), (4, "kk_number"), (5, "region_code")]
    messages = {error.line: error.message for error in result.errors}
    assert "di luar wilayah Anda" in messages[2]  # the desk's household, found by its KK number
    assert "52.72.02" not in messages[2]  # and not where it is
    assert "52.72.01" in messages[5]  # the area
    assert not Household.objects.filter(dtks_id__isnull=False).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.members.count() == 0
