"""The one search box: exact NIK or KK, fuzzy names best first, only within scope."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.selectors import registry_search
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


@pytest.fixture
def registry():
    barat = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    timur = HouseholdFactory(region_id="52.72.02.1008", kk_number="5272021910160003")
    people = {
        "yusuf": PersonFactory(
            household=barat,
            name="Muhammad Yusuf",
            nik="5272011205780001",
            relationship="head",
            birth_date=datetime.date(1978, 5, 12),
        ),
        "aminah": PersonFactory(
            household=barat,
            name="Siti Aminah",
            nik="5272014308820002",
            sex="F",
            relationship="spouse",
            birth_date=datetime.date(1982, 8, 3),
        ),
        "amina": PersonFactory(
            household=barat,
            name="Aminah Daeng",
            relationship="parent",
            sex="F",
            birth_date=datetime.date(1950, 1, 1),
        ),
        "haris": PersonFactory(
            household=timur,
            name="Abdul Haris",
            nik="5272022503850001",
            relationship="head",
            birth_date=datetime.date(1985, 3, 25),
        ),
        "aminah_timur": PersonFactory(
            household=timur,
            name="Siti Aminah",
            sex="F",
            relationship="spouse",
            birth_date=datetime.date(1990, 1, 1),
        ),
    }
    return people


def test_a_nik_finds_exactly_that_person(registry):
    result = registry_search(staff_user(scope="52.72"), "5272014308820002")

    assert result.kind == "nik"
    assert result.persons == [registry["aminah"]]


def test_a_nik_typed_with_spaces_is_still_found(registry):
    result = registry_search(staff_user(scope="52.72"), "527201 430882 0002")

    assert result.persons == [registry["aminah"]]


def test_a_kk_number_finds_the_members_head_first(registry):
    result = registry_search(staff_user(scope="52.72"), "5272011203150001")

    assert result.kind == "kk"
    assert result.persons[0] == registry["yusuf"]
    assert set(result.persons) == {registry["yusuf"], registry["aminah"], registry["amina"]}


def test_a_misspelt_name_finds_the_person_best_first(registry):
    result = registry_search(staff_user(scope="52.72.01"), "siti aminha")

    assert result.kind == "name"
    assert result.persons[0] == registry["aminah"]


def test_part_of_a_name_finds_people_with_that_name(registry):
    result = registry_search(staff_user(scope="52.72.01"), "Aminah")

    assert set(result.persons) == {registry["aminah"], registry["amina"]}


def test_titles_and_case_do_not_matter(registry):
    result = registry_search(staff_user(scope="52.72.01"), "H. MUHAMAD yusuf")

    assert result.persons[0] == registry["yusuf"]


def test_search_stays_within_scope(registry):
    user = staff_user(scope="52.72.01")

    by_name = registry_search(user, "Abdul Haris")
    by_nik = registry_search(user, "5272022503850001")
    by_kk = registry_search(user, "5272021910160003")

    assert by_name.persons == []
    assert by_nik.persons == []
    assert by_kk.persons == []
    assert registry["aminah_timur"] not in registry_search(user, "Siti Aminah").persons


def test_an_unrelated_name_finds_nothing(registry):
    assert registry_search(staff_user(scope="52.72"), "Bambang Pamungkas").persons == []


def test_search_page_masks_identifiers_and_offers_registration_on_a_miss(as_user, registry):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    found = client.get(reverse("households:search"), {"q": "Siti Aminah"}).content.decode()
    missed = client.get(reverse("households:search"), {"q": "Bambang Pamungkas"}).content.decode()

    assert "••••••••••••0002" in found
    assert "5272014308820002" not in found
    assert reverse("households:register") + "?q=Bambang%20Pamungkas" in missed


def test_search_page_queries_do_not_grow_with_results(
    as_user, registry, django_assert_max_num_queries
):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    with django_assert_max_num_queries(9):
        client.get(reverse("households:search"), {"q": "Siti Aminah"})


def test_the_household_list_shows_each_heads_name_beside_the_masked_kk(as_user, registry):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    page = client.get(reverse("households:search")).content.decode()

    assert "Muhammad Yusuf" in page and "Abdul Haris" in page
    assert "••••••••••••0001" in page  # the KK still shows its last four digits only
    assert "5272011203150001" not in page


def test_a_found_member_is_shown_with_the_head_of_their_household(as_user, registry):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    page = client.get(reverse("households:search"), {"q": "Siti Aminah"}).content.decode()

    assert "kepala keluarga: Muhammad Yusuf" in page
    assert "kepala keluarga: Abdul Haris" in page


def test_the_household_list_reads_the_heads_in_one_query_however_many_rows(
    as_user, registry, django_assert_max_num_queries
):
    for _ in range(10):
        PersonFactory(relationship="head", household=HouseholdFactory(kk_number=None))
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    with django_assert_max_num_queries(11):  # the page's ten, and the heads
        response = client.get(reverse("households:search"))

    assert len(response.context["page"].object_list) == 12
