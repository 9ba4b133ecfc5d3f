"""Assessing needs moves a complaint to assessed; matching lists programmes, eligible first,
each with its explanation."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from complaints.services import complaint_assess, complaint_record_consent
from programs.models import Enrollment, Program
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def back_office(kota_bima):
    call_command("seed_programs", verbosity=0)
    return staff_user(role=Role.BACK_OFFICE, scope="52.72", username="bo1")


@pytest.fixture
def poor_household(household):
    household.desil = 3
    household.save()
    return household


def test_assessing_records_needs_and_moves_to_assessed(register, back_office):
    complaint = complaint_assess(
        actor=back_office,
        complaint=register(),
        needs=[
            {"domain": "health", "severity": 3, "notes": "KIS mati"},
            {"domain": "food", "severity": 1},
        ],
    )

    assert complaint.status == "assessed"
    assert sorted(complaint.assessment.domains) == ["food", "health"]
    assert complaint.events.last().to_status == "assessed"


def test_assessing_again_replaces_the_needs_and_keeps_the_status(register, back_office):
    complaint = complaint_assess(
        actor=back_office, complaint=register(), needs=[{"domain": "health", "severity": 2}]
    )

    again = complaint_assess(
        actor=back_office, complaint=complaint, needs=[{"domain": "housing", "severity": 2}]
    )

    assert again.status == "assessed"
    assert again.assessment.domains == ["housing"]


def test_the_timeline_names_each_step_a_second_assessment_and_a_consent_too(
    as_user, register, back_office
):
    complaint = register(consent_given=False)
    complaint_record_consent(actor=back_office, complaint=complaint)
    for domain in ("health", "housing"):
        complaint_assess(
            actor=back_office, complaint=complaint, needs=[{"domain": domain, "severity": 2}]
        )

    page = as_user(back_office).get(reverse("complaints:detail", args=[complaint.pk]))

    timeline = page.content.decode().split("list-group-numbered")[-1]
    assert "Persetujuan dicatat" in timeline
    assert "Diasesmen ulang" in timeline
    assert list(complaint.events.values_list("action", flat=True)) == [
        "registered",
        "consent",
        "status",
        "assessed",
    ]


@pytest.mark.parametrize(
    "needs",
    [
        [],
        [{"domain": "luck", "severity": 2}],
        [{"domain": "health", "severity": 4}],
        [{"domain": "health", "severity": True}],
        [{"domain": "health", "severity": 2}, {"domain": "health", "severity": 1}],
    ],
)
def test_bad_needs_are_refused_and_change_nothing(register, back_office, needs):
    complaint = register()

    with pytest.raises(ValidationError) as raised:
        complaint_assess(actor=back_office, complaint=complaint, needs=needs)

    complaint.refresh_from_db()
    assert "needs" in raised.value.message_dict
    assert complaint.status == "registered"
    assert not hasattr(complaint, "assessment") or complaint.assessment is None


def test_the_page_shows_matches_eligible_first_with_reasons(
    as_user, register, back_office, poor_household
):
    Enrollment.objects.create(household=poor_household, program=Program.objects.get(code="PBI-JK"))
    complaint = register()
    client = as_user(back_office)

    response = client.post(
        reverse("complaints:assess", args=[complaint.pk]),
        {"health__on": "on", "health__severity": "3", "health__notes": "KIS mati"},
        follow=True,
    )

    page = response.content.decode()
    assert "sudah diasesmen" in page
    assert "desil 3 ≤ 5" in page  # PBI-JK's reason, in words
    assert "sudah menerima PBI-JK" in page
    matches = response.context["matches"]
    assert [m.eligible for m in matches] == sorted((m.eligible for m in matches), reverse=True)
    assert {m.program.code for m in matches} >= {"PBI-JK", "JAMKESDA"}
    jamkesda = next(m for m in matches if m.program.code == "JAMKESDA")
    assert not jamkesda.eligible  # it already receives the national PBI


def test_an_empty_assessment_on_the_page_says_what_is_missing(as_user, register, back_office):
    complaint = register()
    client = as_user(back_office)

    response = client.post(reverse("complaints:assess", args=[complaint.pk]), {})

    assert response.status_code == 400
    assert "Catat minimal satu kebutuhan" in response.content.decode()


def test_the_api_assesses_and_lists_matches(client, register, back_office, poor_household):
    complaint = register()
    client.force_login(back_office)

    assessed = client.post(
        reverse("api:complaint-assessment", args=[complaint.pk]),
        {"needs": [{"domain": "food", "severity": 2, "notes": ""}]},
        content_type="application/json",
    )
    matches = client.get(reverse("api:complaint-matches", args=[complaint.pk])).json()

    assert assessed.status_code == 200, assessed.json()
    assert assessed.json()["status"] == "assessed"
    by_code = {m["program"]: m for m in matches}
    assert by_code["BPNT"]["eligible"] is True
    assert by_code["BPNT"]["addresses"] == ["food"]
    assert by_code["BPNT"]["explanation"][0] == {"depth": 0, "text": "desil 3 ≤ 5", "met": True}
    assert by_code["BPNT"]["summary"] == "Memenuhi: desil 3"


def test_the_api_refuses_bad_needs_by_field(client, register, back_office):
    complaint = register()
    client.force_login(back_office)

    response = client.post(
        reverse("api:complaint-assessment", args=[complaint.pk]),
        {"needs": [{"domain": "luck", "severity": 9}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["needs"]["0"]) == {"domain", "severity"}


def test_front_office_cannot_assess(client, front_office, register):
    complaint = register()
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-assessment", args=[complaint.pk]),
        {"needs": [{"domain": "food", "severity": 2}]},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_matching_reads_the_members_once_not_per_programme(
    client, register, back_office, poor_household, django_assert_max_num_queries
):
    complaint = complaint_assess(
        actor=back_office,
        complaint=register(),
        needs=[{"domain": d, "severity": 2} for d in ("health", "food", "housing", "education")],
    )
    client.force_login(back_office)

    with django_assert_max_num_queries(12):
        client.get(reverse("api:complaint-matches", args=[complaint.pk]))
