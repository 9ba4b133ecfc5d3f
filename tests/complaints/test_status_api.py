"""`POST /api/v1/status/`: the public status check for other channels, the page's own
look-up and limits (`complaint_status_lookup`): no sign-in, the stage, the day of the last
step and the next step; wrong digits answered as an unknown ticket; digits neither stored
nor logged."""

import logging

import pytest
from django.urls import reverse

from complaints.models import Complaint, StatusLookup
from households.models import Person
from regions.time_zones import local_date_in

URL = "/api/v1/status/"


@pytest.fixture
def complaint(register, household):
    head = household.members.get()
    Person.objects.filter(pk=head.pk).update(nik="5272014308820742")
    return Complaint.objects.select_related("complainant").get(pk=register().pk)


def ask(client, ticket, last4, address="203.0.113.7", **headers):
    return client.post(
        URL, {"ticket": ticket, "last4": last4}, content_type="application/json",
        REMOTE_ADDR=address, **headers,
    )  # fmt: skip


def test_the_route_is_the_fixed_one():
    assert reverse("api:status") == URL


def test_the_ticket_and_digits_give_the_stage_without_signing_in(client, complaint):
    answer = ask(client, complaint.ticket_number.lower(), "0742")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"ticket", "stage", "last_step", "next_step"}
    assert body["ticket"] == complaint.ticket_number
    assert body["stage"] == "Pengaduan diterima" and "menilai kebutuhan" in body["next_step"]
    # the day in the office's zone (Kota Bima: WITA), whatever the server's
    office_day = local_date_in(complaint.household.region_id, complaint.registered_at)
    assert body["last_step"] == office_day.isoformat()
    assert StatusLookup.objects.get().complaint == complaint


def test_a_session_or_a_token_plays_no_part(client, complaint, front_office):
    client.force_login(front_office)  # no CSRF token asked of a signed-in caller either
    assert ask(client, complaint.ticket_number, "0742").status_code == 200
    assert ask(client, complaint.ticket_number, "0742", HTTP_AUTHORIZATION="Token nonsense")\
        .status_code == 200  # fmt: skip


def test_wrong_digits_answer_as_an_unknown_ticket(client, complaint):
    mismatched = ask(client, complaint.ticket_number, "0000")
    unknown = ask(client, "SLRT-5272-2026-999999", "0742")
    assert mismatched.status_code == unknown.status_code == 404
    assert mismatched.json() == unknown.json()
    assert "Tidak ada pengaduan" in unknown.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ticket": "SLRT-5272-2026-000001", "last4": "12a4"}, "last4"),
        ({"ticket": "SLRT-5272-2026-000001", "last4": 1234}, "last4"),
        ({"ticket": "SLRT-5272-2026-000001", "last4": "12345"}, "last4"),
        ({"ticket": "SLRT-\ud800", "last4": "1234"}, "ticket"),
        ({"ticket": "x" * 41, "last4": "1234"}, "ticket"),
        ({"last4": "1234"}, "ticket"),
    ],
)
def test_malformed_input_is_refused_at_its_field_and_looks_nothing_up(db, client, body, field):
    answer = client.post(URL, body, content_type="application/json")
    assert answer.status_code == 400 and field in answer.json()
    assert not StatusLookup.objects.exists()


def test_the_page_s_limits_hold_for_the_api_too(client, complaint, settings):
    settings.SLRT_STATUS_PER_ADDRESS = 2
    assert ask(client, complaint.ticket_number, "0742").status_code == 200
    assert client.post(
        "/status/", {"ticket": complaint.ticket_number, "last4": "0742"}, REMOTE_ADDR="203.0.113.7"
    ).status_code == 200  # fmt: skip
    limited = ask(client, complaint.ticket_number, "0742")
    assert limited.status_code == 429 and "detail" in limited.json()
    assert ask(client, complaint.ticket_number, "0742", address="203.0.113.8").status_code == 200


def test_the_digits_are_neither_stored_nor_logged(client, complaint, caplog):
    with caplog.at_level(logging.DEBUG):
        ask(client, complaint.ticket_number, "0742")
        ask(client, complaint.ticket_number, "9371")
    stored = " ".join(str(v) for row in StatusLookup.objects.values() for v in row.values())
    assert "0742" not in stored and "9371" not in stored
    assert "0742" not in caplog.text and "9371" not in caplog.text


def test_the_schema_documents_the_endpoint_without_authentication(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/status/"]["post"]
    assert {"200", "400", "404", "429"} <= set(operation["responses"])
    assert operation.get("security") in ([], [{}])
