"""Scope at the edges of home visits: what a facilitator reads of the office's records, who
files a visit's photos, and what the API's answers tell of users of other areas."""

import pytest
from django.urls import reverse

from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from documents.models import Document
from tests.visits.conftest import photo_upload
from tests.visits.review_data import submitted_visit
from visits.models import Visit
from visits.services import visit_assign, visit_request


@pytest.fixture
def from_complaint(household, staff):
    """A visit asked for from a complaint, assigned to the district's facilitator."""
    complaint = complaint_register(
        actor=staff["front_office"], household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="walk_in",
        description="Kartu KIS tidak aktif.", complainant=household.members.first(),
        consent_given=True,
    )  # fmt: skip
    visit = visit_request(
        actor=staff["back_office"], household=household, reason="Verifikasi",
        complaint=complaint, assignee=staff["facilitator"],
    )  # fmt: skip
    return visit, complaint


def test_the_facilitator_reads_no_ticket_number_on_the_sheet_of_their_visit(
    from_complaint, staff, client
):
    visit, complaint = from_complaint
    client.force_login(staff["facilitator"])

    own = client.get(reverse("visits:sheet", args=[visit.pk]))
    client.force_login(staff["back_office"])
    office = client.get(reverse("visits:sheet", args=[visit.pk]))

    assert own.status_code == 200
    assert complaint.ticket_number not in own.content.decode()
    assert complaint.ticket_number in office.content.decode()  # the office's own sheet


def test_the_api_names_what_asked_for_a_visit_to_the_office_only(from_complaint, staff, client):
    visit, complaint = from_complaint
    client.force_login(staff["facilitator"])
    own = client.get(f"/api/v1/visits/{visit.pk}/").json()
    listed = client.get("/api/v1/visits/").json()["results"][0]
    client.force_login(staff["back_office"])
    office = client.get(f"/api/v1/visits/{visit.pk}/").json()

    assert own["complaint"] is None and own["referral"] is None
    assert listed["complaint"] is None
    assert office["complaint"] == complaint.pk


@pytest.mark.parametrize("role", ["front_office", "back_office", "supervisor"])
def test_the_office_adds_no_photo_to_a_visit_the_facilitator_documents(
    household, staff, client, role
):
    """A visit's photos are the facilitator's evidence: the sheet and the verdict's check
    take the newest of each kind, so a photo the office filed would stand in for theirs."""
    submitted = submitted_visit(household=household, facilitator=staff["facilitator"])
    assigned = visit_assign(
        actor=staff["back_office"],
        visit=visit_request(actor=staff["back_office"], household=household, reason="Cek"),
        assignee=staff["facilitator"],
    )
    client.force_login(staff[role])
    answers = [
        client.post(
            "/api/v1/documents/",
            {
                "owner_type": "visit",
                "owner_id": visit.pk,
                "kind": "foto_depan",
                "file": photo_upload(),
            },
        )
        for visit in (submitted, assigned)
    ]
    page = client.get(reverse("documents:upload", args=["visit", assigned.pk]))

    assert [answer.status_code for answer in answers] == [400, 400]
    assert all("owner_id" in answer.json() for answer in answers)
    assert page.status_code == 404
    assert not Document.objects.filter(owner_type="visit").exists()


def test_the_facilitator_still_files_the_photos_of_their_open_visit(assigned, staff, client):
    client.force_login(staff["facilitator"])

    answer = client.post(
        "/api/v1/documents/",
        {"owner_type": "visit", "owner_id": assigned.pk, "kind": "foto_depan",
         "file": photo_upload()},
    )  # fmt: skip

    assert answer.status_code == 201


def test_a_facilitator_of_another_area_answers_as_no_facilitator_at_all(household, staff, client):
    """The assignee's message must not tell a user id of a facilitator elsewhere (Mataram)
    from an office user's or an id nobody has."""
    client.force_login(staff["back_office"])
    messages = {}
    for name, user_id in [
        ("elsewhere", staff["facilitator_other_city"].pk),
        ("other_district", staff["facilitator_other_district"].pk),
        ("not_a_facilitator", staff["front_office"].pk),
        ("nobody", 999_999),
    ]:
        answer = client.post(
            "/api/v1/visits/",
            {"household": household.pk, "reason": "Cek", "assignee": user_id},
            content_type="application/json",
        )
        assert answer.status_code == 400, name
        messages[name] = answer.json()["assignee"]

    assert len({str(message) for message in messages.values()}) == 1, messages
    assert not Visit.objects.exists()
    inside = client.post(
        "/api/v1/visits/",
        {"household": household.pk, "reason": "Cek", "assignee": staff["facilitator"].pk},
        content_type="application/json",
    )
    assert inside.status_code == 201 and inside.json()["assignee"] == staff["facilitator"].pk
