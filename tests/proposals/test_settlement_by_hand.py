"""A supervisor settles a sent proposal by hand; the follow-up list keeps to the area."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from proposals.models import FOLLOW_UP_CYCLES, Proposal
from proposals.settlement import proposal_settle
from regions.models import Region
from tests.factories import HouseholdFactory, ProposalFactory, staff_user

VILLAGE, OTHER_DISTRICT_VILLAGE = "52.72.01.1001", "52.72.02.1008"


@pytest.fixture
def staff(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    return {
        "supervisor": staff_user(Role.SUPERVISOR, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01"),
        "front_office": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "supervisor_other_district": staff_user(Role.SUPERVISOR, "52.72.02"),
        "supervisor_other_city": staff_user(Role.SUPERVISOR, "52.71"),
    }


@pytest.fixture
def proposal(kota_bima):
    return ProposalFactory(status=Proposal.Status.SENT,
                           household=HouseholdFactory(region_id=VILLAGE))  # fmt: skip


def unchanged(proposal: Proposal) -> bool:
    before = (proposal.status, proposal.version, proposal.events.count())
    proposal.refresh_from_db()
    return (proposal.status, proposal.version, proposal.events.count()) == before


@pytest.mark.parametrize(
    ("outcome", "desil", "reason", "field"),
    [
        ("accepted", None, "", "desil"),
        ("accepted", "11", "", "desil"),
        ("accepted", "0", "", "desil"),
        ("accepted", "tiga", "", "desil"),
        ("rejected", None, "  ", "reason"),
        ("returned", None, "", "reason"),
        ("approved", 3, "", "outcome"),
        ("", 3, "", "outcome"),
    ],
)
def test_bad_input_gets_a_field_message_and_saves_nothing(
    staff, proposal, outcome, desil, reason, field
):
    with pytest.raises(Exception) as caught:
        proposal_settle(actor=staff["supervisor"], proposal=proposal, outcome=outcome,
                        desil=desil, reason=reason)  # fmt: skip
    assert field in caught.value.message_dict
    assert unchanged(proposal)


def test_a_supervisor_accepts_with_the_desil(staff, proposal):
    proposal_settle(actor=staff["supervisor"], proposal=proposal, outcome="accepted", desil="4")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == ("accepted", 4)
    event = proposal.events.last()
    assert (event.actor, event.from_status, event.to_status) == (staff["supervisor"], "sent",
                                                                 "accepted")  # fmt: skip


def test_a_rejection_keeps_its_reason(staff, proposal):
    proposal_settle(actor=staff["supervisor"], proposal=proposal, outcome="rejected",
                    reason="NIK tidak padan Dukcapil")  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.outcome_note == "NIK tidak padan Dukcapil"
    assert proposal.events.last().note == "NIK tidak padan Dukcapil"


def test_only_a_sent_proposal_is_settled(staff, kota_bima):
    draft = ProposalFactory(household=HouseholdFactory(region_id=VILLAGE))
    with pytest.raises(Exception) as caught:
        proposal_settle(actor=staff["supervisor"], proposal=draft, outcome="accepted", desil=3)
    assert "outcome" in caught.value.message_dict
    assert unchanged(draft)


def test_the_back_office_does_not_settle(staff, proposal):
    with pytest.raises(Exception) as caught:
        proposal_settle(actor=staff["back_office"], proposal=proposal, outcome="accepted",
                        desil=3)  # fmt: skip
    assert "outcome" in caught.value.message_dict
    assert unchanged(proposal)


def test_the_page_settles_and_shows_field_messages(client, staff, proposal):
    client.force_login(staff["supervisor"])
    url = reverse("proposals:settle", args=[proposal.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "accepted", "desil": "12", "version": 1})
    assert response.status_code == 400
    assert "1 sampai 10" in response.content.decode() or "1 to 10" in response.content.decode()
    assert unchanged(proposal)
    response = client.post(url, {"outcome": "accepted", "desil": "2", "version": 1})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == ("accepted", 2)


def test_the_page_refuses_a_stale_version(client, staff, proposal):
    client.force_login(staff["supervisor"])
    url = reverse("proposals:settle", args=[proposal.pk])
    response = client.post(url, {"outcome": "accepted", "desil": "2", "version": 7})
    assert response.status_code == 400
    assert unchanged(proposal)


@pytest.mark.parametrize("who", ["supervisor_other_district", "supervisor_other_city"])
def test_out_of_the_area_the_proposal_does_not_exist(client, staff, proposal, who):
    client.force_login(staff[who])
    assert client.get(reverse("proposals:settle", args=[proposal.pk])).status_code == 404
    api = reverse("api:proposal-settle", args=[proposal.pk])
    response = client.post(
        api, {"outcome": "accepted", "desil": 3}, content_type="application/json"
    )
    assert response.status_code == 404
    assert unchanged(proposal)


def test_the_api_settles_and_answers_by_field(client, staff, proposal):
    client.force_login(staff["supervisor"])
    api = reverse("api:proposal-settle", args=[proposal.pk])
    response = client.post(api, {"outcome": "rejected"}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    assert unchanged(proposal)
    response = client.post(api, {"outcome": "accepted", "desil": 5, "version": 1},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == "accepted" and response.json()["desil_result"] == 5


def test_the_api_refuses_a_role_that_does_not_settle(client, staff, proposal):
    client.force_login(staff["front_office"])
    api = reverse("api:proposal-settle", args=[proposal.pk])
    response = client.post(
        api, {"outcome": "accepted", "desil": 3}, content_type="application/json"
    )
    assert response.status_code == 403
    assert unchanged(proposal)


def test_the_follow_up_list_shows_only_the_area(client, staff, kota_bima):
    waiting = ProposalFactory(status="sent", cycles_unanswered=FOLLOW_UP_CYCLES,
                              household=HouseholdFactory(region_id=VILLAGE))  # fmt: skip
    far = HouseholdFactory(region_id=OTHER_DISTRICT_VILLAGE)
    elsewhere = ProposalFactory(status="sent", cycles_unanswered=FOLLOW_UP_CYCLES + 1,
                                household=far)  # fmt: skip
    ProposalFactory(
        status="sent", cycles_unanswered=1, household=HouseholdFactory(region_id=VILLAGE)
    )
    url = reverse("proposals:follow_up")
    for who in ("supervisor", "back_office"):
        client.force_login(staff[who])
        response = client.get(url)
        assert response.status_code == 200
        assert [p.pk for p in response.context["proposals"]] == [waiting.pk]
    client.force_login(staff["supervisor_other_city"])
    assert list(client.get(url).context["proposals"]) == []
    client.force_login(staff["supervisor_other_district"])
    assert [p.pk for p in client.get(url).context["proposals"]] == [elsewhere.pk]
    client.force_login(staff["front_office"])
    assert client.get(url).status_code == 403
