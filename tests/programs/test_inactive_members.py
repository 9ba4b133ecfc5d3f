"""Members who died or moved out stay on the record, and no rule counts them: neither engine,
nor screening; matching says how many it left out."""

import datetime

import pytest

from households.models import Household, Person
from programs.matching import programs_matching
from programs.models import Enrollment, Program
from programs.rules import rule_evaluate, rule_q, with_rule_fields
from programs.screening import screening_rows
from programs.verdicts import explanation_summary
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory

TODAY = datetime.date(2026, 11, 28)
WITH_CHILD = {"member": {"field": "age", "op": "lt", "value": 7}}
POOR_WITH_CHILD = {"all": [{"field": "desil", "op": "lte", "value": 4}, WITH_CHILD]}
LARGE = {"field": "size", "op": "gte", "value": 3}


def both_engines(rule, household: Household) -> tuple[bool, bool]:
    """(the database's answer, Python's answer) for one household."""
    selected = (
        with_rule_fields(Household.objects.filter(pk=household.pk))
        .filter(rule_q(rule, today=TODAY))
        .exists()
    )
    fresh = Household.objects.prefetch_related("members").get(pk=household.pk)
    return selected, rule_evaluate(rule, fresh, today=TODAY).met


def family(kota_bima, *, child_status=Person.Status.ACTIVE, desil=2):
    home = HouseholdFactory(desil=desil)
    PersonFactory(household=home, relationship="head", name="Abdul Haris")
    PersonFactory(household=home, relationship="spouse", sex="F", name="Siti")
    PersonFactory(
        household=home,
        name="Putri",
        sex="F",
        birth_date=datetime.date(2023, 1, 1),
        status=child_status,
        status_date=None if child_status == Person.Status.ACTIVE else datetime.date(2026, 10, 1),
    )
    return home


@pytest.mark.parametrize("status", [Person.Status.DECEASED, Person.Status.MOVED_OUT])
def test_a_member_who_died_or_moved_out_is_no_member_to_either_engine(kota_bima, status):
    home = family(kota_bima, child_status=status)

    assert both_engines(WITH_CHILD, home) == (False, False)
    assert both_engines(LARGE, home) == (False, False)  # two live here, not three
    assert both_engines({"field": "size", "op": "eq", "value": 2}, home) == (True, True)


def test_the_same_household_with_everyone_at_home_counts_them_all(kota_bima):
    home = family(kota_bima)

    assert both_engines(WITH_CHILD, home) == (True, True)
    assert both_engines(LARGE, home) == (True, True)


@pytest.fixture
def pkh(kota_bima):
    return Program.objects.create(
        code="PKH", name="PKH", level="central", agency=AgencyFactory(), rule=POOR_WITH_CHILD
    )


def test_screening_skips_the_dead_and_the_moved(pkh):
    served_for_a_dead_child = family(None, child_status=Person.Status.DECEASED)
    Enrollment.objects.create(household=served_for_a_dead_child, program=pkh)
    left_out_child_moved = family(None, child_status=Person.Status.MOVED_OUT)
    left_out = family(None)

    rows = {row["household_id"]: row for row in screening_rows(pkh, region_code=None, today=TODAY)}

    assert set(rows) == {served_for_a_dead_child.pk, left_out.pk}
    assert rows[served_for_a_dead_child.pk]["finding"] == "inclusion"
    assert rows[left_out.pk]["finding"] == "exclusion"
    assert left_out_child_moved.pk not in rows


def test_screening_names_the_living_head(pkh):
    home = family(None)
    head = home.members.get(relationship="head")
    Person.objects.filter(pk=head.pk).update(
        status=Person.Status.DECEASED, status_date=datetime.date(2026, 9, 1)
    )

    (row,) = screening_rows(pkh, region_code=None, today=TODAY)

    assert row["head_name"] is None  # no head lives there until a new one is named


def test_the_verdict_says_how_many_members_were_not_counted(kota_bima):
    home = family(kota_bima, child_status=Person.Status.DECEASED)
    PersonFactory(household=home, name="Budi", status="moved_out", status_date=TODAY)
    home = Household.objects.prefetch_related("members").get(pk=home.pk)

    explanation = rule_evaluate(POOR_WITH_CHILD, home, today=TODAY)

    assert not explanation.met
    assert explanation.lines()[-1] == (0, "2 anggota tidak dihitung (meninggal/pindah)", False)
    assert explanation_summary(explanation).endswith(
        "(2 anggota tidak dihitung (meninggal/pindah))"
    )
    tried = [line for line in explanation.lines() if line[0] == 2]  # the members it tried
    assert "Putri" not in {text for _depth, text, _met in tried}


def test_a_rule_that_reads_no_member_says_nothing_of_them(kota_bima):
    home = family(kota_bima, child_status=Person.Status.DECEASED)
    home = Household.objects.prefetch_related("members").get(pk=home.pk)

    explanation = rule_evaluate({"field": "desil", "op": "lte", "value": 4}, home, today=TODAY)

    assert explanation.notes == []


def test_matching_says_why_a_household_no_longer_qualifies(catalogue, poor_household):
    child = poor_household.members.get(name="Putri")
    Person.objects.filter(pk=child.pk).update(status="deceased", status_date=TODAY)

    matches = {
        m.program.code: m for m in programs_matching(poor_household, ["children"], today=TODAY)
    }

    pkh = matches["PKH"]
    assert not pkh.eligible
    assert "1 anggota tidak dihitung (meninggal/pindah)" in pkh.summary
    assert any("1 anggota tidak dihitung" in text for _d, text, _m in pkh.explanation.lines())


def test_screening_skips_a_household_that_ended(pkh):
    ended = family(None)
    Household.objects.filter(pk=ended.pk).update(dissolved_on=datetime.date(2026, 11, 1))
    left_out = family(None)

    rows = list(screening_rows(pkh, region_code=None, today=TODAY))

    assert [row["household_id"] for row in rows] == [left_out.pk]


def test_a_household_where_nobody_lives_any_more_qualifies_for_nothing(pkh):
    pkh.rule = {"field": "desil", "op": "lte", "value": 4}
    pkh.save()
    paid_for_nobody = family(None)
    Enrollment.objects.create(household=paid_for_nobody, program=pkh)
    nobody_to_enrol = family(None)
    Person.objects.filter(household__in=[paid_for_nobody, nobody_to_enrol]).update(
        status=Person.Status.DECEASED, status_date=datetime.date(2026, 10, 1)
    )

    rows = {row["household_id"]: row for row in screening_rows(pkh, region_code=None, today=TODAY)}

    assert set(rows) == {paid_for_nobody.pk}  # enrolled, yet nobody lives there
    assert rows[paid_for_nobody.pk]["finding"] == "inclusion"
