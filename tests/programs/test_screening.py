"""Bulk screening finds exactly the planted exclusion and inclusion errors, in one query."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Enrollment, Program, ScreeningRun
from programs.screening import screening_query, screening_rows
from programs.services import screening_run_execute, screening_run_request
from regions.models import Region
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory, staff_user

TODAY = datetime.date(2026, 11, 28)
POOR_WITH_CHILD = {"all": [
    {"field": "desil", "op": "lte", "value": 4},
    {"member": {"field": "age", "op": "lt", "value": 7}},
]}  # fmt: skip


@pytest.fixture
def program(kota_bima):
    return Program.objects.create(
        code="PKH", name="PKH", level="central", agency=AgencyFactory(), rule=POOR_WITH_CHILD
    )


def household(*, desil, child: bool, enrolled_in=None, village="52.72.01.1001"):
    home = HouseholdFactory(desil=desil, region=Region.objects.get(code=village))
    PersonFactory(household=home, relationship="head", birth_date=datetime.date(1985, 3, 1))
    if child:
        PersonFactory(household=home, birth_date=datetime.date(2023, 1, 1))
    if enrolled_in is not None:
        Enrollment.objects.create(household=home, program=enrolled_in)
    return home


@pytest.fixture
def registry(program):
    """Two of each: served rightly, left out, served wrongly, rightly not served."""
    other = Program.objects.create(code="BPNT", name="BPNT", level="central", agency=program.agency)
    return {
        "served": [household(desil=2, child=True, enrolled_in=program) for _ in range(2)],
        "left_out": [
            household(desil=3, child=True),
            household(desil=1, child=True, enrolled_in=other),  # another programme's
        ],
        "wrongly_served": [
            household(desil=7, child=True, enrolled_in=program),
            household(desil=None, child=True, enrolled_in=program),  # no desil: not proven
        ],
        "not_served": [household(desil=2, child=False), household(desil=None, child=True)],
    }


def findings(program, region_code=None):
    rows = screening_rows(program, region_code=region_code, today=TODAY)
    return {(row["finding"], row["household_id"]) for row in rows}


def test_screening_finds_exactly_the_planted_errors(registry, program):
    assert findings(program) == {
        *(("exclusion", home.pk) for home in registry["left_out"]),
        *(("inclusion", home.pk) for home in registry["wrongly_served"]),
    }


def test_an_enrolment_that_ended_is_not_an_enrolment(registry, program):
    served = registry["served"][0]
    Enrollment.objects.filter(household=served, program=program).update(is_active=False)

    assert ("exclusion", served.pk) in findings(program)


def test_screening_keeps_to_the_region(registry, program):
    elsewhere = household(desil=1, child=True, village="52.72.02.1004")

    assert ("exclusion", elsewhere.pk) in findings(program)
    assert ("exclusion", elsewhere.pk) not in findings(program, region_code="52.72.01")
    assert findings(program, region_code="52.72.02") == {("exclusion", elsewhere.pk)}


def test_screening_is_one_query(registry, program):
    with CaptureQueriesContext(connection) as queries:
        rows = list(screening_rows(program, region_code="52.72", today=TODAY))

    assert len(rows) == 4
    # Besides it, PostgreSQL gets a planner setting (SET … RESET), which reads no table.
    reading = [query["sql"] for query in queries if "FROM" in query["sql"].upper()]
    assert len(reading) == 1, reading


def test_a_rule_on_age_is_applied_as_of_the_screening_date(registry, program):
    left_out = registry["left_out"][0]

    # The child, born 1 January 2023, turns 7 on 1 January 2030.
    def flagged_on(day):
        rows = screening_query(program, region_code=None, today=day)
        return left_out.pk in {row["household_id"] for row in rows}

    assert flagged_on(datetime.date(2029, 12, 31))
    assert not flagged_on(datetime.date(2030, 1, 1))


def test_the_command_writes_the_csv_with_identifiers_masked(registry, program, tmp_path):
    output = tmp_path / "pkh.csv"
    report = io.StringIO()

    with time_machine.travel(datetime.datetime(2026, 11, 28, 9, tzinfo=datetime.UTC)):
        call_command("screen_program", "PKH", region="52.72", output=str(output), stdout=report)

    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert sorted((row["finding"], int(row["household_id"])) for row in rows) == sorted(
        findings(program)
    )
    left_out = registry["left_out"][0]
    row = next(row for row in rows if int(row["household_id"]) == left_out.pk)
    assert row["kk_number"] == "••••••••••••" + left_out.kk_number[-4:]
    assert row["head_name"] == left_out.head.name
    assert row["village"] == left_out.region.name
    assert "8 households screened" in report.getvalue()
    assert "2 qualify but are not enrolled" in report.getvalue()
    assert "2 are enrolled but no longer qualify" in report.getvalue()


def test_the_command_writes_to_standard_output_without_a_file(registry, program):
    out, err = io.StringIO(), io.StringIO()

    call_command("screen_program", "PKH", stdout=out, stderr=err)

    assert out.getvalue().splitlines()[0].startswith("finding,household_id")
    assert len(out.getvalue().splitlines()) == 1 + 4
    assert "exclusion errors" in err.getvalue()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["NOPE"], "no programme 'NOPE'. Known codes: PKH"),
        (["PKH", "--region", "99.99"], "'99.99' is not a loaded region code"),
        (["PKH", "--output", "/nonexistent/dir/f.csv"], "Cannot write /nonexistent/dir/f.csv"),
    ],
)
def test_the_command_refuses_bad_arguments_clearly(program, arguments, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(")):
        call_command("screen_program", *arguments)


def test_a_run_records_counts_and_findings(registry, program):
    supervisor = staff_user("supervisor", scope="52.72")
    run = screening_run_request(
        actor=supervisor, program=program, region=Region.objects.get(code="52.72.01")
    )
    run = screening_run_execute(run.pk)  # the task, as a worker would run it

    assert run.status == ScreeningRun.Status.DONE
    assert (run.households_screened, run.exclusion_count, run.inclusion_count) == (8, 2, 2)
    assert len(run.findings_csv.splitlines()) == 1 + 4
    assert run.requested_by == supervisor


def test_a_run_outside_the_scope_is_refused(registry, program):
    district_supervisor = staff_user("supervisor", scope="52.72.02")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        screening_run_request(
            actor=district_supervisor, program=program, region=Region.objects.get(code="52.72")
        )
    assert "region" in error.value.message_dict
    assert not ScreeningRun.objects.exists()


def test_a_run_that_fails_says_so(registry, program, monkeypatch):
    run = ScreeningRun.objects.create(program=program, region_id="52.72")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("programs.services.screening_write_csv", broken)
    run = screening_run_execute(run.pk)

    assert run.status == ScreeningRun.Status.FAILED
    assert "log worker" in run.error  # in the office's language, Indonesian
    assert run.findings_csv == ""


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(registry, program, tmp_path):
    left_out = registry["left_out"][0]
    left_out.members.filter(relationship="head").update(name='=HYPERLINK("http://x","klik")')
    output = tmp_path / "pkh.csv"

    call_command("screen_program", "PKH", output=str(output), stdout=io.StringIO())

    rows = {int(row["household_id"]): row for row in csv.DictReader(output.open())}
    assert rows[left_out.pk]["head_name"] == """'=HYPERLINK("http://x","klik")"""


def test_a_run_keeps_the_rule_it_applied(registry, program):
    run = ScreeningRun.objects.create(program=program, region_id="52.72")
    run = screening_run_execute(run.pk)
    Program.objects.filter(pk=program.pk).update(rule={"field": "desil", "op": "lte", "value": 1})

    run.refresh_from_db()
    assert run.rule == POOR_WITH_CHILD
