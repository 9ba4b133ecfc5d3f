"""Each programme's verdict reads in one sentence, in plain Indonesian: met or not, and the
clauses that decided; blanks are "belum tercatat" and negations read positively."""

import datetime
from decimal import Decimal

import pytest

from accounts.roles import Role
from households.demo import seed_households
from households.models import Household
from households.registry_codes import Occupation
from programs.models import Enrollment, Program
from programs.rules import rule_evaluate
from programs.verdicts import MAX_LENGTH, TWO_LINES, explanation_summary
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)


def verdict(rule, household, enrolled=()):
    return explanation_summary(
        rule_evaluate(rule, household, today=TODAY, enrolled_codes=set(enrolled))
    )


def lines(rule, household, enrolled=()):
    return rule_evaluate(rule, household, today=TODAY, enrolled_codes=set(enrolled)).lines()


def test_every_seeded_programme_says_its_verdict_in_two_lines_for_the_demo_households(catalogue):
    seed_households(actor=staff_user(Role.FRONT_OFFICE, scope="52.72"))
    desk = HouseholdFactory(desil=None)  # registered at the desk: no desil, blanks
    PersonFactory(household=desk, relationship="head", occupation="", schooling="")
    households = Household.objects.prefetch_related("members")

    verdicts = {
        (program.code, household.pk): verdict(program.rule, household)
        for program in Program.objects.all()
        for household in households
    }

    assert len(verdicts) == 13 * 6
    for key, text in verdicts.items():
        assert len(text) <= TWO_LINES and "\n" not in text, (key, text)
        assert text.startswith(("Memenuhi: ", "Tidak memenuhi: ")), (key, text)
        assert "None" not in text and " , " not in text and "bukan ini" not in text, text


def test_a_missing_desil_is_said_not_recorded_with_what_the_rule_asks(kota_bima):
    household = HouseholdFactory(desil=None)
    rule = {"field": "desil", "op": "lte", "value": 4}

    assert verdict(rule, household) == "Tidak memenuhi: desil belum tercatat (syarat: desil 1–4)"
    assert lines(rule, household) == [(0, "desil belum tercatat ≤ 4", False)]


def test_a_blank_code_is_said_not_recorded(kota_bima):
    household = HouseholdFactory(desil=3)
    PersonFactory(household=household, name="Ahmad", relationship="head", occupation="")
    rule = {"member": {"field": "occupation", "op": "in", "value": ["fisher", "farmer"]}}

    (_no_one, _ahmad, (depth, text, met)) = lines(rule, household)

    assert (depth, met) == (2, False)
    assert text.startswith("pekerjaan belum tercatat, salah satu dari: ")
    assert verdict(rule, household).startswith("Tidak memenuhi: tidak ada anggota pekerjaan ")


def test_a_negated_comparison_reads_as_the_opposite_comparison(kota_bima):
    household = HouseholdFactory(desil=6)
    rule = {"not": {"field": "desil", "op": "lte", "value": 4}}

    assert lines(rule, household) == [(0, "desil 6 > 4", True)]
    assert verdict(rule, household) == "Memenuhi: desil 6"


def test_a_negated_enrolment_reads_does_not_receive(kota_bima):
    household = HouseholdFactory(desil=3)
    rule = {"not": {"enrolled": "PBI-JK"}}

    assert lines(rule, household) == [(0, "tidak menerima PBI-JK", True)]
    assert lines(rule, household, ["PBI-JK"]) == [(0, "sudah menerima PBI-JK", False)]
    assert verdict(rule, household, ["PBI-JK"]) == "Tidak memenuhi: sudah menerima PBI-JK"


def test_a_negated_member_clause_names_the_member_in_the_way(kota_bima):
    household = HouseholdFactory(desil=3)
    PersonFactory(household=household, name="Budi", relationship="head",
                  occupation="civil_servant")  # fmt: skip
    rule = {"not": {"member": {"field": "occupation", "op": "eq", "value": "civil_servant"}}}

    assert verdict(rule, household) == "Tidak memenuhi: Budi (pekerjaan PNS/TNI/Polri)"
    household.members.update(occupation="fisher")
    assert verdict(rule, household) == "Memenuhi: tidak ada anggota pekerjaan PNS/TNI/Polri"


def test_a_met_rule_names_the_member_who_met_it_and_the_desil(kota_bima):
    household = HouseholdFactory(desil=3)
    PersonFactory(household=household, name="Ahmad", relationship="head")
    PersonFactory(household=household, name="Nur Hasanah", relationship="spouse", sex="F",
                  is_pregnant=True, birth_date=datetime.date(1995, 1, 1))  # fmt: skip
    rule = {"all": [
        {"field": "desil", "op": "lte", "value": 4},
        {"any": [
            {"member": {"field": "is_pregnant", "op": "eq", "value": True}},
            {"member": {"field": "age", "op": "lt", "value": 7}},
        ]},
    ]}  # fmt: skip

    assert verdict(rule, household) == "Memenuhi: desil 3; Nur Hasanah (hamil)"


def test_a_failed_rule_names_only_what_failed(kota_bima):
    household = HouseholdFactory(desil=3, tenure=2)
    rule = {"all": [
        {"field": "desil", "op": "lte", "value": 4},
        {"field": "tenure", "op": "eq", "value": 1},
    ]}  # fmt: skip

    text = verdict(rule, household)

    assert text.startswith("Tidak memenuhi: status kepemilikan rumah ")
    assert "(syarat: status kepemilikan rumah milik sendiri)" in text
    assert "desil" not in text


def test_a_failed_choice_names_the_closest_alternative_first(kota_bima):
    household = HouseholdFactory(desil=3, tenure=2)
    PersonFactory(household=household, relationship="head", birth_date=datetime.date(1970, 1, 1))
    rule = {"any": [
        {"all": [{"field": "desil", "op": "lte", "value": 2},
                 {"field": "tenure", "op": "eq", "value": 1}]},
        {"member": {"field": "age", "op": "gte", "value": 60}},
    ]}  # fmt: skip

    assert verdict(rule, household).startswith("Tidak memenuhi: tidak ada anggota usia ≥ 60")


def test_an_open_service_qualifies_without_condition(kota_bima):
    assert verdict({"all": []}, HouseholdFactory()) == "Memenuhi: tanpa syarat"


def test_emergency_aid_does_not_wait_for_a_desil(catalogue):
    rule = catalogue["BAZNAS-DARURAT"].rule
    unregistered, too_well_off = HouseholdFactory(desil=None), HouseholdFactory(desil=4)

    assert rule_evaluate(rule, unregistered, today=TODAY).met
    assert lines(rule, unregistered)[1:] == [
        (1, "desil belum tercatat ≤ 2", False),
        (1, "desil belum tercatat (syarat: desil belum tercatat)", True),
    ]
    assert not rule_evaluate(rule, too_well_off, today=TODAY).met
    assert verdict(rule, too_well_off).startswith("Tidak memenuhi: desil 4 (syarat: desil 1–2 ")


def test_a_household_already_covered_by_pbi_jk_is_told_so_for_jamkesda(catalogue):
    household = HouseholdFactory(desil=6)
    PersonFactory(household=household, relationship="head")
    Enrollment.objects.create(household=household, program=catalogue["PBI-JK"])

    text = verdict(catalogue["JAMKESDA"].rule, household, ["PBI-JK"])

    assert text == "Tidak memenuhi: sudah menerima PBI-JK"


def test_a_verdict_never_runs_past_what_a_referral_keeps(kota_bima):
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, name="A" * 150, relationship="head", occupation="fisher")
    occupations = [code for code, _ in Occupation.choices]
    member = {"all": [{"field": "occupation", "op": "in", "value": occupations},
                      {"field": "sex", "op": "in", "value": ["M", "F"]}]}  # fmt: skip

    said = verdict({"any": [{"not": {"member": member}}, {"not": {"member": member}}]}, household)

    assert len(said) == MAX_LENGTH and said.endswith("…")
    assert said.startswith("Tidak memenuhi: AAAA")


def test_numbers_are_written_as_the_pages_write_them(kota_bima):
    household = HouseholdFactory(desil=3, monthly_income=3_000_000, floor_area=Decimal("7.50"))
    income = {"field": "monthly_income", "op": "lte", "value": 2_602_931}
    area = {"field": "floor_area", "op": "gte", "value": 8}

    assert "3.000.000" in verdict(income, household) and "2.602.931" in verdict(income, household)
    assert "7,5 " in verdict(area, household)
