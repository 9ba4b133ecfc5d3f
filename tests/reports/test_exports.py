"""Supervisors export the filtered lists as CSV: asked why first, every export in the access
log, identifiers masked, streamed so that a long list does not fill memory."""

import csv
import io
import tracemalloc

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from households.models import Household
from programs.models import Program
from referrals.services import referral_transition, referrals_create
from reports import exports
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def referrals(assessed, back_office, officer_of):
    """Two referrals of one complaint: BPNT acknowledged, JAMKESDA still sent."""
    complaint = assessed()
    bpnt, jamkesda = referrals_create(
        actor=back_office,
        complaint=complaint,
        programs=list(Program.objects.filter(code__in=["BPNT", "JAMKESDA"]).order_by("code")),
    )
    referral_transition(
        actor=officer_of("BPNT"), referral=bpnt, to="received", note="", version=bpnt.version
    )
    return {"BPNT": bpnt, "JAMKESDA": jamkesda}


@pytest.fixture
def supervisor():
    return staff_user(Role.SUPERVISOR, scope="52.72", username="supervisor1")


def test_the_page_says_what_will_leave_and_asks_why_before_anything_is_logged(
    referrals, supervisor, as_user
):
    page = as_user(supervisor).get(
        reverse("reports:export", args=["referrals"]), {"status": "sent"}
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "1 baris akan ditulis" in text
    assert 'name="purpose"' in text
    assert not AccessLog.objects.exists()


def test_a_referral_export_holds_the_filtered_rows_and_is_logged_with_its_purpose(
    referrals, supervisor, as_user
):
    response = as_user(supervisor).post(
        reverse("reports:export", args=["referrals"]) + "?status=sent",
        {"purpose": "supervision"},
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:3] == ["Rujukan", "Nomor tiket", "Program"]
    assert [(row[2], row[4]) for row in rows] == [("JAMKESDA", "terkirim")]
    (entry,) = AccessLog.objects.all()
    assert (entry.user, entry.action, entry.purpose, entry.query, entry.rows) == (
        supervisor,
        AccessLog.Action.EXPORT,
        AccessLog.Purpose.SUPERVISION,
        "status=sent",
        1,
    )


def test_a_complaint_export_follows_the_queue_filters(referrals, supervisor, as_user):
    client = as_user(supervisor)
    url = reverse("reports:export", args=["complaints"])

    everything = read_csv(client.post(url, {"purpose": "program_planning"}))
    none_closed = read_csv(client.post(url + "?status=closed", {"purpose": "program_planning"}))

    ticket = referrals["BPNT"].complaint.ticket_number
    assert [row[0] for row in everything[1:]] == [ticket]
    assert none_closed[1:] == []
    assert AccessLog.objects.filter(action="export").count() == 2


def test_a_household_export_masks_the_kk_number_and_keeps_to_the_scope(as_user):
    HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    HouseholdFactory(region_id="52.72.02.1008", kk_number="5272021910160003")
    district_supervisor = staff_user(Role.SUPERVISOR, scope="52.72.02")

    rows = read_csv(
        as_user(district_supervisor).post(
            reverse("reports:export", args=["households"]), {"purpose": "supervision"}
        )
    )

    assert [row[1] for row in rows[1:]] == ["••••••••••••0003"]
    assert "5272021910160003" not in str(rows)


@pytest.mark.parametrize("purpose", ["", "fun", "data_request"])
def test_an_export_without_a_known_purpose_is_refused_and_not_logged(
    purpose, referrals, supervisor, as_user
):
    response = as_user(supervisor).post(
        reverse("reports:export", args=["referrals"]), {"purpose": purpose}
    )

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("query", ["status=lost", "program=NOPE", "district=99", "overdue=x"])
def test_bad_filters_are_refused_with_a_message(query, supervisor, as_user):
    response = as_user(supervisor).post(
        reverse("reports:export", args=["referrals"]) + "?" + query, {"purpose": "supervision"}
    )

    assert response.status_code == 400
    assert "tidak valid" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_an_unknown_list_is_not_found(supervisor, as_user):
    response = as_user(supervisor).get(reverse("reports:export", args=["persons"]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.AGENCY_OFFICER])
def test_only_supervisors_and_administrators_export(role, as_user):
    response = as_user(staff_user(role)).post(
        reverse("reports:export", args=["households"]), {"purpose": "supervision"}
    )

    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def peak_memory_of_export(client, count: int) -> int:
    Household.objects.all().delete()
    HouseholdFactory.reset_sequence()
    Household.objects.bulk_create(
        HouseholdFactory.build(region_id="52.72.01.1001", kk_number=f"52720101012{n:05d}")
        for n in range(count)
    )
    response = client.post(
        reverse("reports:export", args=["households"]), {"purpose": "supervision"}
    )
    tracemalloc.start()
    try:
        lines = sum(1 for _line in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == count + 1
    return peak


def test_memory_stays_flat_however_long_the_export(supervisor, as_user, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 100)
    client = as_user(supervisor)

    short = peak_memory_of_export(client, 400)
    long = peak_memory_of_export(client, 4000)

    # Ten times the rows: a list held whole would take about ten times the memory.
    assert long < 2 * short, (short, long)
