"""Rules are refused when malformed, naming the clause, and explained clause by clause."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.rules import MAX_CLAUSES, rule_evaluate, validate_rule
from tests.factories import HouseholdFactory, PersonFactory, staff_user

TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"field": "umur", "op": "gte", "value": 60}, "rule.field: isian 'umur' tidak dikenal"),
        ({"all": [{"field": "desil", "op": "le", "value": 4}]}, "rule.all[0].op: operator 'le'"),
        ({"field": "desil", "op": "lte", "value": "4"}, "rule.value: '4' bukan bilangan bulat"),
        (
            {"member": {"field": "sex", "op": "gt", "value": "F"}},
            "rule.member.op: gt membandingkan",
        ),
        ({"member": {"field": "sex", "op": "eq", "value": "W"}}, "rule.member.value: 'W' bukan"),
        ({"field": "desil", "op": "between", "value": [5, 1]}, "rendah di depan"),
        ({"field": "desil", "op": "in", "value": []}, "tidak kosong"),
        ({"any": {"field": "desil"}}, "rule.any: harus berupa daftar"),
        ({"member": {"member": {"field": "age", "op": "gte", "value": 1}}}, "rule.member.member"),
        ({"member": {"enrolled": "PKH"}}, "rule.member.enrolled"),
        ({"enrolled": "XYZ"}, "tidak ada program XYZ"),
        ({"eval": "__import__('os')"}, "klausul tidak dikenal"),
        ([], "setiap klausul berupa objek"),
    ],
)
def test_malformed_rules_are_refused_naming_the_clause(rule, says):
    with pytest.raises(ValidationError) as raised:
        validate_rule(rule, known_programs={"PKH"})

    assert says in raised.value.messages[0]


def test_a_well_formed_rule_passes():
    validate_rule(
        {
            "all": [
                {"field": "desil", "op": "lte", "value": 4},
                {
                    "any": [
                        {
                            "member": {
                                "all": [
                                    {"field": "age", "op": "between", "value": [6, 21]},
                                    {
                                        "field": "school_participation",
                                        "op": "eq",
                                        "value": "in_school",
                                    },
                                ]
                            }
                        },
                        {"member": {"field": "is_pregnant", "op": "eq", "value": True}},
                    ]
                },
                {"not": {"enrolled": "PKH"}},
            ]
        },
        known_programs={"PKH"},
    )


@pytest.mark.django_db
def nested(levels):
    rule = {"field": "desil", "op": "lte", "value": 4}
    for _ in range(levels):
        rule = {"all": [rule]}
    return rule


def test_nesting_is_counted_in_clauses_up_to_twelve_levels():
    validate_rule(nested(12))

    with pytest.raises(ValidationError) as raised:
        validate_rule(nested(13))
    assert "lebih dari 12 tingkat" in raised.value.messages[0]


def test_the_explanation_reads_clause_by_clause(kota_bima):
    household = HouseholdFactory(desil=3)
    PersonFactory(household=household, name="Nurul Aini", relationship="head",
                  birth_date=datetime.date(2008, 11, 21))  # fmt: skip
    rule = {
        "all": [
            {"field": "desil", "op": "lte", "value": 4},
            {"member": {"field": "age", "op": "between", "value": [6, 21]}},
            {"not": {"enrolled": "PKH"}},
        ]
    }

    explanation = rule_evaluate(rule, household, today=TODAY, enrolled_codes=set())

    assert explanation.met
    assert [(depth, text, met) for depth, text, met in explanation.lines()] == [
        (0, "semua syarat ini", True),
        (1, "desil 3 ≤ 4", True),
        (1, "ada anggota: Nurul Aini", True),
        (2, "usia 18, antara 6 dan 21", True),
        (1, "tidak menerima PKH", True),
    ]


@pytest.mark.django_db
def test_when_no_member_fits_each_member_is_explained(kota_bima):
    household = HouseholdFactory()
    PersonFactory(household=household, name="Ahmad", relationship="head",
                  birth_date=datetime.date(1970, 1, 1))  # fmt: skip
    PersonFactory(household=household, name="Aisyah", birth_date=datetime.date(2000, 6, 1))
    rule = {"member": {"field": "age", "op": "between", "value": [6, 21]}}

    explanation = rule_evaluate(rule, household, today=TODAY, enrolled_codes=set())

    assert explanation.lines() == [
        (0, "tidak ada anggota yang memenuhi", False),
        (1, "Ahmad", False),
        (2, "usia 56, antara 6 dan 21", False),
        (1, "Aisyah", False),
        (2, "usia 26, antara 6 dan 21", False),
    ]


@pytest.mark.django_db
def test_a_missing_desil_does_not_meet_a_comparison_but_meets_its_negation(kota_bima):
    household = HouseholdFactory(desil=None)

    compared = rule_evaluate({"field": "desil", "op": "lte", "value": 4}, household, today=TODAY)
    negated = rule_evaluate(
        {"not": {"field": "desil", "op": "lte", "value": 4}}, household, today=TODAY
    )

    assert not compared.met
    assert compared.text == "desil belum tercatat ≤ 4"
    assert negated.met
    assert negated.text == "desil belum tercatat > 4"  # the opposite comparison, met as in SQL


@pytest.mark.django_db
def test_saving_a_programme_with_a_malformed_rule_is_refused_on_the_rule(kota_bima):
    from programs.models import Agency, Program

    agency = Agency.objects.create(name="Kemensos", level="central", region_id="52")
    programme = Program(
        code="PKH", name="PKH", level="central", agency=agency, domains=["health", "food"],
        rule={"field": "desil", "op": "lte", "value": "empat"},
    )  # fmt: skip

    with pytest.raises(ValidationError) as raised:
        programme.full_clean()

    assert set(raised.value.message_dict) == {"rule"}


@pytest.mark.django_db
def test_an_unknown_need_domain_is_refused(kota_bima):
    from programs.models import Agency, Program

    agency = Agency.objects.create(name="Kemensos", level="central", region_id="52")
    programme = Program(code="X", name="X", level="central", agency=agency, domains=["luck"])

    with pytest.raises(ValidationError) as raised:
        programme.full_clean()

    assert set(raised.value.message_dict) == {"domains"}


@pytest.mark.django_db
def test_any_of_several_member_clauses_is_one_subquery_over_the_members():
    from households.models import Household
    from programs.rules import rule_q, with_rule_fields

    rule = {"any": [
        {"member": {"field": "is_pregnant", "op": "eq", "value": True}},
        {"member": {"field": "age", "op": "lt", "value": 7}},
        {"member": {"field": "disability", "op": "ne", "value": 0}},
        {"field": "desil", "op": "lte", "value": 1},
    ]}  # fmt: skip

    sql = str(with_rule_fields(Household.objects.filter(rule_q(rule, today=TODAY))).query)

    assert sql.count("EXISTS") == 1
    assert sql.count('"households_person"') == 1


def broad(clauses: int) -> dict:
    """`clauses` comparisons in one flat `any`: as wide as a pasted monster gets."""
    return {"any": [{"field": "desil", "op": "eq", "value": n % 10 + 1} for n in range(clauses)]}


def test_breadth_is_capped_as_depth_is_in_clauses_counted_over_the_whole_rule():
    validate_rule(broad(MAX_CLAUSES - 1))  # the `any` itself is a clause too

    with pytest.raises(ValidationError) as raised:
        validate_rule(broad(MAX_CLAUSES))
    assert f"lebih dari {MAX_CLAUSES} klausul" in raised.value.messages[0]
    with pytest.raises(ValidationError):  # counted across branches, not per list
        validate_rule({"all": [broad(MAX_CLAUSES // 2), broad(MAX_CLAUSES // 2)]})


def test_a_rule_of_a_thousand_clauses_gets_a_message_in_the_admin_preview(kota_bima, as_user):
    HouseholdFactory(desil=3)
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    for clauses in (1000, 5000):
        response = client.post(
            reverse("admin:programs_program_rule_preview"), {"rule": json.dumps(broad(clauses))}
        )

        assert response.status_code == 400
        assert f"lebih dari {MAX_CLAUSES} klausul" in response.json()["error"]


def test_the_widest_rule_allowed_still_counts_in_the_preview(kota_bima, as_user):
    HouseholdFactory(desil=3)
    client = as_user(staff_user("admin", scope="52.72", is_staff=True))

    response = client.post(
        reverse("admin:programs_program_rule_preview"),
        {"rule": json.dumps(broad(MAX_CLAUSES - 1))},
    )

    assert response.status_code == 200
    assert response.json()["matching"] == 1
