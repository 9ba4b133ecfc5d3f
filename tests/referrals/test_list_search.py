"""The referral list's (and the agency inbox's) search box: a whole referral number, a
ticket number whole or in part, the head's or the complainant's name; only inside the
user's area; the list's total."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from referrals.models import Referral
from referrals.services import referrals_create
from tests.factories import HouseholdFactory, PersonFactory, staff_user

LIST = reverse("referrals:list")


@pytest.fixture
def referrals(assessed, back_office, catalogue):
    """Two complaints of Abdul Haris's household, referred to PKH and JAMKESDA: four."""
    made = []
    for _ in range(2):
        made += referrals_create(
            actor=back_office,
            complaint=assessed(),
            programs=[catalogue["PKH"], catalogue["JAMKESDA"]],
        )
    return made


def found(response) -> set[int]:
    assert response.status_code == 200
    return {referral.pk for referral in response.context["page"].object_list}


def test_a_whole_referral_number_finds_that_referral(referrals, back_office, as_user):
    referral = referrals[1]

    response = as_user(back_office).get(LIST, {"q": referral.number.lower()})

    assert found(response) == {referral.pk}


def test_a_ticket_number_finds_the_complaints_referrals(referrals, back_office, as_user):
    ticket = referrals[0].complaint.ticket_number

    whole = as_user(back_office).get(LIST, {"q": ticket})
    part = as_user(back_office).get(LIST, {"q": ticket[-4:]})

    assert found(whole) == found(part) == {referrals[0].pk, referrals[1].pk}


def test_the_heads_name_finds_the_households_referrals(referrals, back_office, as_user):
    response = as_user(back_office).get(LIST, {"q": "abdul haris"})

    assert found(response) == {referral.pk for referral in referrals}
    assert "4 rujukan" in response.content.decode()


def test_the_list_says_its_total(referrals, back_office, as_user):
    page = as_user(back_office).get(LIST).content.decode()

    assert "4 rujukan" in page


def test_a_referral_outside_the_area_is_not_found(referrals, as_user, kota_bima):
    other_district = staff_user(Role.BACK_OFFICE, scope="52.72.02")
    PersonFactory(name="Abdul Haris", relationship="head",
                  household=HouseholdFactory(region_id="52.72.02.1008"))  # fmt: skip

    by_number = as_user(other_district).get(LIST, {"q": referrals[0].number})
    by_name = as_user(other_district).get(LIST, {"q": "Abdul Haris"})

    assert found(by_number) == found(by_name) == set()
    assert "Tidak ada rujukan di sini." in by_number.content.decode()
    assert "0 rujukan" in by_name.content.decode()


def test_the_agency_inbox_searches_only_its_agencys_referrals(
    referrals, officer_of, catalogue, as_user
):
    assert catalogue["PKH"].agency_id != catalogue["JAMKESDA"].agency_id
    officer = officer_of("PKH")
    pkh = {r.pk for r in referrals if r.program.code == "PKH"}
    jamkesda = next(r for r in referrals if r.program.code == "JAMKESDA")

    by_name = as_user(officer).get(LIST, {"q": "Haris"})
    by_number = as_user(officer).get(LIST, {"q": jamkesda.number})

    assert found(by_name) == pkh
    assert found(by_number) == set()


def test_a_search_too_short_is_refused_with_a_message(referrals, back_office, as_user):
    response = as_user(back_office).get(LIST, {"q": "ab"})

    assert response.status_code == 400
    assert "Ketik sedikitnya 3 karakter" in response.content.decode()


def test_the_searched_list_takes_a_handful_of_queries(
    referrals, back_office, as_user, django_assert_max_num_queries
):
    client = as_user(back_office)

    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"q": "haris"})

    assert len(found(response)) == 4


def test_a_referral_is_named_by_its_number(referrals):
    referral = Referral.objects.select_related("complaint").get(pk=referrals[0].pk)

    assert str(referral) == f"{referral.complaint.ticket_number}/R{referral.sequence}"
