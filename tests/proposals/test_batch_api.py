"""The batches through the API: listed and read within the area, approved and sent by the
head of office with the same refusals as on the page."""

import pytest
from rest_framework.test import APIClient

from proposals.models import ProposalBatch
from tests.proposals import test_batches as batches_tests
from tests.proposals.test_batches import add_proposals, attach_minutes, snapshot

# The page tests' fixtures: the office's staff around one village, and its batch.
staff = batches_tests.staff
batch = batches_tests.batch


@pytest.fixture
def api():
    return APIClient()


def test_the_list_keeps_to_the_area(staff, batch, api):
    add_proposals(batch)
    api.force_authenticate(staff["village_operator"])
    rows = api.get("/api/v1/proposal-batches/").json()["results"]
    assert [(row["id"], row["proposal_count"], row["verified_count"]) for row in rows] == [
        (batch.pk, 4, 4)
    ]
    for who in ("supervisor_other_district", "supervisor_other_city", "operator_other_village"):
        api.force_authenticate(staff[who])
        assert api.get("/api/v1/proposal-batches/").json()["results"] == []
        assert api.get(f"/api/v1/proposal-batches/{batch.pk}/").status_code == 404
        assert api.post(f"/api/v1/proposal-batches/{batch.pk}/approve/").status_code == 404
    api.force_authenticate(staff["agency_officer"])
    assert api.get("/api/v1/proposal-batches/").status_code == 403


def test_approve_refuses_by_field_then_approves_and_sends(staff, batch, api):
    add_proposals(batch)
    api.force_authenticate(staff["supervisor"])
    before = snapshot(batch)
    refused = api.post(f"/api/v1/proposal-batches/{batch.pk}/approve/")
    assert refused.status_code == 400 and "batch" in refused.json()
    assert snapshot(batch) == before
    attach_minutes(batch, staff["village_operator"])
    approved = api.post(f"/api/v1/proposal-batches/{batch.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    batch.refresh_from_db()
    assert set(batch.proposals.values_list("status", flat=True)) == {"approved"}
    assert batch.proposals.first().events.last().via == "api"
    sent = api.post(f"/api/v1/proposal-batches/{batch.pk}/send/")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"


def test_only_the_head_of_office_approves(staff, batch, api):
    add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    for who in ("back_office", "village_operator", "front_office"):
        api.force_authenticate(staff[who])
        assert api.post(f"/api/v1/proposal-batches/{batch.pk}/approve/").status_code == 403
    assert ProposalBatch.objects.get(pk=batch.pk).status == "open"
