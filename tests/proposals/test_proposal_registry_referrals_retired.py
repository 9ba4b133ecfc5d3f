"""The `DTSEN-USUL` programme is retired: its referrals become proposals to DTSEN, and a
complaint about the registry opens its proposal from its own page."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from programs.matching import programs_matching
from programs.models import Program
from proposals.models import Proposal
from referrals.services import referrals_create
from tests.factories import HouseholdFactory, PersonFactory, staff_user

MIGRATION = "proposals.migrations.0005_retire_registry_referral_programme"


@pytest.fixture
def registry_programme(catalogue):
    programme = Program.objects.get(code="DTKS-SURAT")
    programme.pk, programme.code, programme.name = None, "DTSEN-USUL", "Usulan DTSEN"
    programme.save()
    return programme


def test_the_migration_turns_referrals_into_proposals_and_retires_the_programme(
    registry_programme, assessed, back_office
):
    complaint = assessed()
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[registry_programme],
        notes="Belum terdaftar",
    )  # fmt: skip
    migration = importlib.import_module(MIGRATION)

    migration.referrals_to_proposals(apps, None)

    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.source) == ("new_household", "draft",
                                                                 "complaint")  # fmt: skip
    assert proposal.complaint == complaint and proposal.household == complaint.household
    assert proposal.reason == "Belum terdaftar" and proposal.created_by == referral.created_by
    referral.refresh_from_db()
    assert referral.status == "cancelled"
    assert f"usulan DTSEN {proposal.pk}" in referral.events.last().note
    assert not Program.objects.get(code="DTSEN-USUL").is_active
    migration.referrals_to_proposals(apps, None)  # again: nothing more
    assert Proposal.objects.count() == 1

    migration.proposals_back(apps, None)
    assert not Proposal.objects.exists()
    assert Program.objects.get(code="DTSEN-USUL").is_active


def test_matching_no_longer_offers_a_registry_programme(kota_bima, catalogue):
    household = HouseholdFactory(desil=None)
    PersonFactory(household=household, relationship="head")
    codes = {
        m.program.code
        for m in programs_matching(household, ["health"], today=datetime.date(2026, 12, 1))
    }
    assert "DTSEN-USUL" not in codes and "DTSEN-USUL" not in catalogue


def test_a_registry_complaint_opens_its_proposal_from_its_page(catalogue, as_user, back_office):
    household = HouseholdFactory(desil=4)
    head = PersonFactory(household=household, relationship="head")
    desk = staff_user(Role.FRONT_OFFICE, "52.72.01")
    complaint = complaint_register(
        actor=desk, household=household, complainant=head, channel="walk_in",
        category=ComplaintCategory.objects.get(code="dtks-perbaikan"),
        description="Nama salah di DTSEN", consent_given=True,
    )  # fmt: skip
    client = as_user(desk)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    create = reverse("proposals:create", args=[household.pk])
    link = f"{create}?complaint={complaint.pk}&amp;kind=correction"
    assert link in page
    response = client.post(reverse("proposals:create", args=[household.pk]), {
        "complaint": complaint.pk, "kind": "correction", "changes.address": "Jalan Baru 1",
    })  # fmt: skip
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.complaint == complaint and proposal.source == "complaint"
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert reverse("proposals:detail", args=[proposal.pk]) in page
    assert link not in page
