"""The public status page: a ticket and the last four digits of the complainant's NIK show
the stage, the day of the last step and what happens next, and nothing else; a wrong pair
answers as an unknown ticket does; look-ups are limited per address and per ticket and
logged without the digits."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, StatusLookup
from complaints.tasks import purge_status_lookups, status_lookups_purge
from households.models import Person

URL = "/status/"


@pytest.fixture
def complaint(register, household):
    head = household.members.get()
    Person.objects.filter(pk=head.pk).update(nik="5272014308820742")
    return Complaint.objects.select_related("complainant").get(pk=register().pk)


def digits(complaint: Complaint) -> str:
    return complaint.complainant.nik[-4:]


def look_up(client, ticket: str, last4: str, address: str = "203.0.113.7"):
    return client.post(URL, {"ticket": ticket, "last4": last4}, REMOTE_ADDR=address)


def test_the_route_is_the_fixed_one():
    assert reverse("public_status") == URL


def test_the_ticket_and_digits_show_the_stage_and_nothing_else(client, complaint):
    page = client.get(URL)
    assert page.status_code == 200 and 'name="last4"' in page.content.decode()
    answer = look_up(client, complaint.ticket_number.lower(), digits(complaint))
    body = answer.content.decode()
    assert answer.status_code == 200
    assert "Pengaduan diterima" in body and complaint.ticket_number in body
    assert "menilai kebutuhan" in body  # what happens next
    for private in (complaint.complainant.name, complaint.complainant.nik,
                    complaint.description, complaint.household.address):  # fmt: skip
        assert private not in body
    assert answer["Cache-Control"].startswith("max-age=0")


def test_the_stage_follows_the_complaint(client, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(status="closed", closure_reason="served")
    body = look_up(client, complaint.ticket_number, digits(complaint)).content.decode()
    assert "Selesai" in body and "sudah ditutup" in body


def test_wrong_digits_answer_as_an_unknown_ticket(client, complaint):
    wrong = "0000" if digits(complaint) != "0000" else "1111"
    mismatched = look_up(client, complaint.ticket_number, wrong)
    unknown = look_up(client, "SLRT-5272-2026-999999", digits(complaint))
    assert mismatched.status_code == unknown.status_code == 200
    assert "Pengaduan diterima" not in mismatched.content.decode()

    def shown(response, ticket):  # the page, its CSRF token and the typed ticket aside
        body = re.sub(
            r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode()
        )
        return body.replace(ticket, "TICKET")

    assert shown(mismatched, complaint.ticket_number) == shown(unknown, "SLRT-5272-2026-999999")


def test_malformed_digits_are_refused_at_the_field(client, complaint):
    answer = look_up(client, complaint.ticket_number, "12a4")
    assert answer.status_code == 400
    assert "empat digit terakhir" in answer.content.decode()
    assert not StatusLookup.objects.exists()  # nothing looked up


def test_the_digits_with_a_space_a_phone_s_keyboard_added_are_read_as_the_api_reads_them(
    client, complaint
):
    page = look_up(client, complaint.ticket_number, f" {digits(complaint)} ")
    api = client.post(
        "/api/v1/status/", {"ticket": complaint.ticket_number, "last4": f" {digits(complaint)} "},
        content_type="application/json", REMOTE_ADDR="203.0.113.8",
    )  # fmt: skip

    assert (page.status_code, api.status_code) == (200, 200)
    assert "Pengaduan diterima" in page.content.decode()


def test_each_look_up_is_logged_without_the_digits(client, complaint):
    look_up(client, complaint.ticket_number, digits(complaint))
    look_up(client, complaint.ticket_number, "9999" if digits(complaint) != "9999" else "8888")
    rows = list(StatusLookup.objects.order_by("pk").values("ticket", "complaint", "address"))
    assert rows == [
        {"ticket": complaint.ticket_number, "complaint": complaint.pk, "address": "203.0.113.7"},
        {"ticket": complaint.ticket_number, "complaint": None, "address": "203.0.113.7"},
    ]
    stored = " ".join(str(value) for row in StatusLookup.objects.values() for value in row.values())
    assert digits(complaint) not in stored.replace(complaint.ticket_number, "")


def test_look_ups_are_limited_per_address(client, complaint, settings):
    settings.SLRT_STATUS_PER_ADDRESS, settings.SLRT_STATUS_PER_TICKET = 3, 100
    for number in range(3):
        assert look_up(client, f"SLRT-5272-2026-00000{number + 5}", "1234").status_code == 200
    refused = look_up(client, complaint.ticket_number, digits(complaint))
    assert refused.status_code == 429
    assert "Pengaduan diterima" not in refused.content.decode()
    assert (
        look_up(client, complaint.ticket_number, digits(complaint), "198.51.100.9").status_code
        == 200
    )


def test_the_addresses_of_one_ipv6_block_are_one_caller(client, complaint, settings):
    settings.SLRT_STATUS_PER_ADDRESS, settings.SLRT_STATUS_PER_TICKET = 3, 100
    for number in range(3):  # stepping through one's own /64
        look_up(client, f"SLRT-5272-2026-00000{number + 5}", "1234", f"2001:db8:1:2::{number + 1}")
    assert (
        look_up(client, complaint.ticket_number, "1234", "2001:db8:1:2:ffff::9").status_code == 429
    )
    assert look_up(client, complaint.ticket_number, "1234", "2001:db8:1:3::1").status_code == 200
    assert set(StatusLookup.objects.values_list("address", flat=True)) == {
        "2001:db8:1:2::", "2001:db8:1:3::",
    }  # fmt: skip


def test_look_ups_are_limited_per_ticket_from_any_address(client, complaint, settings):
    settings.SLRT_STATUS_PER_ADDRESS, settings.SLRT_STATUS_PER_TICKET = 100, 3
    for number in range(3):
        look_up(client, complaint.ticket_number, f"{number:04d}", f"198.51.100.{number + 1}")
    refused = look_up(client, complaint.ticket_number, digits(complaint), "192.0.2.50")
    assert refused.status_code == 429
    assert StatusLookup.objects.filter(limited=True).count() == 1


def test_look_ups_of_one_ticket_are_limited_over_the_day_too(client, complaint, settings):
    settings.SLRT_STATUS_PER_ADDRESS, settings.SLRT_STATUS_PER_TICKET = 100, 100
    settings.SLRT_STATUS_PER_TICKET_DAY = 4
    start = datetime.datetime(2026, 12, 1, 1, tzinfo=datetime.UTC)
    for hour in range(4):  # one guess an hour, each in a window of its own
        with time_machine.travel(start + datetime.timedelta(hours=hour)):
            look_up(client, complaint.ticket_number, f"{hour:04d}", f"198.51.100.{hour + 1}")
    with time_machine.travel(start + datetime.timedelta(hours=5)):
        refused = look_up(client, complaint.ticket_number, digits(complaint), "192.0.2.50")
    with time_machine.travel(start + datetime.timedelta(hours=30)):
        next_day = look_up(client, complaint.ticket_number, digits(complaint), "192.0.2.50")
    assert refused.status_code == 429
    assert next_day.status_code == 200 and "Pengaduan diterima" in next_day.content.decode()


def test_the_receipt_says_where_to_check(client, complaint, front_office, settings):
    settings.SITE_URL = "https://slrt.bimakota.go.id"
    client.force_login(front_office)
    receipt = client.get(reverse("complaints:receipt", args=[complaint.pk])).content.decode()
    assert "https://slrt.bimakota.go.id/status/" in receipt


def test_the_phone_the_complaint_records_opens_it_too(client, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(phone="+6281234567890")
    body = look_up(client, complaint.ticket_number, "7890").content.decode()
    assert "Pengaduan diterima" in body


def test_look_ups_are_forgotten_after_their_days(client, complaint, settings):
    settings.SLRT_STATUS_LOG_DAYS = 90
    look_up(client, complaint.ticket_number, digits(complaint))
    old = StatusLookup.objects.create(
        ticket="SLRT-OLD", address="192.0.2.1", at=timezone.now() - datetime.timedelta(days=91)
    )
    assert status_lookups_purge() == 1
    assert not StatusLookup.objects.filter(pk=old.pk).exists()
    assert StatusLookup.objects.count() == 1  # today's stays
    assert purge_status_lookups() == 0
