"""One submission of the household form (or the API) shows every error at once: the form's
own field checks, the members', and the domain's rules (a KK or NIK registered already, a
NIK that does not fit its holder, one head) together, each at its field, nothing saved.
RT and RW are numbers of up to three digits, kept as the registry writes them ("003"), by
the one rule the form, the API and the import share."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from households.models import Household, Person
from households.registry_import import import_row_by_row, read_rows
from households.rules import neighbourhood_number
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from tests.households.test_register import FAMILY_OF_FOUR, form_post

pytestmark = pytest.mark.usefixtures("kota_bima")

TAKEN_KK = "5272011203150001"
MANS_NIK_FOR_A_WOMAN = "5272011205780009"  # born 12-05-1978, a man's day


@pytest.fixture
def front_office():
    return staff_user(role=Role.FRONT_OFFICE, scope="52.72.01")


@pytest.fixture
def registered():
    """A household of the same village holding the KK number the clerk types again."""
    household = HouseholdFactory(region_id="52.72.01.1001", kk_number=TAKEN_KK)
    PersonFactory(household=household, relationship="head", nik=None)
    return household


def test_an_empty_address_a_taken_kk_and_a_mans_nik_for_a_woman_show_in_one_pass(
    as_user, front_office, registered
):
    client = as_user(front_office)
    wife = {**FAMILY_OF_FOUR[1], "nik": MANS_NIK_FOR_A_WOMAN, "birth_date": "1978-05-12"}
    nameless_child = {**FAMILY_OF_FOUR[2], "name": ""}
    before = (Household.objects.count(), Person.objects.count())

    response = client.post(
        reverse("households:register"),
        form_post(FAMILY_OF_FOUR[0], wife, nameless_child, address="", kk_number=TAKEN_KK),
    )

    assert response.status_code == 400
    form, formset = response.context["form"], response.context["formset"]
    assert {"address", "kk_number"} <= set(form.errors)  # the form's and the domain's
    assert "sudah terdaftar" in " ".join(form.errors["kk_number"])
    assert "laki-laki" in " ".join(formset.forms[1].errors["sex"])  # the domain's NIK rule
    assert "name" in formset.forms[2].errors  # the form's own, on the third
    assert (Household.objects.count(), Person.objects.count()) == before


def test_two_heads_and_a_form_error_show_together(as_user, front_office):
    client = as_user(front_office)
    second_head = {**FAMILY_OF_FOUR[1], "relationship": "head"}

    response = client.post(
        reverse("households:register"),
        form_post(FAMILY_OF_FOUR[0], second_head, rt="abc", region__village=""),
    )

    assert response.status_code == 400
    form, formset = response.context["form"], response.context["formset"]
    assert {"rt", "region"} <= set(form.errors)
    assert "relationship" in formset.forms[1].errors
    assert not Household.objects.exists()


def test_a_field_the_form_refused_is_not_judged_again_by_the_domain(as_user, front_office):
    client = as_user(front_office)

    data = form_post(*FAMILY_OF_FOUR[:1], region__village="")
    response = client.post(reverse("households:register"), data)

    form = response.context["form"]
    assert len(form.errors["region"]) == 1  # the field's own message, not two


@pytest.mark.parametrize("typed, stored", [("3", "003"), ("03", "003"), ("012", "012"),
                                           (" 7 ", "007"), ("", "")])  # fmt: skip
def test_rt_and_rw_are_kept_in_three_digits(typed, stored):
    assert neighbourhood_number(typed) == stored


@pytest.mark.parametrize("typed", ["abc", "-12", "1234", "1a", "٣", "0x1", "+1"])
def test_rt_and_rw_other_than_three_digits_are_refused(typed):
    with pytest.raises(ValidationError) as refused:
        neighbourhood_number(typed)
    assert refused.value.code == "neighbourhood_number"


def test_the_form_refuses_letters_and_negatives_in_indonesian_and_keeps_3_as_003(
    as_user, front_office
):
    client = as_user(front_office)

    refused = client.post(
        reverse("households:register"), form_post(*FAMILY_OF_FOUR, rt="abc", rw="-12")
    )
    saved = client.post(reverse("households:register"), form_post(*FAMILY_OF_FOUR, rt="3", rw="12"))

    assert refused.status_code == 400
    errors = refused.context["form"].errors
    message = "Tulis nomornya dengan paling banyak tiga angka, misalnya 003."
    assert errors["rt"] == errors["rw"] == [message]
    assert saved.status_code == 302
    assert Household.objects.values_list("rt", "rw").get() == ("003", "012")


API_HOUSEHOLD = {
    "region": "52.72.01.1001",
    "address": "Jl. Soekarno-Hatta No. 12",
    "members": [
        {"name": "Muhammad Yusuf", "nik": "5272011205780001", "sex": "M",
         "birth_date": "1978-05-12", "relationship": "head"},
        {"name": "Siti Aminah", "nik": MANS_NIK_FOR_A_WOMAN, "sex": "F",
         "birth_date": "1978-05-12", "relationship": "spouse"},
        {"name": "Nurul Aini", "sex": "F", "birth_date": "31-02-2008", "relationship": "child"},
    ],
}  # fmt: skip


def test_the_api_answers_shape_and_domain_errors_in_one_answer(client, front_office, registered):
    client.force_login(front_office)

    response = client.post(
        reverse("api:household-list"),
        {**API_HOUSEHOLD, "kk_number": TAKEN_KK, "rt": "abc"},
        content_type="application/json",
    )

    assert response.status_code == 400
    body = response.json()
    assert {"kk_number", "rt", "members"} <= set(body)
    assert set(body["members"]) == {"1", "2"}
    assert "laki-laki" in body["members"]["1"]["sex"][0]  # the domain's NIK rule
    assert "birth_date" in body["members"]["2"]  # the shape's
    assert not Household.objects.exclude(pk=registered.pk).exists()


def test_the_api_keeps_3_as_003(client, front_office):
    client.force_login(front_office)
    body = {**API_HOUSEHOLD, "members": API_HOUSEHOLD["members"][:1], "rt": "3", "rw": "10"}

    response = client.post(reverse("api:household-list"), body, content_type="application/json")

    assert response.status_code == 201, response.json()
    assert (response.json()["rt"], response.json()["rw"]) == ("003", "010")


def extract(rt: str) -> io.StringIO:
    header = "dtks_id,kk_number,region_code,address,rt,rw,nik,name,sex,birth_date,relationship"
    row = f"D-1,5272011203150007,52.72.01.1001,Jl. Mawar,{rt},2,,Ahmad,1,01-01-1980,1"
    return io.StringIO(f"{header}\n{row}\n")


def test_the_import_keeps_3_as_003_and_refuses_letters_with_the_same_message():
    kept = import_row_by_row(read_rows(extract("3")))
    refused = import_row_by_row(read_rows(extract("abc")))

    assert kept.refused == 0
    assert Household.objects.values_list("rt", "rw").get() == ("003", "002")
    assert [(error.column, error.message) for error in refused.errors] == [
        ("rt", "Tulis nomornya dengan paling banyak tiga angka, misalnya 003.")
    ]
