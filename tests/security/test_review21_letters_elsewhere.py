"""Review of the letter register (issue 21) from another district: what was found sound,
kept so. A staff member of Rasanae Timur (52.72.02) reaches nothing of a letter or a referral
of Rasanae Barat (52.72.01) and learns nothing of its existence: each answer is the one an
id that does not exist gets."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from letters.models import Letter, LetterBatch
from letters.services import letter_batch_request, letter_draft
from referrals.services import referrals_create
from tests.factories import HouseholdFactory, PersonFactory, staff_user

MONDAY = datetime.datetime(2026, 11, 23, 1, tzinfo=datetime.UTC)
UNKNOWN = 999_999


@pytest.fixture
def reactivation(assessed, back_office, catalogue, kinds):
    """A PBI-JK referral of Rasanae Barat, sent, with its recommendation drafted."""
    with time_machine.travel(MONDAY):
        (referral,) = referrals_create(
            actor=back_office, complaint=assessed(), programs=[catalogue["PBI-JK"]]
        )
    letter = letter_draft(
        actor=back_office, kind=kinds["rekomendasi"], person=referral.household.head,
        referral=referral,
    )  # fmt: skip
    return referral, letter


@pytest.fixture
def resident_elsewhere(kota_bima):
    household = HouseholdFactory(region_id="52.72.02.1008", desil=2, kk_number="5272020101200001")
    return PersonFactory(household=household, name="Orang Timur", relationship="head")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_recommendation_of_a_referral_elsewhere_is_not_drafted(
    reactivation, resident_elsewhere, as_user
):
    referral, _letter = reactivation
    user = staff_user(Role.BACK_OFFICE, scope="52.72.02")

    pages = [
        as_user(user).get(reverse("letters:create"), {"referral": pk, "kind": "rekomendasi"})
        for pk in (referral.pk, UNKNOWN)
    ]
    answers = [
        api(user).post("/api/v1/letters/", {"kind": "rekomendasi", "person": resident_elsewhere.pk,
                                            "referral": pk}, format="json")
        for pk in (referral.pk, UNKNOWN)
    ]  # fmt: skip

    assert [page.status_code for page in pages] == [404, 404]
    assert [answer.status_code for answer in answers] == [400, 400]
    known, unknown = (answer.json()["referral"][0] for answer in answers)
    assert known.replace(str(referral.pk), "ID") == unknown.replace(str(UNKNOWN), "ID")
    assert Letter.objects.count() == 1


def test_a_city_s_officer_names_no_referral_of_another_household(reactivation, resident_elsewhere):
    referral, _letter = reactivation
    city = staff_user(Role.BACK_OFFICE, scope="52.72")

    answer = api(city).post(
        "/api/v1/letters/",
        {"kind": "rekomendasi", "person": resident_elsewhere.pk, "referral": referral.pk},
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json() == {"referral": ["Rujukan ini milik rumah tangga lain."]}


def test_a_letter_elsewhere_answers_as_one_that_does_not_exist(reactivation, as_user):
    referral, letter = reactivation
    head = staff_user(Role.SUPERVISOR, scope="52.72.02")
    client = as_user(head)

    for path in ("detail", "print"):
        assert client.get(reverse(f"letters:{path}", args=[letter.pk])).status_code == 404
    for path in ("issue", "discard"):
        assert client.post(reverse(f"letters:{path}", args=[letter.pk])).status_code == 404
    assert api(head).post(f"/api/v1/letters/{letter.pk}/issue/").status_code == 404
    assert api(head).get("/api/v1/letters/", {"referral": referral.pk}).json()["count"] == 0
    chosen, unknown = (
        client.post(reverse("letters:batch_create"), {"letters": [pk]}, follow=True)
        for pk in (letter.pk, UNKNOWN)
    )
    assert [str(m) for m in chosen.context["messages"]] == [
        str(m) for m in unknown.context["messages"]
    ]
    letter.refresh_from_db()
    assert letter.status == "draft" and not LetterBatch.objects.exists()


def test_a_batch_holding_a_letter_elsewhere_is_no_one_s_of_one_district(
    reactivation, kinds, resident_elsewhere, as_user
):
    _referral, letter = reactivation
    theirs = letter_draft(
        actor=staff_user(Role.BACK_OFFICE, scope="52.72.02"), kind=kinds["suket_dtsen"],
        person=resident_elsewhere,
    )  # fmt: skip
    batch = letter_batch_request(
        actor=staff_user(Role.SUPERVISOR, scope="52.72"), letters=[letter, theirs]
    )

    for scope in ("52.72.01", "52.72.02"):
        client = as_user(staff_user(Role.SUPERVISOR, scope=scope))
        for name in ("batch_detail", "batch_print"):
            assert client.get(reverse(f"letters:{name}", args=[batch.pk])).status_code == 404
        run_again = client.post(reverse("letters:batch_run_again", args=[batch.pk]))
        assert run_again.status_code == 404


def test_the_reactivation_of_a_referral_elsewhere_is_not_recorded(reactivation, as_user):
    referral, _letter = reactivation
    client = as_user(staff_user(Role.BACK_OFFICE, scope="52.72.02"))
    form = {"uploaded_on": "2026-11-25", "result": "active", "result_on": "2026-11-26"}

    answers = [
        client.post(reverse("referrals:reactivation", args=[pk]), form)
        for pk in (referral.pk, UNKNOWN)
    ]

    assert [answer.status_code for answer in answers] == [404, 404]
    assert not referral.events.filter(action="reactivation").exists()
