"""The proposal pages: the list with its countdown, opening a correction from a household,
its page with the changes and the moves, and a bad form answered by field."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from documents.models import Document
from households.models import Household
from proposals.models import Proposal
from tests.factories import (
    DocumentFactory,
    HouseholdFactory,
    PersonFactory,
    ProposalFactory,
    staff_user,
)
from tests.proposals.conftest import photo_upload

VILLAGE = "52.72.01.1001"


@pytest.fixture
def household(kota_bima):
    return HouseholdFactory(region_id=VILLAGE, address="Jalan Sultan Nomor 3")


@pytest.fixture
def member(household):
    return PersonFactory(household=household, sex="F", birth_date=datetime.date(1985, 4, 12),
                         relationship="head", name="Siti Aminah")  # fmt: skip


def test_the_village_operator_sees_the_countdown_and_the_villages_proposals(
    as_user, household, member
):
    ProposalFactory(household=household, kind="new_member", person=member)
    client = as_user(staff_user(Role.VILLAGE_OPERATOR, VILLAGE))
    page = client.get(reverse("proposals:list")).content.decode()
    assert "sebelum batas input" in page or "sudah ditutup" in page
    assert "Jalan Sultan Nomor 3" in page and "anggota baru" in page
    filtered = client.get(reverse("proposals:list"), {"status": "sent"}).content.decode()
    assert "Jalan Sultan Nomor 3" not in filtered


def test_the_back_office_sees_no_countdown(as_user, household):
    page = as_user(staff_user(Role.BACK_OFFICE, "52.72.01")).get(reverse("proposals:list"))
    assert "batas input" not in page.content.decode()


def test_a_correction_is_opened_from_the_household_page(as_user, household, member):
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert reverse("proposals:create", args=[household.pk]) in page
    response = client.post(reverse("proposals:create", args=[household.pk]), {
        "kind": "correction", "person": member.pk, "changes.birth_place": "Bima",
        "changes.disability": "", "reason": "Salah ketik",
    })  # fmt: skip
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("proposals:detail",
                                                                   args=[proposal.pk])  # fmt: skip
    assert proposal.changes == {"birth_place": {"from": "", "to": "Bima"}}
    detail = client.get(response.url).content.decode()
    assert "Bima" in detail and "Lampirkan dokumen bukti perbaikan" in detail


def test_a_bad_correction_is_answered_at_its_field_and_saves_nothing(as_user, household, member):
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    response = client.post(reverse("proposals:create", args=[household.pk]), {
        "kind": "correction", "person": member.pk, "changes.name": "Siti Aminah",
    })  # fmt: skip
    assert response.status_code == 400
    assert "Perbaikan tidak mengubah apa pun." in response.content.decode()
    response = client.post(reverse("proposals:create", args=[household.pk]), {
        "kind": "correction", "person": member.pk, "changes.rt": "9",
    })  # fmt: skip
    assert response.status_code == 400
    assert "tidak dapat diperbaiki di sini" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_household_outside_the_village_is_not_found(as_user, household):
    client = as_user(staff_user(Role.VILLAGE_OPERATOR, "52.72.01.1002"))
    assert client.get(reverse("proposals:create", args=[household.pk])).status_code == 404
    proposal = ProposalFactory(household=household)
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404


def test_submitting_from_the_page_needs_the_evidence_then_moves(as_user, household, member):
    proposal = ProposalFactory(household=household, kind="exit", exit_reason="moved",
                               person=member)  # fmt: skip
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    url = reverse("proposals:transition", args=[proposal.pk])
    refused = client.post(url, {"to": "submitted", "version": proposal.version})
    assert refused.status_code == 400
    assert "Lampirkan dokumen bukti keluarnya" in refused.content.decode()
    DocumentFactory(household=household, owner_type="proposal", owner_id=proposal.pk)
    moved = client.post(url, {"to": "submitted", "version": proposal.version})
    assert moved.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.batch is not None
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "draf → diajukan" in page and "draft →" not in page  # the history, in Indonesian


def test_a_new_household_page_offers_the_home_visit(as_user, household):
    proposal = ProposalFactory(household=household, status="submitted")
    client = as_user(staff_user(Role.BACK_OFFICE, "52.72.01"))
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert reverse("proposals:visit_request", args=[proposal.pk]) in page
    client.post(reverse("proposals:visit_request", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.visit is not None


def test_the_list_page_keeps_its_queries_few(as_user, household, django_assert_max_num_queries):
    for _ in range(5):
        ProposalFactory(household=HouseholdFactory(region_id=VILLAGE))
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    with django_assert_max_num_queries(15):
        assert client.get(reverse("proposals:list")).status_code == 200


def test_the_village_operator_files_and_reads_the_evidence_of_the_villages_proposals(
    as_user, household, member
):
    proposal = ProposalFactory(household=household, kind="exit", person=member,
                               exit_reason="died")  # fmt: skip
    operator = as_user(staff_user(Role.VILLAGE_OPERATOR, VILLAGE))
    page = operator.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert reverse("documents:upload", args=["proposal", proposal.pk]) in page
    response = operator.post(
        reverse("documents:upload", args=["proposal", proposal.pk]),
        {"kind": "akta_kematian", "file": photo_upload("akta.jpg")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get(owner_type="proposal", owner_id=proposal.pk)
    page = operator.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert reverse("documents:download", args=[document.pk]) in page
    assert operator.get(reverse("documents:download", args=[document.pk])).status_code == 200
    # Another village's operator reads none of it, and a document of the household that
    # is not the proposal's stays the registry's.
    other = as_user(staff_user(Role.VILLAGE_OPERATOR, "52.72.01.1002"))
    assert other.get(reverse("documents:download", args=[document.pk])).status_code == 404
    ktp = DocumentFactory(household=household, owner_type="household", owner_id=household.pk)
    assert operator.get(reverse("documents:download", args=[ktp.pk])).status_code == 404


def test_a_corrections_codes_are_shown_by_their_labels(as_user, household):
    household.wall_material = 1
    household.save()
    proposal = ProposalFactory(household=household, kind="correction",
                               changes={"wall_material": {"from": "1", "to": "2"}})  # fmt: skip
    page = (
        as_user(staff_user(Role.BACK_OFFICE, "52.72.01"))
        .get(reverse("proposals:detail", args=[proposal.pk]))
        .content.decode()
    )
    labels = {str(k): v for k, v in Household._meta.get_field("wall_material").flatchoices}
    assert f">{labels['1']}</td>" in page and f">{labels['2']}</td>" in page


def test_a_refused_move_leaves_the_upload_form_coming_back_to_the_proposal(as_user, household,
                                                                          member):  # fmt: skip
    proposal = ProposalFactory(household=household, kind="exit", person=member,
                               exit_reason="died")  # fmt: skip
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    refused = client.post(reverse("proposals:transition", args=[proposal.pk]),
                          {"to": "submitted", "version": proposal.version})  # fmt: skip
    assert refused.status_code == 400
    detail = reverse("proposals:detail", args=[proposal.pk])
    assert f'name="next" value="{detail}"' in refused.content.decode()


def test_a_member_recorded_as_died_leads_to_the_exit_proposal(as_user, household, member):
    member.status, member.status_date = "deceased", datetime.date(2026, 11, 2)
    member.save()
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    link = f"{reverse('proposals:create', args=[household.pk])}?kind=exit&amp;person={member.pk}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{member.pk}" selected>' in form
    assert '<option value="died" selected>' in form
