"""Attacks on the monthly batches from a reviewer's bench: minutes slipped into a batch the
head of office has already signed, a batch approved by the officer who prepared it, a BNBA
listing members who are no longer in the household."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import Document
from proposals.batches import batch_approve, batch_mark_sent
from proposals.models import Proposal, ProposalBatch
from proposals.services import proposal_transition
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory
from tests.proposals import test_batches as batches_tests
from tests.proposals.test_batches import PDF, VILLAGE, add_proposals, attach_minutes, snapshot

staff = batches_tests.staff
batch = batches_tests.batch


@pytest.mark.parametrize("closed_by", ["approved", "sent"])
def test_no_minutes_are_slipped_into_a_batch_already_approved(staff, batch, client, closed_by):
    add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    if closed_by == "sent":
        batch_mark_sent(actor=staff["supervisor"], batch=batch)
    before = Document.objects.filter(owner_type="batch", owner_id=batch.pk).count()
    with pytest.raises(ValidationError) as caught:
        attach_minutes(batch, staff["village_operator"])
    assert "owner_id" in caught.value.message_dict
    client.force_login(staff["village_operator"])
    upload = reverse("documents:upload", args=["batch", batch.pk])
    page = client.post(upload, {"kind": "sptjm",
                                "file": SimpleUploadedFile("s.pdf", PDF, "application/pdf")})
    assert page.status_code == 404
    api = APIClient()
    api.force_authenticate(staff["back_office"])
    answer = api.post("/api/v1/documents/", {
        "owner_type": "batch", "owner_id": batch.pk, "kind": "berita_acara",
        "file": SimpleUploadedFile("b.pdf", PDF, "application/pdf"),
    }, format="multipart")  # fmt: skip
    assert answer.status_code in (400, 404)
    assert Document.objects.filter(owner_type="batch", owner_id=batch.pk).count() == before


def _prepared_by(supervisor, batch, step):
    household = HouseholdFactory(region_id=VILLAGE)
    member = PersonFactory(household=household)
    proposal = ProposalFactory(
        household=household, person=member, kind="new_member", batch=batch,
        status="submitted" if step == "verified" else "verified",
        **({"created_by": supervisor} if step == "proposed" else {}),
    )  # fmt: skip
    if step == "verified":
        proposal_transition(actor=supervisor, proposal=proposal, to="verified")
    return proposal


@pytest.mark.parametrize("step", ["proposed", "verified"])
def test_the_officer_who_prepared_a_batch_does_not_approve_it(staff, batch, client, step):
    """DESIGN: approving a monthly batch takes a second pair of eyes; the person who
    prepared a thing never decides it."""
    supervisor = staff["supervisor"]
    proposal = _prepared_by(supervisor, batch, step)
    attach_minutes(batch, staff["village_operator"])
    before = snapshot(batch)
    with pytest.raises(ValidationError) as caught:
        batch_approve(actor=supervisor, batch=batch)
    message = " ".join(caught.value.message_dict["batch"])
    assert f"#{proposal.pk}" in message and "pejabat lain" in message
    assert snapshot(batch) == before
    client.force_login(supervisor)
    page = client.post(reverse("proposals:batch_approve", args=[batch.pk]))
    assert page.status_code == 400 and "pejabat lain" in page.content.decode()
    api = APIClient()
    api.force_authenticate(supervisor)
    answer = api.post(f"/api/v1/proposal-batches/{batch.pk}/approve/")
    assert answer.status_code == 400 and "pejabat lain" in " ".join(answer.json()["batch"])
    assert snapshot(batch) == before
    # another head of office of the area approves it
    other = batches_tests.staff_user(batches_tests.Role.SUPERVISOR, "52.72")
    batch_approve(actor=other, batch=batch)
    assert ProposalBatch.objects.get(pk=batch.pk).status == "approved"


def test_a_new_households_bnba_lists_only_the_members_who_live_there(staff, batch):
    """A member who died or moved out is not proposed to DTSEN with their household."""
    from proposals.bnba import bnba_workbook
    from tests.proposals.test_batches import read_back

    household = HouseholdFactory(region_id=VILLAGE)
    PersonFactory(household=household, name="Rahmat Hidayat", relationship="head")
    for name, status in (("Almarhum Ahmad", "deceased"), ("Nur Pindah", "moved_out")):
        PersonFactory(household=household, name=name, relationship="child", status=status,
                      status_date=datetime.date(2026, 10, 1))  # fmt: skip
    ProposalFactory(household=household, kind="new_household", status="approved", batch=batch)
    ProposalBatch.objects.filter(pk=batch.pk).update(status="approved")
    batch.refresh_from_db()
    sheets = read_back(bnba_workbook(batch))
    assert [row["NAMA"] for row in sheets["USULAN_BARU"]] == ["Rahmat Hidayat"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/proposal-batches/{batch}/"),
        ("post", "/api/v1/proposal-batches/{batch}/approve/"),
        ("post", "/api/v1/proposals/{proposal}/settle/"),
    ],
)
def test_out_of_the_area_the_api_says_not_found_in_indonesian(staff, batch, method, url):
    """Not "No ProposalBatch matches the given query.": English, and the model's name."""
    proposal = add_proposals(batch)[0]
    api = APIClient()
    api.force_authenticate(staff["supervisor_other_district"])
    answer = getattr(api, method)(url.format(batch=batch.pk, proposal=proposal.pk))
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Tidak ditemukan."}


def test_a_null_body_is_refused_in_indonesian(staff, batch):
    proposal = add_proposals(batch, status="sent")[0]
    api = APIClient()
    api.force_authenticate(staff["supervisor"])
    answer = api.post(f"/api/v1/proposals/{proposal.pk}/settle/", "null",
                      content_type="application/json")  # fmt: skip
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Tidak ada data yang dikirim."]}
    proposal.refresh_from_db()
    assert proposal.status == "sent"
