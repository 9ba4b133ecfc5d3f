"""On PostgreSQL `import_dtks` (`households.registry_import`) checks and writes most
households in set-based SQL and leaves the others to the portable path: both must leave the
same registry and the same report."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from households.models import Household, Person
from households.names import NORMALIZE_NAME_SQL, normalize_name
from households.registry_import import import_row_by_row, import_set_based, read_rows
from tests.factories import HouseholdFactory, PersonFactory
from tests.households.test_import_scope import (  # noqa: F401 (fixtures)
    OUTSIDE_ID,
    OUTSIDE_KK,
    OUTSIDE_NIK,
    as_it_was,
    mataram_household,
)
from tests.services import require_postgresql

pytestmark = [pytest.mark.services("postgresql"), pytest.mark.usefixtures("kota_bima")]


@pytest.fixture(autouse=True)
def _postgresql():
    require_postgresql()


@pytest.fixture
def generated(tmp_path) -> list[dict]:
    """A generated registry's extract, as rows of cells; the registry itself removed."""
    path = tmp_path / "generated.csv"
    call_command("generate_households", count=24, region="52.72", seed=3, no_enrolments=True,
                 csv=str(path), stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    Person.objects.all().delete()
    Household.objects.all().delete()
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def extract_of(rows: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def registry_now() -> dict:
    """Every household and its members, as a user sees them (ids apart)."""
    return {
        household.dtks_id or household.kk_number: {
            **model_to_dict(household, exclude=["id"]),
            "members": sorted(
                (
                    model_to_dict(person, exclude=["id", "household"])
                    for person in household.members.all()
                ),
                key=lambda person: (person["nik"] or "", person["name"]),
            ),
        }
        for household in Household.objects.prefetch_related("members")
    }


def outcome(result) -> dict:
    counts = {name: getattr(result, name) for name in (
        "rows", "refused", "households_created", "households_updated", "households_unchanged",
        "persons_created", "persons_updated", "persons_unchanged")}  # fmt: skip
    report = sorted((error.line, error.column, error.message) for error in result.errors)
    return {"counts": counts, "report": report, "one_by_one": result.rows_one_by_one}


def registry_after(
    rows: list[dict],
    *,
    fast: bool,
    delimiter: str = ",",
    area: str | None = None,
    desk: bool = True,
) -> dict:
    """The registry and the report after importing `rows` through one path, undone after.
    With `desk`, the registry has a household registered at the desk beforehand."""
    data = extract_of(rows, delimiter)
    with transaction.atomic():
        if desk:
            household = HouseholdFactory(region_id="52.72.01.1001", kk_number=rows[-1]["kk_number"])
            PersonFactory(household=household, relationship="head", nik=None,
                          name="  Nama  Di Meja", birth_date="1970-01-01")  # fmt: skip
        if fast:
            result = import_set_based(io.BytesIO(data), area=area, batch_households=5)
        else:
            handle = io.StringIO(data.decode(), newline="")
            result = import_row_by_row(read_rows(handle), area=area, batch_households=5)
        households = registry_now()
        transaction.set_rollback(True)
    return {"households": households, **outcome(result)}


def same_on_both_paths(rows: list[dict], **options) -> dict:
    portable = registry_after(rows, fast=False, **options)
    fast = registry_after(rows, fast=True, **options)
    assert fast["report"] == portable["report"]
    assert fast["counts"] == portable["counts"]
    assert fast["households"] == portable["households"]
    return fast


def test_a_clean_extract_gives_the_same_registry_on_both_paths(generated):
    after = same_on_both_paths(generated)

    assert after["counts"]["refused"] == 0
    assert after["counts"]["persons_created"] == len(generated)
    assert after["one_by_one"] == 0  # all of it in set-based SQL
    assert after["counts"]["households_updated"] == 1  # the desk's household, by its KK


# Each case changes cells of one row (by index into the generated rows).
ODD_ROWS = [
    (0, {"birth_date": "1-2-1990"}),  # Python's strptime takes it, SQL leaves it to Python
    (1, {"name": "\u00a0Siti\u00a0Amínah, S.Pd.\u2003"}),
    (2, {"sex": "l"}),
    (3, {"nik": ""}),
    (4, {"floor_area": "36,50", "monthly_income": "1500000.75"}),
    (5, {"region_code": "5272011001"}),
    (6, {"owns_land": "Ya", "owns_car": "tidak"}),
    (7, {"relationship": "1"}),  # a second head
    (8, {"kk_number": "5272011203150009"}),  # another KK than the household's other rows
    (9, {"nik": "5272010101900001"}),  # a NIK that does not fit the birth date
    (10, {"desil": "٣"}),
    (11, {"dtks_id": ""}),
    (12, {"birth_date": "31-02-2020"}),
    (13, {"floor_area": "0.5"}),
    (14, {"name": ",S.Pd."}),
    (15, {"rt": "0001"}),
    (16, {"birth_date": "2020/01/01"}),
    (17, {"disability": "99"}),
    # Spaces at either end, ASCII or not, are trimmed alike (SQL trims only such cells).
    (18, {"address": "\tJl. Mawar 3\u3000", "rt": " 001", "owns_gold": "\x1c1"}),
    (19, {"birth_place": "\u2028Bima", "desil": "2\u00a0", "owns_car": "YA"}),
]


def test_odd_rows_give_the_same_registry_and_report_on_both_paths(generated):
    rows = [dict(row) for row in generated]
    for index, cells in ODD_ROWS:
        rows[index].update(cells)
    rows[20]["nik"] = rows[30]["nik"]  # one NIK in two households
    rows[-1]["name"] = "Nama di meja"  # matched with the desk's member, who has no NIK
    rows[-1]["birth_date"] = "01-01-1970"
    rows[-1]["nik"] = ""

    after = same_on_both_paths(rows, delimiter=";")

    assert after["counts"]["refused"] >= 10
    assert 0 < after["one_by_one"] < len(rows) / 2  # only the odd households, in Python
    assert after["counts"]["households_updated"] == 1  # the desk's household, by its KK


def test_importing_again_writes_nothing_and_heads_stay_heads(generated):
    """(A re-import once demoted every unchanged head.)"""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(generated[0]))
    writer.writeheader()
    writer.writerows(generated)
    data = out.getvalue().encode()
    import_set_based(io.BytesIO(data))
    heads = set(Person.objects.filter(relationship="head").values_list("pk", flat=True))

    again = import_set_based(io.BytesIO(data))

    assert (again.households_unchanged, again.persons_unchanged) == (24, len(generated))
    assert again.households_updated + again.persons_updated == 0
    assert set(Person.objects.filter(relationship="head").values_list("pk", flat=True)) == heads
    assert len(heads) == 24


def test_rows_naming_records_outside_the_area_are_refused_alike_on_both_paths(generated, mataram):
    """Kota Bima's supervisor imports rows naming Mataram's NIKs, KK number, registry ID."""
    PersonFactory(household=mataram, name="Lalu Saudara", nik="5271010101900001",
                  birth_date="1990-01-01", relationship="other")  # fmt: skip
    rows = [dict(row) for row in generated]
    homes: dict[str, list[int]] = {}
    for index, cells in enumerate(rows):
        homes.setdefault(cells["dtks_id"], []).append(index)
    nik_home, head_home, kk_home, id_home = [lines for lines in homes.values() if len(lines) > 1][
        :4
    ]
    member = next(i for i in nik_home if rows[i]["relationship"] != "1")
    rows[member].update(nik="5271014308820005", sex="2", birth_date="03-08-1982")
    head = next(i for i in head_home if rows[i]["relationship"] == "1")
    rows[head].update(nik="5271010101900001", sex="1", birth_date="01-01-1990")
    for index in kk_home:
        rows[index]["kk_number"] = mataram.kk_number
    for index in id_home:
        rows[index]["dtks_id"] = mataram.dtks_id
    before = as_it_was(mataram)

    after = same_on_both_paths(rows, area="52.72")

    report = {line: (column, message) for line, column, message in after["report"]}
    assert report[member + 2] == ("nik", OUTSIDE_NIK)
    assert report[head + 2] == ("nik", OUTSIDE_NIK)
    assert {report[i + 2] for i in kk_home} == {("kk_number", OUTSIDE_KK)}
    assert {report[i + 2] for i in id_home} == {("dtks_id", OUTSIDE_ID)}
    assert as_it_was(mataram) == before
    assert after["counts"]["persons_updated"] == 0  # nobody was matched outside the area
    assert len(after["households"][mataram.dtks_id]["members"]) == 3


CELLS = {
    "sex": st.sampled_from(["1", "2", "L", "p", "x", ""]),
    "relationship": st.sampled_from(["1", "2", "3", "01", "9", ""]),
    "birth_date": st.sampled_from(
        ["01-02-1990", "1990-02-01", "29-02-2001", "2099-01-01", "01/02/1990", "1-2-1990", ""]
    ),
    "desil": st.sampled_from(["", "1", "10", "11", "0", "x"]),
    "floor_area": st.sampled_from(["", "1", "0.99", "99999.99", "100000", "12,345", "1e2"]),
    "monthly_income": st.sampled_from(["", "0", "1000000000000", "1000000000001", "5.5"]),
    "name": st.text(min_size=0, max_size=12),
    "nik": st.sampled_from(["", "5272010102900001", "5272014102900001", "0000000000000000"]),
}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=st.lists(st.tuples(st.integers(0, 60), st.sampled_from(sorted(CELLS)), st.data()),
                        max_size=6))  # fmt: skip
def test_random_changes_give_the_same_result_on_both_paths(generated, changes):
    rows = [dict(row) for row in generated]
    for index, column, data in changes:
        value = data.draw(CELLS[column])
        rows[index % len(rows)][column] = value.replace("\x00", "").replace("\r", "")

    same_on_both_paths(rows)


@given(st.text(max_size=30))
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_names_are_normalised_alike_in_python_and_postgresql(name):
    name = name.replace("\x00", "")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT " + NORMALIZE_NAME_SQL % "%s", [name])
        assert cursor.fetchone()[0] == normalize_name(name)


def test_staging_falls_back_to_python_for_a_file_postgresql_refuses(generated):
    rows = [dict(row) for row in generated]
    data = io.StringIO()
    writer = csv.writer(data)
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow(list(row.values()))
    text = data.getvalue().replace("\r\n", "\n")
    lines = text.splitlines()
    ragged = "\n".join([*lines[:3], "", lines[3] + ",extra", *lines[4:]]) + "\n"

    result = import_set_based(io.BytesIO(ragged.encode()))

    assert result.refused == 0
    assert result.rows == len(rows)
    assert Person.objects.count() == len(rows)


def registry_indexes() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid IN ('households_household'::regclass, 'households_person'::regclass)"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN "
            "('households_household'::regclass, 'households_person'::regclass)"
        )
        return sorted(indexes + cursor.fetchall())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_first_load_builds_the_indexes_after_and_gives_the_same_registry(generated):
    """Into an empty registry the set-based path drops the registry's indexes and foreign
    keys, writes every household, and builds them again: same registry, same report, same
    indexes; the households left to Python are written after, with the indexes back."""
    rows = [dict(row) for row in generated]
    for index, cells in ODD_ROWS[:6]:
        rows[index].update(cells)
    portable = registry_after(rows, fast=False, desk=False)
    before = registry_indexes()

    result = import_set_based(io.BytesIO(extract_of(rows)), batch_households=5)

    assert "index builds" in result.seconds  # the first-load path
    assert registry_indexes() == before
    assert outcome(result)["report"] == portable["report"]
    assert outcome(result)["counts"] == portable["counts"]
    assert registry_now() == portable["households"]
    assert 0 < result.rows_one_by_one < len(rows) / 2
    taken = Person.objects.exclude(nik=None).first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique NIK is back
        PersonFactory(household=taken.household, nik=taken.nik, relationship="other")


def test_a_load_into_a_registry_that_has_households_keeps_its_indexes(generated):
    PersonFactory(household=HouseholdFactory(region_id="52.72.01.1001"))
    before = registry_indexes()

    result = import_set_based(io.BytesIO(extract_of(generated)), batch_households=5)

    assert "index builds" not in result.seconds
    assert registry_indexes() == before
    assert result.persons_created == len(generated)
