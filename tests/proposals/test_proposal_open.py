"""Opening a proposal: each bad input gets its field's message and saves nothing; only
households of the proposer's own area (or village) can be proposed."""

import datetime

import pytest

from accounts.roles import Role
from households.models import Person
from proposals.models import Proposal, ProposalEvent
from proposals.services import proposal_open
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory, staff_user

VILLAGE, OTHER_VILLAGE_SAME_DISTRICT, OTHER_DISTRICT_VILLAGE = (
    "52.72.01.1001", "52.72.01.1002", "52.72.02.1008",
)  # fmt: skip


@pytest.fixture
def desk(kota_bima):
    return staff_user(Role.FRONT_OFFICE, "52.72.01")


@pytest.fixture
def household(kota_bima):
    return HouseholdFactory(region_id=VILLAGE, rt="001", rw="002")


@pytest.fixture
def member(household):
    return PersonFactory(household=household, name="Siti Aminah", sex="F",
                         birth_date=datetime.date(1985, 4, 12), relationship="head")  # fmt: skip


def nothing_saved() -> bool:
    return not Proposal.objects.exists() and not ProposalEvent.objects.exists()


def refused(field: str, **kwargs) -> str:
    with pytest.raises(Exception) as caught:
        proposal_open(**kwargs)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert nothing_saved()
    return " ".join(caught.value.message_dict[field])


def test_a_correction_is_stored_from_the_record_to_the_new_value(desk, household, member):
    proposal = proposal_open(actor=desk, kind="correction", household=household, person=member,
                             changes={"name": {"from": "forged", "to": "Siti Aminah Binti Ali"},
                                      "birth_place": "Bima", "sex": "F"})  # fmt: skip
    assert proposal.changes == {
        "name": {"from": "Siti Aminah", "to": "Siti Aminah Binti Ali"},
        "birth_place": {"from": "", "to": "Bima"},
    }
    assert proposal.status == "draft" and proposal.source == "desk"
    assert proposal.region_id == VILLAGE
    assert proposal.events.get().to_status == "draft"


def test_a_households_correction_reads_rt_as_the_registry_writes_it(desk, household):
    proposal = proposal_open(actor=desk, kind="correction", household=household,
                             changes={"rt": "7"})  # fmt: skip
    assert proposal.changes == {"rt": {"from": "001", "to": "007"}}


def test_a_correction_that_changes_nothing_is_refused(desk, household, member):
    message = refused("changes", actor=desk, kind="correction", household=household,
                      person=member, changes={"name": "Siti Aminah", "sex": "F"})  # fmt: skip
    assert message == "Perbaikan tidak mengubah apa pun."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "changes"),
        ({"desil": 1}, "changes.desil"),
        ({"status": "deceased"}, "changes.status"),
        ({"sex": "X"}, "changes.sex"),
        ({"birth_date": "kemarin"}, "changes.birth_date"),
        ({"birth_date": "2990-01-01"}, "changes.birth_date"),
        ({"name": ""}, "changes.name"),
        ({"name": "x" * 151}, "changes.name"),
        ({"nik": "123"}, "changes.nik"),
        ({"nik": "5272011204850001"}, "changes.nik"),  # a man's NIK, for a woman
        ({"disability": 99}, "changes.disability"),
        ({"relationship": "head_of_state"}, "changes.relationship"),
        ({"rt": "12345"}, "changes.rt"),  # a household variable, for a member
    ],
)
def test_a_bad_correction_says_which_variable(desk, household, member, changes, field):
    refused(field, actor=desk, kind="correction", household=household, person=member,
            changes=changes)  # fmt: skip


def test_a_second_head_is_refused(desk, household, member):
    other = PersonFactory(household=household, relationship="spouse")
    message = refused(
        "changes.relationship", actor=desk, kind="correction", household=household,
        person=other, changes={"relationship": "head"},
    )  # fmt: skip
    assert "satu kepala" in message


def test_a_nik_of_another_person_is_refused(desk, household, member):
    PersonFactory(nik="5272015204850001", sex="F", birth_date=datetime.date(1985, 4, 12))
    refused("changes.nik", actor=desk, kind="correction", household=household, person=member,
            changes={"nik": "5272015204850001"})  # fmt: skip


def test_a_nik_that_fits_is_taken(desk, household, member):
    proposal = proposal_open(actor=desk, kind="correction", household=household, person=member,
                             changes={"nik": "5272015204850003"})  # fmt: skip
    assert proposal.changes["nik"] == {"from": None, "to": "5272015204850003"}


def test_an_exit_needs_its_reason(desk, household, member):
    refused("exit_reason", actor=desk, kind="exit", household=household, person=member)
    refused("exit_reason", actor=desk, kind="exit", household=household, person=member,
            exit_reason="bosan")  # fmt: skip
    refused("person", actor=desk, kind="exit", household=household, exit_reason="died")


def test_a_new_member_needs_the_member(desk, household):
    refused("person", actor=desk, kind="new_member", household=household)


def test_the_member_belongs_to_the_household_and_lives_there(desk, household, member):
    stranger = PersonFactory(household=HouseholdFactory(region_id=VILLAGE))
    refused("person", actor=desk, kind="new_member", household=household, person=stranger)
    member.status, member.status_date = Person.Status.DECEASED, datetime.date(2026, 1, 1)
    member.save()
    refused("person", actor=desk, kind="correction", household=household, person=member,
            changes={"name": "Siti"})  # fmt: skip


def test_a_member_who_died_is_proposed_out_for_that_reason_only(desk, household, member):
    member.status, member.status_date = Person.Status.DECEASED, datetime.date(2026, 1, 1)
    member.save()
    message = refused("exit_reason", actor=desk, kind="exit", household=household,
                      person=member, exit_reason="moved")  # fmt: skip
    assert member.get_status_display() in message
    refused("person", actor=desk, kind="new_member", household=household, person=member)
    proposal = proposal_open(actor=desk, kind="exit", household=household, person=member,
                             exit_reason="died")  # fmt: skip
    assert (proposal.person, proposal.exit_reason) == (member, "died")


def test_a_dissolved_household_is_proposed_out_only(desk, household, member):
    household.dissolved_on = datetime.date(2026, 11, 30)
    household.save()
    message = refused("kind", actor=desk, kind="new_member", household=household, person=member)
    assert "30-11-2026" in message
    refused("kind", actor=desk, kind="correction", household=household,
            changes={"address": "Jalan Baru 1"})  # fmt: skip
    exit_ = proposal_open(actor=desk, kind="exit", household=household, exit_reason="moved")
    assert exit_.kind == "exit"


def test_changes_belong_to_a_correction_only(desk, household, member):
    refused("changes", actor=desk, kind="new_member", household=household, person=member,
            changes={"name": "Siti"})  # fmt: skip


def test_a_second_open_proposal_of_the_kind_is_refused(desk, household, member):
    proposal_open(actor=desk, kind="new_member", household=household, person=member)
    with pytest.raises(Exception) as caught:
        proposal_open(actor=desk, kind="new_member", household=household, person=member)
    assert "person" in caught.value.message_dict
    assert Proposal.objects.count() == 1
    proposal_open(actor=desk, kind="new_household", household=household)
    with pytest.raises(Exception) as caught:
        proposal_open(actor=desk, kind="new_household", household=household)
    assert "kind" in caught.value.message_dict
    assert Proposal.objects.count() == 2


def test_a_settled_proposal_leaves_room_for_a_new_one(desk, household, member):
    ProposalFactory(kind="new_member", household=household, person=member, status="rejected")
    assert proposal_open(actor=desk, kind="new_member", household=household, person=member)


@pytest.fixture
def outsiders(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    return {
        "front office of another district": staff_user(Role.FRONT_OFFICE, "52.72.02"),
        "front office of another city": staff_user(Role.FRONT_OFFICE, "52.71"),
        "agency officer": staff_user(Role.AGENCY_OFFICER, "52.72"),
        "village operator of another village": staff_user(
            Role.VILLAGE_OPERATOR, OTHER_VILLAGE_SAME_DISTRICT
        ),
    }


def test_nobody_proposes_a_household_outside_their_area(outsiders, household):
    for who, user in outsiders.items():
        with pytest.raises(Exception) as caught:
            proposal_open(actor=user, kind="new_household", household=household)
        assert caught.value.messages, who
    assert nothing_saved()


def test_the_source_is_the_proposers_role(kota_bima, household):
    operator = staff_user(Role.VILLAGE_OPERATOR, VILLAGE)
    facilitator = staff_user(Role.FACILITATOR, "52.72.01")
    assert proposal_open(actor=operator, kind="new_household",
                         household=household).source == "village_operator"  # fmt: skip
    other = HouseholdFactory(region_id=VILLAGE)
    assert proposal_open(actor=facilitator, kind="new_household",
                         household=other).source == "facilitator"  # fmt: skip
