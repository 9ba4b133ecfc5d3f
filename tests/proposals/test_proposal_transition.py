"""A proposal's moves on its own: submitting needs its evidence and puts it in its village's
batch; verifying waits for the home visit where the kind needs one; returning says why."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from documents.models import DocumentKind
from proposals.models import Proposal
from proposals.services import needs_home_visit, proposal_transition, proposal_visit_request
from tests.factories import (
    DocumentFactory,
    HouseholdFactory,
    PersonFactory,
    ProposalFactory,
    staff_user,
)
from visits.models import Visit

VILLAGE = "52.72.01.1001"


@pytest.fixture
def staff(kota_bima):
    return {
        "desk": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01"),
    }


@pytest.fixture
def household(kota_bima):
    return HouseholdFactory(region_id=VILLAGE)


def proposal_of(household, **fields) -> Proposal:
    return ProposalFactory(household=household, **fields)


def evidence(proposal: Proposal, kind: str = "ktp") -> None:
    DocumentFactory(household=proposal.household, owner_type="proposal", owner_id=proposal.pk,
                    kind=DocumentKind.objects.get(code=kind))  # fmt: skip


def unchanged(proposal: Proposal) -> bool:
    before = (proposal.status, proposal.version, proposal.events.count(), proposal.batch_id)
    proposal.refresh_from_db()
    return (proposal.status, proposal.version, proposal.events.count(),
            proposal.batch_id) == before  # fmt: skip


def test_submitting_puts_the_proposal_in_its_villages_batch(staff, household):
    proposal = proposal_of(household)
    proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted")
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert proposal.batch.region_id == VILLAGE
    assert proposal.batch.month.day == 1
    assert proposal.events.last().from_status == "draft"


@pytest.mark.parametrize(
    ("kind", "exit_reason", "needed"),
    [("correction", "", "ktp"), ("exit", "moved", "lainnya"), ("exit", "died", "akta_kematian")],
)
def test_a_correction_or_exit_is_submitted_with_its_evidence(
    staff, household, kind, exit_reason, needed
):
    member = PersonFactory(household=household)
    proposal = proposal_of(household, kind=kind, person=member, exit_reason=exit_reason)
    with pytest.raises(Exception) as caught:
        proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted")
    assert "documents" in caught.value.message_dict
    assert unchanged(proposal)
    if kind == "exit" and exit_reason == "died":
        evidence(proposal, "ktp")  # not the certificate: still refused
        with pytest.raises(Exception) as caught:
            proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted")
        assert "akta kematian" in caught.value.message_dict["documents"][0]
    evidence(proposal, needed)
    proposal = proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted")
    assert proposal.status == "submitted"


def test_a_new_household_is_verified_after_its_home_visit(staff, household):
    proposal = proposal_of(household, status="submitted")
    assert needs_home_visit(proposal)
    with pytest.raises(Exception) as caught:
        proposal_transition(actor=staff["back_office"], proposal=proposal, to="verified")
    assert "visit" in caught.value.message_dict
    assert unchanged(proposal)
    proposal_visit_request(actor=staff["back_office"], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.visit.household_id == household.pk
    with pytest.raises(ValidationError):  # requested, not reported yet
        proposal_transition(actor=staff["back_office"], proposal=proposal, to="verified")
    Visit.objects.filter(pk=proposal.visit_id).update(status="submitted",
                                                      submitted_at=timezone.now())  # fmt: skip
    proposal = proposal_transition(actor=staff["back_office"], proposal=proposal, to="verified")
    assert proposal.status == "verified"


def test_an_exit_better_off_needs_a_visit_and_a_moved_one_does_not(household):
    assert needs_home_visit(Proposal(kind="exit", exit_reason="better_off"))
    assert not needs_home_visit(Proposal(kind="exit", exit_reason="moved"))
    assert not needs_home_visit(Proposal(kind="correction"))


def test_the_desk_does_not_verify(staff, household):
    proposal = proposal_of(household, kind="new_member", person=PersonFactory(household=household),
                           status="submitted")  # fmt: skip
    with pytest.raises(Exception) as caught:
        proposal_transition(actor=staff["desk"], proposal=proposal, to="verified")
    assert "to" in caught.value.message_dict
    assert unchanged(proposal)


def test_returning_says_why_and_resubmitting_rebatches(staff, household):
    proposal = proposal_of(household, kind="new_member", person=PersonFactory(household=household))
    proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted")
    with pytest.raises(Exception) as caught:
        proposal_transition(actor=staff["back_office"], proposal=proposal, to="returned", note=" ")
    assert "note" in caught.value.message_dict
    proposal_transition(actor=staff["back_office"], proposal=proposal, to="returned",
                        note="KK tidak terbaca")  # fmt: skip
    proposal.batch = None
    Proposal.objects.filter(pk=proposal.pk).update(batch=None)
    proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted")
    proposal.refresh_from_db()
    assert proposal.batch is not None and proposal.status == "submitted"


def test_the_batch_moves_and_the_answer_are_not_taken_here(staff, household):
    proposal = proposal_of(household, status="verified")
    with pytest.raises(Exception) as caught:
        proposal_transition(actor=staff["back_office"], proposal=proposal, to="approved")
    assert "to" in caught.value.message_dict
    assert unchanged(proposal)


def test_a_stale_version_is_a_conflict(staff, household):
    proposal = proposal_of(household)
    with pytest.raises(Exception) as caught:
        proposal_transition(actor=staff["desk"], proposal=proposal, to="submitted", version=9)
    assert "changed meanwhile" in str(caught.value) or "diubah" in str(caught.value)
    assert unchanged(proposal)
