"""Possible duplicates are listed for a person to decide; nothing is merged silently."""

import datetime
import random
import string

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import DuplicateDismissal, Person
from households.selectors import possible_duplicates
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")
BORN = datetime.date(1982, 8, 3)


@pytest.fixture
def twins():
    """Siti Aminah with her NIK in one household, and again without it in another."""
    first = PersonFactory(
        household=HouseholdFactory(region_id="52.72.01.1001"),
        name="Siti Aminah",
        nik="5272014308820002",
        sex="F",
        birth_date=BORN,
        relationship="spouse",
    )
    second = PersonFactory(
        household=HouseholdFactory(region_id="52.72.01.1003"),
        name="SITI AMINAH",
        sex="F",
        birth_date=BORN,
        relationship="other",
    )
    return first, second


def pairs_of(user) -> set[tuple[int, int]]:
    return {(pair.first.pk, pair.second.pk) for pair in possible_duplicates(user)}


def test_same_normalised_name_and_birth_date_in_two_households_is_listed(twins):
    first, second = twins

    assert pairs_of(staff_user(scope="52.72")) == {(first.pk, second.pk)}
    assert possible_duplicates(staff_user(scope="52.72"))[0].same_name


def test_a_very_similar_name_with_the_same_birth_date_is_listed(twins):
    first, _second = twins
    misspelt = PersonFactory(
        household=HouseholdFactory(region_id="52.72.01.1004"),
        name="Siti Aminha",
        sex="F",
        birth_date=BORN,
    )

    assert (first.pk, misspelt.pk) in pairs_of(staff_user(scope="52.72"))


def test_a_different_name_or_birth_date_is_not_listed(twins):
    _first, _second = twins
    PersonFactory(household=HouseholdFactory(), name="Siti Aisyah", sex="F", birth_date=BORN)
    PersonFactory(household=HouseholdFactory(), name="Siti Aminah", sex="F",
                  birth_date=datetime.date(1982, 8, 4))  # fmt: skip

    assert len(pairs_of(staff_user(scope="52.72"))) == 1


def test_people_of_one_household_are_not_listed(twins):
    first, _second = twins
    same_household = PersonFactory(
        household=first.household, name="Siti Aminah", sex="F", birth_date=BORN
    )

    assert (first.pk, same_household.pk) not in pairs_of(staff_user(scope="52.72"))


def test_pairs_reaching_outside_the_scope_are_not_listed(twins):
    assert pairs_of(staff_user(scope="52.72.01.1001")) == set()


def test_not_duplicate_hides_the_pair_and_keeps_both(as_user, twins):
    first, second = twins
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    response = client.post(
        reverse("households:duplicate_review", args=[first.pk, second.pk]),
        {"decision": "not_duplicate", "note": "Ibu dan tante"},
    )

    assert response.status_code == 302
    assert Person.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert DuplicateDismissal.objects.get().note == "Ibu dan tante"
    assert pairs_of(staff_user(scope="52.72")) == set()


def test_keeping_one_record_removes_the_other_and_keeps_its_nik(as_user, twins):
    first, second = twins
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    # Keep the second record (no NIK): it takes the first record's NIK.
    client.post(
        reverse("households:duplicate_review", args=[first.pk, second.pk]),
        {"decision": "keep_second"},
    )

    assert not Person.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.nik == "5272014308820002"
    removal = Person.history.filter(id=first.pk, history_type="-").get()
    assert removal.history_change_reason.startswith("Duplikat")


def test_a_head_cannot_be_removed_as_a_duplicate(as_user, twins):
    first, second = twins
    Person.objects.filter(pk=second.pk).update(relationship="head")
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    response = client.post(
        reverse("households:duplicate_review", args=[first.pk, second.pk]),
        {"decision": "keep_first"},
    )

    assert response.status_code == 400
    assert "kepala" in response.content.decode()
    assert Person.objects.filter(pk=second.pk).exists()


def test_the_review_page_shows_both_records_whole(as_user, twins):
    first, second = twins
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    page = client.get(reverse("households:duplicate_review", args=[first.pk, second.pk]))

    assert page.status_code == 200
    assert "5272014308820002" in page.content.decode()


def test_a_supervisor_reviews_but_does_not_decide(as_user, twins):
    first, second = twins
    client = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72"))

    page = client.get(reverse("households:duplicate_review", args=[first.pk, second.pk]))
    client.post(
        reverse("households:duplicate_review", args=[first.pk, second.pk]),
        {"decision": "keep_first"},
    )

    assert 'name="decision"' not in page.content.decode()
    assert Person.objects.filter(pk=second.pk).exists()


def test_a_pair_outside_the_scope_answers_404(as_user, twins):
    first, second = twins
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72.01.1001"))

    response = client.get(reverse("households:duplicate_review", args=[first.pk, second.pk]))

    assert response.status_code == 404


def test_a_user_without_working_area_sees_an_empty_list(as_user, twins):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope=None))

    response = client.get(reverse("households:duplicates"))

    assert response.status_code == 200
    assert response.context["pairs"] == []


def test_a_long_note_is_kept_short_in_the_history(as_user, twins):
    first, second = twins
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    response = client.post(
        reverse("households:duplicate_review", args=[first.pk, second.pk]),
        {"decision": "keep_second", "note": "x" * 500},
    )

    assert response.status_code == 302
    removal = Person.history.filter(id=first.pk, history_type="-").get()
    assert len(removal.history_change_reason) <= 100


def test_a_similar_pair_is_found_among_many_people_born_the_same_day():
    born = datetime.date(1980, 1, 1)
    letters = random.Random(7)
    for _n in range(50):  # fifty unrelated names, all born that day
        name = "".join(letters.choice(string.ascii_lowercase) for _i in range(14))
        PersonFactory(household=HouseholdFactory(), name=name, birth_date=born)
    first = PersonFactory(household=HouseholdFactory(), name="Siti Aminah Rahmawati",
                          birth_date=born, sex="F")  # fmt: skip
    second = PersonFactory(household=HouseholdFactory(), name="Siti Aminha Rahmawati",
                           birth_date=born, sex="F")  # fmt: skip

    assert (first.pk, second.pk) in pairs_of(staff_user(scope="52.72"))
