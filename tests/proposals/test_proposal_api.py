"""`/api/v1/proposals/`: opening, listing (NIKs masked), reading and moving a proposal, with
the web's scope and field messages in Indonesian."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from proposals.models import Proposal
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory, staff_user

VILLAGE = "52.72.01.1001"
NIK = "5272015204850003"


@pytest.fixture
def household(kota_bima):
    return HouseholdFactory(region_id=VILLAGE)


@pytest.fixture
def member(household):
    return PersonFactory(household=household, sex="F", birth_date=datetime.date(1985, 4, 12),
                         relationship="head", name="Siti Aminah")  # fmt: skip


@pytest.fixture
def api(client):
    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_correction_is_opened_and_listed_with_its_nik_masked(api, household, member):
    client = api(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    response = post(client, reverse("api:proposal-list"), {
        "kind": "correction", "household": household.pk, "person": member.pk,
        "changes": {"nik": {"to": NIK}}, "reason": "NIK belum tercatat",
    })  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["changes"] == {"nik": {"from": None, "to": NIK}}
    assert body["status"] == "draft" and body["source"] == "desk"
    listed = client.get(reverse("api:proposal-list")).json()["results"][0]
    assert NIK not in str(listed) and listed["changes"]["nik"]["to"].endswith("0003")
    detail = client.get(reverse("api:proposal-detail", args=[body["id"]])).json()
    assert detail["changes"]["nik"]["to"] == NIK and detail["events"][0]["to_status"] == "draft"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "correction", "changes": {"name": "Siti Aminah"}}, "changes", "tidak mengubah"),
        ({"kind": "correction", "changes": {"desil": 1}}, "changes.desil", "tidak dapat"),
        ({"kind": "exit"}, "exit_reason", "alasan"),
        ({"kind": "pindah"}, "kind", ""),
    ],
)
def test_bad_input_is_answered_by_field_in_indonesian(api, household, member, body, field, words):
    client = api(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    response = post(client, reverse("api:proposal-list"),
                    {"household": household.pk, "person": member.pk, **body})  # fmt: skip
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert words in " ".join(response.json()[field])
    assert not Proposal.objects.exists()


def test_a_household_outside_the_area_is_not_found(api, household):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    for user in (staff_user(Role.FRONT_OFFICE, "52.72.02"), staff_user(Role.FRONT_OFFICE, "52.71"),
                 staff_user(Role.VILLAGE_OPERATOR, "52.72.01.1002")):  # fmt: skip
        client = api(user)
        response = post(client, reverse("api:proposal-list"),
                        {"kind": "new_household", "household": household.pk})  # fmt: skip
        assert response.status_code == 400 and "household" in response.json()
    proposal = ProposalFactory(household=household)
    assert client.get(reverse("api:proposal-detail", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("api:proposal-list")).json()["results"] == []
    assert post(client, reverse("api:proposal-transition", args=[proposal.pk]),
                {"to": "submitted"}).status_code == 404  # fmt: skip


def test_a_second_open_proposal_is_refused_by_the_api(api, household, member):
    client = api(staff_user(Role.VILLAGE_OPERATOR, VILLAGE))
    body = {"kind": "new_member", "household": household.pk, "person": member.pk}
    assert post(client, reverse("api:proposal-list"), body).status_code == 201
    second = post(client, reverse("api:proposal-list"), body)
    assert second.status_code == 400
    assert second.json()["person"] == [
        "Anggota ini sudah memiliki usulan jenis ini yang masih berjalan."
    ]


def test_the_transition_moves_it_and_writes_the_event(api, household, member):
    proposal = ProposalFactory(household=household, kind="new_member", person=member)
    client = api(staff_user(Role.FRONT_OFFICE, "52.72.01"))
    url = reverse("api:proposal-transition", args=[proposal.pk])
    assert post(client, url, {"to": "verified"}).status_code == 400
    stale = post(client, url, {"to": "submitted", "version": 7})
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "draft"
    moved = post(client, url, {"to": "submitted", "note": "lengkap"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "submitted" and moved.json()["batch"]
    assert moved.json()["events"][-1]["via"] == "api"
