"""Proposals, objections and household changes attacked by a reviewer: odd ids in the query
string, a file prepared and verified by one person, framework messages left in English."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessLog
from documents.models import DocumentKind
from households import lifecycle
from proposals.models import Proposal
from proposals.services import proposal_open, proposal_transition
from regions.models import Region
from tests.factories import DocumentFactory, HouseholdFactory, PersonFactory, ProposalFactory
from visits.models import Visit

# Characters str.isdigit() takes for digits that int() refuses.
NOT_INTS = ["²", "³", "①", "１²"]


@pytest.fixture
def web(staff):
    def sign_in(who: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="id", raise_request_exception=False)
        client.force_login(staff[who])
        return client

    return sign_in


@pytest.mark.parametrize("value", NOT_INTS)
def test_a_complaint_id_that_only_looks_like_digits_is_not_a_crash(recipient, web, value):
    client = web("front_office")
    url = reverse("proposals:create", args=[recipient.pk])
    member = recipient.members.first()
    assert client.get(url, {"complaint": value}).status_code in (200, 404)
    response = client.post(url, {"kind": "exit", "person": member.pk, "exit_reason": "moved",
                                 "complaint": value})  # fmt: skip
    assert response.status_code in (302, 400, 404)
    assert not Proposal.objects.filter(complaint__isnull=False).exists()


@pytest.mark.parametrize("value", [*NOT_INTS, "99999999999999999999", "0"])
def test_a_person_id_of_the_proposal_link_that_cannot_be_an_id_is_not_a_crash(
    recipient, web, value
):
    url = reverse("proposals:create", args=[recipient.pk])
    response = web("front_office").get(url, {"kind": "exit", "person": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NOT_INTS)
@pytest.mark.parametrize("page", ["households:record_death", "households:record_move_out"])
def test_a_member_id_that_only_looks_like_digits_is_not_a_crash(recipient, web, page, value):
    response = web("front_office").get(reverse(page, args=[recipient.pk]), {"member": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NOT_INTS)
def test_the_visit_pages_take_such_ids_without_a_crash(recipient, web, value):
    client = web("back_office")
    assert client.get(reverse("visits:queue"), {"assignee": value}).status_code == 200
    request = reverse("visits:request", args=[recipient.pk])
    for name in ("complaint", "referral"):
        assert client.get(request, {name: value}).status_code == 200


# --- four eyes: who proposed does not verify --------------------------------------------------


def _submitted_by(user, household):
    proposal = proposal_open(actor=user, kind="exit", household=household,
                             exit_reason="moved", reason="Pindah ke Dompu")  # fmt: skip
    DocumentFactory(household=household, owner_type="proposal", owner_id=proposal.pk,
                    kind=DocumentKind.objects.get(code="kk"))  # fmt: skip
    return proposal_transition(actor=user, proposal=proposal, to="submitted")


@pytest.mark.parametrize("who", ["back_office", "supervisor"])
def test_who_proposed_does_not_verify_their_own_proposal(recipient, staff, web, who):
    proposal = _submitted_by(staff[who], recipient)
    client = web(who)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'value="verified"' not in page
    response = client.post(reverse("proposals:transition", args=[proposal.pk]),
                           {"to": "verified", "version": proposal.version})  # fmt: skip
    assert response.status_code == 400
    assert "mengusulkan" in response.content.decode()
    api = client.post(f"/api/v1/proposals/{proposal.pk}/transition/",
                      {"to": "verified", "version": proposal.version},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 400 and "to" in api.json()
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.events.count() == 2
    # Another verifier of the area does.
    other = web("supervisor" if who == "back_office" else "back_office")
    response = other.post(reverse("proposals:transition", args=[proposal.pk]),
                          {"to": "verified", "version": proposal.version})  # fmt: skip
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "verified"


# --- the API's framework messages, in Indonesian ---------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/objections/"])
def test_a_null_body_is_answered_in_indonesian(recipient, web, url):
    response = web("back_office").post(url, "null", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Tidak ada data yang dikirim: kirim sebuah objek JSON."]
    }


def test_a_null_body_to_a_move_is_answered_in_indonesian(recipient, staff, web):
    proposal = _submitted_by(staff["front_office"], recipient)
    response = web("back_office").post(f"/api/v1/proposals/{proposal.pk}/transition/", "null",
                                       content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "Tidak ada data" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize("who", ["front_office_other_district", "supervisor_other_city",
                                 "village_operator_other"])  # fmt: skip
def test_out_of_area_is_not_found_in_indonesian_naming_no_model(recipient, staff, web, who):
    proposal = _submitted_by(staff["front_office"], recipient)
    client = web(who)
    for url in (f"/api/v1/proposals/{proposal.pk}/", f"/api/v1/proposals/{proposal.pk}/settle/",
                "/api/v1/proposals/999999/"):  # fmt: skip
        response = client.get(url) if url.count("/") == 5 else client.post(url, {})
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Tidak ditemukan."}, url


# --- the exit of a member whose death is recorded ---------------------------------------------


def test_the_exit_of_a_member_whose_death_is_recorded_can_be_proposed(recipient, staff, web):
    son = PersonFactory(household=recipient, name="Budi Wafat")
    lifecycle.person_record_death(actor=staff["front_office"], person=son,
                                  date=datetime.date(2026, 1, 2), evidence_kind="akta_kematian",
                                  evidence_number="5272-KM-0001")  # fmt: skip
    url = reverse("proposals:create", args=[recipient.pk])
    client = web("front_office")
    assert f'value="{son.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"kind": "exit", "person": son.pk, "exit_reason": "died"})
    assert response.status_code == 302
    assert Proposal.objects.get(person=son).kind == "exit"
    # Any other kind about them is still refused.
    response = client.post(url, {"kind": "correction", "person": son.pk,
                                 "changes.birth_place": "Dompu"})  # fmt: skip
    assert response.status_code == 400 and "usulkan keluarnya" in response.content.decode()


# --- a home visit only for the proposals that wait for one -----------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "exit", "exit_reason": "moved"},  # papers prove it
        {"kind": "new_household", "status": "accepted"},  # the registry answered
    ],
)
def test_no_home_visit_is_asked_for_a_proposal_that_needs_none(recipient, staff, web, fields):
    proposal = ProposalFactory(household=recipient, **fields)
    response = web("back_office").post(reverse("proposals:visit_request", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.visit_id is None and proposal.version == 1
    assert not Visit.objects.exclude(reason="verifikasi sanggahan").exists()


# --- a corrected NIK shown whole is written to the access log, wherever it is shown -----------


@pytest.fixture
def nik_correction(recipient, staff):
    member = PersonFactory(household=recipient, name="Rina", sex="F",
                           birth_date=datetime.date(1990, 2, 3))  # fmt: skip
    proposal = proposal_open(actor=staff["front_office"], kind="correction", household=recipient,
                             person=member, changes={"nik": "5272014302900007"})  # fmt: skip
    DocumentFactory(household=recipient, owner_type="proposal", owner_id=proposal.pk,
                    kind=DocumentKind.objects.get(code="ktp"))  # fmt: skip
    return proposal_transition(actor=staff["front_office"], proposal=proposal, to="submitted")


@pytest.mark.parametrize(
    "how",
    [
        ("api", {"to": "verified"}, 200),
        ("api", {"to": "verified", "version": 99}, 409),
        ("web", {"to": "approved", "version": 2}, 400),
    ],
)
def test_a_moves_answer_showing_the_whole_nik_is_logged(nik_correction, web, how):
    where, body, status = how
    client = web("back_office")
    if where == "api":
        url = f"/api/v1/proposals/{nik_correction.pk}/transition/"
        response = client.post(url, body, content_type="application/json")
    else:
        url = reverse("proposals:transition", args=[nik_correction.pk])
        response = client.post(url, body)
    assert response.status_code == status
    assert "5272014302900007" in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.household_id, entry.path) == (nik_correction.household_id, url)


def test_opening_a_nik_correction_through_the_api_logs_the_recorded_nik_it_answers(
    recipient, staff, web
):
    member = PersonFactory(household=recipient, name="Rina", sex="F", nik="5272014302900007",
                           birth_date=datetime.date(1990, 2, 3))  # fmt: skip
    response = web("front_office").post("/api/v1/proposals/", {
        "kind": "correction", "household": recipient.pk, "person": member.pk,
        "changes": {"nik": "5272014302900015"},
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert response.json()["changes"]["nik"]["from"] == "5272014302900007"
    assert AccessLog.objects.filter(household_id=recipient.pk, path="/api/v1/proposals/").exists()


# --- a correction to a number registered elsewhere: said as registration says it, and logged ---


@pytest.mark.parametrize("who", ["village_operator", "facilitator"])
def test_a_correction_to_a_nik_registered_elsewhere_is_logged_and_says_no_more(
    recipient, staff, web, who
):
    Region.objects.create(code="52.71.01", name="Ampenan", level=3, parent_id="52.71")
    Region.objects.create(code="52.71.01.1001", name="Ampenan Selatan", level=4,
                          parent_id="52.71.01")  # fmt: skip
    mataram = HouseholdFactory(region_id="52.71.01.1001", kk_number="5271010101200001")
    PersonFactory(household=mataram, name="Orang Mataram", sex="F", nik="5271014302900003",
                  birth_date=datetime.date(1990, 2, 3))  # fmt: skip
    member = PersonFactory(household=recipient, name="Rina", sex="F",
                           birth_date=datetime.date(1990, 2, 3))  # fmt: skip
    client = web(who)
    for body, field in (
        ({"person": member.pk, "changes": {"nik": "5271014302900003"}}, "changes.nik"),
        ({"changes": {"kk_number": "5271010101200001"}}, "changes.kk_number"),
    ):
        response = client.post("/api/v1/proposals/", {"kind": "correction",
                                                      "household": recipient.pk, **body},
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 400
        message = " ".join(response.json()[field])
        assert str(mataram.pk) not in message and "Mataram" not in message
    logged = AccessLog.objects.filter(user=staff[who], action="search")
    assert set(logged.values_list("query", flat=True)) == {"5271014302900003", "5271010101200001"}
    assert not Proposal.objects.exists()
