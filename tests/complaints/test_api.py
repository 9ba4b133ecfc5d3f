import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint
from complaints.services import complaint_assess, complaint_close
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.django_db


def body(household, **fields):
    return {
        "household": household.pk,
        "complainant": household.members.first().pk,
        "channel": "whatsapp",
        "category": "kesehatan-pbi",
        "description": "KIS nonaktif",
        "urgency": "urgent",
        "consent_given": True,
        **fields,
    }


def test_register_through_the_api(client, front_office, household):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"), body(household), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["ticket_number"].startswith("SLRT-5272-")
    assert data["status"] == "registered"
    assert data["events"][0]["via"] == "api"


def test_api_errors_are_field_level(client, front_office, household):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        body(household, category="nope", channel="fax", complainant=None, complainant_name=""),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert {"category", "channel"} <= set(response.json())
    assert not Complaint.objects.exists()


def test_a_household_outside_the_scope_does_not_exist_for_the_api(client, front_office):
    outside = HouseholdFactory(region_id="52.72.02.1008")
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        {"household": outside.pk, "complainant_name": "X", "channel": "phone",
         "category": "lainnya", "description": "x"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert "household" in response.json()


def test_close_through_the_api(client, register, kota_bima):
    complaint = register()
    client.force_login(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    refused = client.post(
        reverse("api:complaint-close", args=[complaint.pk]),
        {"closure_reason": "served", "note": "x"},
        content_type="application/json",
    )
    closed = client.post(
        reverse("api:complaint-close", args=[complaint.pk]),
        {"closure_reason": "handled_directly", "note": "Dijawab di meja"},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert "closure_reason" in refused.json()
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"


def test_front_office_cannot_close_through_the_api(client, front_office, register):
    complaint = register()
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-close", args=[complaint.pk]),
        {"closure_reason": "handled_directly", "note": "x"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_list_and_retrieve_stay_in_scope(client, register, kota_bima):
    complaint = register()
    client.force_login(staff_user(role=Role.BACK_OFFICE, scope="52.72.02"))

    assert client.get(reverse("api:complaint-list")).json()["count"] == 0
    assert client.get(reverse("api:complaint-detail", args=[complaint.pk])).status_code == 404


def test_a_nul_character_in_the_category_is_a_field_error(client, front_office, household):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        body(household, category="\x00"),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "category" in response.json()


def test_the_api_and_the_page_offer_the_same_moves_as_the_complaint_goes(
    client, register, kota_bima
):
    back_office = staff_user(Role.BACK_OFFICE, scope="52.72.01")
    complaint = register()
    client.force_login(back_office)
    api = reverse("api:complaint-detail", args=[complaint.pk])
    page = reverse("complaints:detail", args=[complaint.pk])
    refer = reverse("referrals:create", args=[complaint.pk])

    assert client.get(api).json()["moves"] == ["assess", "assign", "close"]
    assert refer not in client.get(page).content.decode()

    complaint_assess(
        actor=back_office, complaint=complaint, needs=[{"domain": "health", "severity": 2}]
    )
    assert client.get(api).json()["moves"] == ["assess", "assign", "close", "refer"]
    assert refer in client.get(page).content.decode()

    complaint_close(
        actor=back_office, complaint=complaint, closure_reason="withdrawn", note="Dicabut."
    )
    assert client.get(api).json()["moves"] == []
    content = client.get(page).content.decode()
    assert refer not in content
    assert reverse("complaints:assess", args=[complaint.pk]) not in content
