"""Every seeded programme has a valid rule, a household that qualifies and one that does not
(for the open registry services, everyone qualifies), by both engines."""

import datetime

import pytest
from django.core.management import call_command

from households.models import Household, Person
from programs.catalogue import PROGRAMS
from programs.models import Enrollment, Program
from programs.rules import rule_evaluate, rule_q, with_rule_fields

TODAY = datetime.date(2026, 11, 28)
D = datetime.date

POOR = {"desil": 2}
UNFIT_OWNED = {"tenure": 1, "floor_material": 9, "monthly_income": 900_000}
RENTED_UNFIT = {**POOR, **UNFIT_OWNED, "tenure": 2}
WELL_PAID_UNFIT = {**UNFIT_OWNED, "monthly_income": 5_000_000}
POOR_FIT_OWNED = {**POOR, "tenure": 1, "floor_material": 2}
ADULT = {
    "sex": "M",
    "birth_date": D(1980, 1, 1),
    "relationship": "head",
    "marital_status": "married",
}
SCHOOL_CHILD = {
    "sex": "F",
    "birth_date": D(2014, 5, 1),
    "relationship": "child",
    "school_participation": "in_school",
    "schooling": "primary",
}
GRADUATE = {
    "sex": "F",
    "birth_date": D(2006, 5, 1),
    "relationship": "child",
    "schooling": "senior",
    "school_participation": "finished",
}

# code: (qualifying household, members, enrolled), (one that does not)
CASES = {
    "PKH": ((POOR, [ADULT, SCHOOL_CHILD], []), ({"desil": 6}, [ADULT, SCHOOL_CHILD], [])),
    "BPNT": ((POOR, [ADULT], []), ({"desil": 7}, [ADULT], [])),
    "PBI-JK": (({"desil": 7}, [{**ADULT, "chronic_illness": 5}], []), ({"desil": 7}, [ADULT], [])),
    "PIP": ((POOR, [ADULT, SCHOOL_CHILD], []), (POOR, [ADULT], [])),
    "KIP-KULIAH": ((POOR, [ADULT, GRADUATE], []), ({"desil": 8}, [ADULT, GRADUATE], [])),
    "ATENSI": (({}, [{**ADULT, "disability": 1}], []), ({}, [ADULT], [])),
    "RUTILAHU": (({**POOR, **UNFIT_OWNED}, [ADULT], []), (RENTED_UNFIT, [ADULT], [])),
    "BSPS": ((UNFIT_OWNED, [ADULT], []), (WELL_PAID_UNFIT, [ADULT], [])),
    "RTLH-NTB": (({**POOR, **UNFIT_OWNED}, [ADULT], []), (POOR_FIT_OWNED, [ADULT], [])),
    "JAMKESDA": ((POOR, [ADULT], []), (POOR, [ADULT], ["PBI-JK"])),
    "BAZNAS-DARURAT": (({"desil": None}, [ADULT], []), ({"desil": 4}, [ADULT], [])),
    "BAZNAS-NTB-PEDULI": (({"desil": 3}, [ADULT], []), ({"desil": None}, [ADULT], [])),
    "DTKS-SURAT": (({}, [ADULT], []), None),
}  # fmt: skip


@pytest.fixture
def catalogue(kota_bima):
    call_command("seed_programs", verbosity=0)
    return {program.code: program for program in Program.objects.all()}


def make(household_fields, members, enrolled, programmes) -> Household:
    household = Household.objects.create(
        region_id="52.72.01.1001", address="Jl. Uji", **household_fields
    )
    for index, fields in enumerate(members):
        Person.objects.create(household=household, name=f"Anggota {index}", **fields)
    for code in enrolled:
        Enrollment.objects.create(household=household, program=programmes[code])
    return household


def qualifies(programme: Program, household: Household) -> bool:
    in_database = (
        with_rule_fields(Household.objects.filter(pk=household.pk))
        .filter(rule_q(programme.rule, today=TODAY))
        .exists()
    )
    in_python = rule_evaluate(programme.rule, household, today=TODAY).met
    assert in_database == in_python, programme.code
    return in_python


def test_every_catalogue_programme_has_cases():
    assert set(CASES) == {code for code, *_rest in PROGRAMS}
    assert {
        "PKH",
        "BPNT",
        "PBI-JK",
        "PIP",
        "RUTILAHU",
        "ATENSI",
        "JAMKESDA",
        "BAZNAS-DARURAT",
    } <= set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_a_fitting_household_qualifies_and_another_does_not(catalogue, code):
    programme = catalogue[code]
    fitting, unfitting = CASES[code]

    programme.full_clean()  # the seeded rule passes the same validation as the admin's
    assert qualifies(programme, make(*fitting, catalogue))
    if unfitting is None:
        assert programme.rule == {"all": []}  # a service open to every household
    else:
        assert not qualifies(programme, make(*unfitting, catalogue))


def test_seeding_again_keeps_an_admins_edit(catalogue):
    Program.objects.filter(code="BPNT").update(rule={"field": "desil", "op": "lte", "value": 4})

    call_command("seed_programs", verbosity=0)

    assert Program.objects.get(code="BPNT").rule["value"] == 4
    assert Program.objects.count() == len(CASES)


def test_seeding_needs_the_regions(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="load_regions"):
        call_command("seed_programs", region="52.72")
