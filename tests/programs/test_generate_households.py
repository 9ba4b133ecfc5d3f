"""`generate_households`: a synthetic registry that passes the registry's own rules, and
enrolments with the targeting errors that screening then finds."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from households.identity import validate_kk_number, validate_nik_for_person
from households.models import Household, Person
from households.synthetic import households_generate
from programs.models import Enrollment, Program
from programs.rules import rule_q, with_rule_fields
from programs.screening import screening_rows
from programs.synthetic import COVERAGE, enrolments_generate
from regions.models import Region, within_q

TODAY = datetime.date(2026, 11, 28)


def generate(count=60, seed=3, batch_size=25):
    return households_generate(
        count=count,
        region=Region.objects.get(code="52.72"),
        seed=seed,
        today=TODAY,
        batch_size=batch_size,
    )


def test_generated_people_pass_the_registrys_checks(kota_bima):
    result = generate(count=60, batch_size=25)  # three batches: 25, 25 and 10

    assert (result.households, Household.objects.count()) == (60, 60)
    assert result.last_pk - result.first_pk == 59
    assert Person.objects.count() == result.persons >= 60
    for person in Person.objects.exclude(nik=None):
        validate_nik_for_person(person.nik, birth_date=person.birth_date, sex=person.sex)
    for kk_number in Household.objects.values_list("kk_number", flat=True):
        validate_kk_number(kk_number)
    heads = Household.objects.annotate(
        heads=Count("members", filter=Q(members__relationship="head"))
    )
    assert set(heads.values_list("heads", flat=True)) == {1}
    assert not Household.objects.exclude(within_q("52.72", "region")).exists()
    assert Person.objects.filter(name_normalized="").count() == 0


def test_the_same_seed_gives_the_same_registry(kota_bima):
    def snapshot():
        return list(
            Person.objects.order_by("household__dtks_id", "pk").values_list(
                "name", "birth_date", "nik", "household__desil", "household__region"
            )
        )

    generate(seed=9)
    first = snapshot()
    Person.objects.all().delete()
    Household.objects.all().delete()
    generate(seed=9)

    assert snapshot() == first


def test_a_second_run_adds_new_numbers_never_taken_ones(kota_bima):
    generate(seed=1)
    Household.objects.filter(dtks_id="SYN1-00000003").delete()  # a gap in the numbering
    generate(seed=1)  # the same people again: their numbers are taken, so new ones

    assert Household.objects.count() == 119
    assert Household.objects.order_by("-dtks_id").first().dtks_id == "SYN1-00000120"
    for person in Person.objects.exclude(nik=None):
        validate_nik_for_person(person.nik, birth_date=person.birth_date, sex=person.sex)


def test_enrolments_leave_the_errors_screening_finds(kota_bima):
    call_command("seed_programs", verbosity=0)
    result = generate(count=300)
    pkh = Program.objects.get(code="PKH")
    qualifying = (
        with_rule_fields(Household.objects.all()).filter(rule_q(pkh.rule, today=TODAY)).count()
    )

    created = enrolments_generate(
        households=Q(pk__range=(result.first_pk, result.last_pk)), seed=1, today=TODAY
    )

    findings = list(screening_rows(pkh, region_code="52.72", today=TODAY))
    exclusion = sum(row["finding"] == "exclusion" for row in findings)
    inclusion = sum(row["finding"] == "inclusion" for row in findings)
    assert exclusion == qualifying - round(qualifying * COVERAGE) > 0
    assert inclusion == created["PKH"] - round(qualifying * COVERAGE) > 0
    assert Enrollment.objects.filter(program__code="DTKS-SURAT").count() == 0  # open to all


def test_the_command_reports_what_it_added(kota_bima):
    call_command("seed_programs", verbosity=0)
    out = io.StringIO()

    call_command(
        "generate_households", count=25, region="52.72.01", seed=2, stdout=out, stderr=io.StringIO()
    )

    assert Household.objects.count() == 25
    assert not Household.objects.exclude(within_q("52.72.01", "region")).exists()
    assert "25 households with" in out.getvalue()
    assert "Enrolments: " in out.getvalue()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"count": 0}, "--count must be at least 1"),
        ({"count": 5, "region": "99.99"}, "'99.99' is not a loaded region"),
        ({"count": 5, "seed": 10**27}, "--seed must be between"),
    ],
)
def test_the_command_refuses_bad_arguments(kota_bima, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_households", **options)
