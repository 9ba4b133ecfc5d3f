"""`/api/v1/referrals/`: the back office refers, the agency answers with its token; scope,
field messages and conflicts as on the web."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from referrals.models import Referral
from tests.factories import staff_user


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def complaint(assessed):
    return assessed()


def test_the_back_office_refers_through_the_api(complaint, back_office):
    response = client_for(back_office).post(
        "/api/v1/referrals/", {"complaint": complaint.pk, "program": "BPNT"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["program"], body["status"], body["eligible"], body["version"]) == (
        "BPNT", "sent", True, 1,
    )  # fmt: skip
    assert body["events"][0]["via"] == "api"
    assert body["ticket_number"] == complaint.ticket_number


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"program": "BPNT"}, "complaint"),
        ({"complaint": 999999, "program": "BPNT"}, "complaint"),
        ({"program": "NOPE"}, "program"),
        ({"program": "RUTILAHU"}, "notes"),
    ],
)
def test_a_bad_referral_gets_field_messages_and_creates_nothing(
    complaint, back_office, data, field
):
    data = (
        {"complaint": complaint.pk, **data}
        if "complaint" not in data and field != "complaint"
        else data
    )

    response = client_for(back_office).post("/api/v1/referrals/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Referral.objects.exists()


def test_a_complaint_of_another_area_is_not_found(complaint, kota_bima):
    elsewhere = staff_user(Role.BACK_OFFICE, scope="52.72.02")

    response = client_for(elsewhere).post(
        "/api/v1/referrals/", {"complaint": complaint.pk, "program": "BPNT"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["complaint"]  # as if it did not exist
    assert not Referral.objects.exists()


def test_the_agency_answers_with_its_token_and_sees_only_its_referrals(
    complaint, back_office, officer_of
):
    office = client_for(back_office)
    bpnt = office.post("/api/v1/referrals/", {"complaint": complaint.pk, "program": "BPNT"},
                       format="json").json()  # fmt: skip
    jamkesda = office.post("/api/v1/referrals/", {"complaint": complaint.pk,
                           "program": "JAMKESDA"}, format="json").json()  # fmt: skip
    agency = client_for(officer_of("BPNT"))

    listed = agency.get("/api/v1/referrals/").json()["results"]
    assert [r["id"] for r in listed] == [bpnt["id"]]
    assert agency.get(f"/api/v1/referrals/{jamkesda['id']}/").status_code == 404

    url = f"/api/v1/referrals/{bpnt['id']}/transition/"
    received = agency.post(url, {"to": "received", "version": 1}, format="json")
    assert received.status_code == 200
    assert received.json()["status"] == "received"
    refused = agency.post(url, {"to": "rejected", "version": 2}, format="json")
    assert refused.status_code == 400
    assert "note" in refused.json()
    rejected = agency.post(url, {"to": "rejected", "version": 2, "note": "Sudah menerima."},
                           format="json")  # fmt: skip
    assert rejected.json()["outcome_note"] == "Sudah menerima."
    assert [e["to_status"] for e in rejected.json()["events"]] == ["sent", "received", "rejected"]


@pytest.mark.parametrize("scope", ["52.72.02", None])
def test_an_agency_officer_of_another_district_reaches_none_of_their_agencys_referrals_here(
    complaint, back_office, officer_of, scope
):
    referral = (
        client_for(back_office)
        .post("/api/v1/referrals/", {"complaint": complaint.pk, "program": "BPNT"}, format="json")
        .json()
    )
    elsewhere = client_for(officer_of("BPNT", scope=scope))

    listed = elsewhere.get("/api/v1/referrals/").json()["results"]
    answer = elsewhere.post(f"/api/v1/referrals/{referral['id']}/transition/",
                            {"to": "received", "version": 1}, format="json")  # fmt: skip

    assert listed == []
    assert elsewhere.get(f"/api/v1/referrals/{referral['id']}/").status_code == 404
    assert answer.status_code == 404
    assert Referral.objects.get(pk=referral["id"]).status == Referral.Status.SENT


def test_a_stale_version_answers_409(complaint, back_office, officer_of):
    referral = (
        client_for(back_office)
        .post("/api/v1/referrals/", {"complaint": complaint.pk, "program": "BPNT"}, format="json")
        .json()
    )
    url = f"/api/v1/referrals/{referral['id']}/transition/"
    client_for(officer_of("BPNT")).post(url, {"to": "received", "version": 1}, format="json")

    response = client_for(officer_of("BPNT")).post(
        url, {"to": "in_progress", "version": 1}, format="json"
    )

    assert response.status_code == 409
    assert (response.json()["status"], response.json()["version"]) == ("received", 2)


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.SUPERVISOR])
def test_only_the_back_office_creates_referrals(complaint, role, kota_bima):
    response = client_for(staff_user(role, scope="52.72")).post(
        "/api/v1/referrals/", {"complaint": complaint.pk, "program": "BPNT"}, format="json"
    )

    assert response.status_code == 403
