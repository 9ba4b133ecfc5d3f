"""Registering and editing a household with its members: all or nothing, clear messages."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from households.models import Household, Person
from households.services import household_register, household_update
from regions.time_zones import local_date_in
from slrt.field_errors import ITEM_PATH
from tests.factories import staff_user
from tests.households.test_import_scope import (  # noqa: F401 (fixtures)
    mataram_household,
    other_district_household,
)

pytestmark = pytest.mark.usefixtures("kota_bima")


def head(**fields) -> dict:
    return {
        "name": "Muhammad Yusuf",
        "nik": "5272011205780001",
        "sex": "M",
        "birth_date": datetime.date(1978, 5, 12),
        "relationship": "head",
        **fields,
    }


def spouse(**fields) -> dict:
    return {
        "name": "Siti Aminah",
        "nik": "5272014308820002",
        "sex": "F",
        "birth_date": datetime.date(1982, 8, 3),
        "relationship": "spouse",
        **fields,
    }


def household(**fields) -> dict:
    return {
        "kk_number": "5272011203150001",
        "region": "52.72.01.1001",
        "address": "Jl. Soekarno-Hatta No. 12",
        **fields,
    }


@pytest.fixture
def front_office():
    return staff_user(role=Role.FRONT_OFFICE, scope="52.72.01")


def test_a_household_of_two_is_registered_with_its_head(front_office):
    saved = household_register(
        actor=front_office, household=household(), members=[head(), spouse()]
    )

    assert saved.region_id == "52.72.01.1001"
    assert [(p.name, p.relationship) for p in saved.members.all()] == [
        ("Muhammad Yusuf", "head"),
        ("Siti Aminah", "spouse"),
    ]
    assert saved.members.get(nik="5272014308820002").name_normalized == "siti aminah"
    assert saved.history.count() == 1


def test_a_member_without_nik_is_stored_without_one(front_office):
    saved = household_register(
        actor=front_office, household=household(), members=[head(), spouse(nik="")]
    )

    assert saved.members.get(name="Siti Aminah").nik is None


@dataclass
class Refused:
    """A refusal's messages: by household field, and by member (by position) and field."""

    household: dict[str, list[str]] = field(default_factory=dict)
    members: defaultdict[int, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(dict)
    )


def errors_of(actor, household_fields, members, instance=None) -> Refused:
    with pytest.raises(ValidationError) as raised:
        if instance is None:
            household_register(actor=actor, household=household_fields, members=members)
        else:
            household_update(
                actor=actor, instance=instance, household=household_fields, members=members
            )
    refused = Refused()
    for key, messages in raised.value.message_dict.items():
        if path := ITEM_PATH.fullmatch(key):
            refused.members[int(path["index"])][path["field"]] = messages
        else:
            refused.household[key] = messages
    return refused


def test_nothing_is_saved_when_one_member_is_wrong(front_office):
    error = errors_of(front_office, household(), [head(), spouse(sex="M")])

    assert error.household == {}
    assert error.members[0] == {}
    assert list(error.members[1]) == ["sex"]
    assert not Household.objects.exists()
    assert not Person.objects.exists()


def test_a_nik_disagreeing_with_the_birth_date_is_refused_on_that_field(front_office):
    error = errors_of(front_office, household(), [head(birth_date=datetime.date(1978, 5, 13))])

    assert list(error.members[0]) == ["birth_date"]
    assert "12-05-..78" in error.members[0]["birth_date"][0]


def test_a_broken_kk_number_is_refused(front_office):
    error = errors_of(front_office, household(kk_number="5272011203150000"), [head()])

    assert list(error.household) == ["kk_number"]


def test_a_household_needs_exactly_one_head(front_office):
    no_head = errors_of(front_office, household(), [spouse()])
    two_heads = errors_of(front_office, household(), [head(), spouse(relationship="head")])

    assert "members" in no_head.household
    assert list(two_heads.members[1]) == ["relationship"]


def test_a_household_needs_a_member(front_office):
    assert "members" in errors_of(front_office, household(), []).household


def test_a_nik_or_kk_already_registered_is_refused(front_office):
    household_register(actor=front_office, household=household(), members=[head()])

    again = errors_of(
        front_office,
        household(kk_number="5272011203150002"),
        [head(name="Someone Else")],
    )
    same_kk = errors_of(front_office, household(), [spouse(relationship="head")])

    assert list(again.members[0]) == ["nik"]
    assert list(same_kk.household) == ["kk_number"]
    assert Household.objects.count() == 1


def test_the_same_nik_twice_in_one_household_is_refused(front_office):
    error = errors_of(front_office, household(), [head(), head(relationship="child")])

    assert "nik" in error.members[1]


def test_a_village_outside_the_working_area_is_refused(front_office):
    error = errors_of(front_office, household(region="52.72.02.1008"), [head()])

    assert list(error.household) == ["region"]


def test_a_district_instead_of_a_village_is_refused(front_office):
    error = errors_of(front_office, household(region="52.72.01"), [head()])

    assert list(error.household) == ["region"]


def test_a_man_cannot_be_recorded_pregnant(front_office):
    error = errors_of(front_office, household(), [head(is_pregnant=True)])

    assert list(error.members[0]) == ["is_pregnant"]


def test_a_future_birth_date_is_refused(front_office):
    tomorrow = local_date_in("52.72.01") + datetime.timedelta(days=1)  # in Bima's zone
    error = errors_of(front_office, household(), [head(nik="", birth_date=tomorrow)])

    assert list(error.members[0]) == ["birth_date"]


@time_machine.travel(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC))
def test_a_baby_born_this_morning_in_bima_is_registered(front_office):
    this_morning = datetime.date(2026, 12, 2)  # 06:30 WIB, still 1 December in UTC
    baby = {"name": "Bayi Perempuan", "relationship": "child", "sex": "F",
            "birth_date": this_morning}  # fmt: skip

    saved = household_register(actor=front_office, household=household(), members=[head(), baby])

    assert saved.members.get(name="Bayi Perempuan").birth_date == this_morning


def test_update_edits_adds_removes_members_and_moves_the_headship(front_office):
    saved = household_register(
        actor=front_office, household=household(), members=[head(), spouse()]
    )
    yusuf, aminah = saved.members.all()
    child = {
        "name": "Ahmad Fauzan",
        "nik": "5272010902150004",
        "sex": "M",
        "birth_date": datetime.date(2015, 2, 9),
        "relationship": "child",
    }

    household_update(
        actor=front_office,
        instance=saved,
        household=household(address="Jl. Baru 1"),
        members=[spouse(id=aminah.pk, relationship="head"), child],
    )

    saved.refresh_from_db()
    assert saved.address == "Jl. Baru 1"
    assert [(p.name, p.relationship) for p in saved.members.all()] == [
        ("Siti Aminah", "head"),
        ("Ahmad Fauzan", "child"),
    ]
    assert not Person.objects.filter(pk=yusuf.pk).exists()


def test_update_refuses_a_member_of_another_household(front_office):
    first = household_register(actor=front_office, household=household(), members=[head()])
    second = household_register(
        actor=front_office,
        household=household(kk_number="5272011203150002"),
        members=[spouse(relationship="head")],
    )
    stranger = first.members.get()

    error = errors_of(
        front_office,
        household(kk_number="5272011203150002"),
        [
            spouse(relationship="head", id=second.members.get().pk),
            head(id=stranger.pk, relationship="child"),
        ],
        instance=second,
    )

    assert "id" in error.members[1]
    assert first.members.get().relationship == "head"


# --- the pages ---------------------------------------------------------------------------------


def member_post(index: int, **fields) -> dict:
    return {f"members-{index}-{key}": value for key, value in fields.items()}


def form_post(*members: dict, **household_fields) -> dict:
    data = {
        "kk_number": "5272011203150001",
        "region__district": "52.72.01",
        "region__village": "52.72.01.1001",
        "address": "Jl. Soekarno-Hatta No. 12",
        "rt": "003",
        "rw": "001",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        **household_fields,
    }
    for index, member in enumerate(members):
        data.update(member_post(index, **member))
    return data


FAMILY_OF_FOUR = [
    {"name": "Muhammad Yusuf", "nik": "5272011205780001", "relationship": "head", "sex": "M",
     "birth_date": "1978-05-12", "disability": "0", "chronic_illness": "0"},
    {"name": "Siti Aminah", "nik": "5272014308820002", "relationship": "spouse", "sex": "F",
     "birth_date": "1982-08-03", "disability": "0", "chronic_illness": "0", "is_pregnant": "on"},
    {"name": "Nurul Aini", "nik": "5272016111080003", "relationship": "child", "sex": "F",
     "birth_date": "2008-11-21", "disability": "0", "chronic_illness": "0",
     "schooling": "senior", "school_participation": "in_school"},
    {"name": "Bayi Yusuf", "nik": "", "relationship": "child", "sex": "M",
     "birth_date": "2026-01-05", "disability": "0", "chronic_illness": "0"},
]  # fmt: skip


def test_front_office_registers_a_household_of_four_on_the_page(as_user, front_office):
    client = as_user(front_office)

    response = client.post(reverse("households:register"), form_post(*FAMILY_OF_FOUR))

    saved = Household.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[saved.pk])
    assert saved.members.count() == 4
    assert saved.members.get(name="Siti Aminah").is_pregnant
    detail = client.get(response.url).content.decode()
    assert "5272014308820002" in detail  # whole on the detail page


def test_a_wrong_nik_on_the_page_is_shown_beside_it_and_nothing_is_saved(as_user, front_office):
    client = as_user(front_office)
    members = [*FAMILY_OF_FOUR[:2], {**FAMILY_OF_FOUR[2], "nik": "5272012111080003"}]

    response = client.post(reverse("households:register"), form_post(*members))

    assert response.status_code == 400
    page = response.content.decode()
    assert "NIK ini milik laki-laki" in page
    assert "Belum ada yang disimpan" in page
    assert not Household.objects.exists()


def test_a_missing_name_and_date_are_field_errors_not_a_crash(as_user, front_office):
    client = as_user(front_office)
    members = [{"relationship": "head", "sex": "M", "disability": "0", "chronic_illness": "0",
                "birth_date": "31-02-1990"}]  # fmt: skip

    response = client.post(reverse("households:register"), form_post(*members, region__village=""))

    assert response.status_code == 400
    form, formset = response.context["form"], response.context["formset"]
    assert "region" in form.errors
    assert {"name", "birth_date"} <= set(formset.forms[0].errors)
    assert not Household.objects.exists()


def test_add_a_member_adds_an_empty_row_and_saves_nothing(as_user, front_office):
    client = as_user(front_office)

    response = client.post(
        reverse("households:register"), {**form_post(FAMILY_OF_FOUR[0]), "add_member": "1"}
    )

    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 2
    assert response.context["formset"].forms[0]["name"].value() == "Muhammad Yusuf"
    assert not Household.objects.exists()


def test_edit_page_saves_changes(as_user, front_office):
    saved = household_register(actor=front_office, household=household(), members=[head()])
    person = saved.members.get()
    client = as_user(front_office)
    data = form_post({**FAMILY_OF_FOUR[0], "id": str(person.pk)}, address="Jl. Baru 2")
    data["members-INITIAL_FORMS"] = "1"

    response = client.post(reverse("households:edit", args=[saved.pk]), data)

    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.address == "Jl. Baru 2"
    assert saved.members.get().pk == person.pk


def test_edit_page_of_another_district_answers_404(as_user, front_office):
    other = household_register(
        actor=staff_user(scope="52.72"),
        household=household(region="52.72.02.1008"),
        members=[head()],
    )
    client = as_user(front_office)

    assert client.get(reverse("households:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("households:edit", args=[other.pk]), {}).status_code == 404


def test_supervisor_cannot_register_households(as_user):
    client = as_user(staff_user(role=Role.SUPERVISOR))

    assert client.get(reverse("households:register")).status_code == 403


def test_a_tampered_form_count_builds_at_most_thirty_forms(as_user, front_office):
    client = as_user(front_office)
    data = form_post(*FAMILY_OF_FOUR)
    data["members-TOTAL_FORMS"] = "100000000"

    response = client.post(reverse("households:register"), data)

    assert response.status_code == 400
    assert len(response.context["formset"].forms) <= 30
    assert not Household.objects.exists()


def test_a_name_without_letters_is_refused(front_office):
    error = errors_of(front_office, household(), [head(name="...")])

    assert list(error.members[0]) == ["name"]


def test_a_birth_date_centuries_ago_is_refused_as_too_early(front_office):
    error = errors_of(front_office, household(), [head(nik="", birth_date=datetime.date(1, 1, 1))])

    assert "terlalu" in error.members[0]["birth_date"][0]


def test_the_rules_of_a_household_by_itself_need_no_database(django_assert_num_queries):
    from households.rules import household_rule_errors

    twins = [head(), head(name="Yusuf Kedua", is_pregnant=True)]  # same NIK, two heads

    with django_assert_num_queries(0):
        household_errors, member_errors = household_rule_errors(
            household(kk_number="5272011203150000"), twins, today=datetime.date(2026, 11, 30)
        )

    assert set(household_errors) == {"kk_number"}
    assert set(member_errors[1]) >= {"relationship", "is_pregnant", "nik"}


# --- a NIK or KK number registered already: said without saying where ---

ELSEWHERE_NIK = "NIK ini sudah terdaftar; hubungi supervisor untuk memindahkan data"
ELSEWHERE_KK = "Nomor KK ini sudah terdaftar; hubungi supervisor untuk memindahkan data"


def registered_checks_of(user) -> list[tuple]:
    return list(
        AccessLog.objects.filter(user=user, action=AccessLog.Action.SEARCH).values_list(
            "what", "household_id", "query"
        )
    )


def test_a_nik_of_another_city_is_refused_without_a_word_of_where_and_logged(front_office, mataram):
    # The head of the Mataram household (tests/households/test_import_scope.py).
    baiq = {"name": "Baiq Aminah", "nik": "5271014308820005", "sex": "F",
            "birth_date": datetime.date(1982, 8, 3), "relationship": "head"}  # fmt: skip

    refused = errors_of(front_office, household(), [baiq])

    assert refused.members[0] == {"nik": [ELSEWHERE_NIK]}
    assert registered_checks_of(front_office) == [
        ("NIK sudah terdaftar", mataram.pk, "5271014308820005")
    ]
    assert not Household.objects.filter(region_id="52.72.01.1001").exists()


def test_a_kk_number_of_another_district_is_refused_without_a_word_of_where_and_logged(
    front_office, other_district
):
    refused = errors_of(front_office, household(kk_number=other_district.kk_number), [head()])

    assert refused.household == {"kk_number": [ELSEWHERE_KK]}
    assert registered_checks_of(front_office) == [
        ("Nomor KK sudah terdaftar", other_district.pk, other_district.kk_number)
    ]


def test_a_nik_or_kk_registered_in_the_users_area_names_that_household(front_office):
    saved = household_register(actor=front_office, household=household(), members=[head()])

    refused = errors_of(front_office, household(), [head()])

    assert refused.household["kk_number"] == [
        f"Nomor KK ini sudah terdaftar di wilayah Anda, pada rumah tangga {saved.pk}."
    ]
    assert refused.members[0]["nik"] == [
        f"NIK ini sudah terdaftar di wilayah Anda, pada rumah tangga {saved.pk}."
    ]
    assert len(registered_checks_of(front_office)) == 2


def test_the_page_says_a_nik_is_registered_without_saying_where(as_user, front_office, mataram):
    client = as_user(front_office)
    baiq = {
        "name": "Baiq Aminah",
        "nik": "5271014308820005",
        "relationship": "head",
        "sex": "F",
        "birth_date": "1982-08-03",
        "disability": "0",
        "chronic_illness": "0",
    }

    response = client.post(reverse("households:register"), form_post(baiq))

    assert response.status_code == 400
    page = response.content.decode()
    assert ELSEWHERE_NIK in page
    assert "Mataram" not in page and "52.71" not in page
    assert len(registered_checks_of(front_office)) == 1


def test_front_office_cannot_set_the_registry_only_fields(front_office):
    saved = household_register(
        actor=front_office,
        household=household(desil=1, desil_source="DTKS", dtks_id="DTKS-9",
                            desil_date=datetime.date(2026, 1, 1)),
        members=[head()],
    )  # fmt: skip

    assert (saved.desil, saved.desil_source, saved.desil_date, saved.dtks_id) == (
        None, "", None, None
    )  # fmt: skip
