"""Objections (sanggah): recorded for a recipient household of the objector's own village,
the home visit asked for at once, the deadline in working days, escalated three working days
before it and settled by the office's rule once it passes; decided with the visit, an upheld
one opening a proposal and flagging the household for screening; who objected never shown to
the household."""

import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Office
from complaints.workdays import add_working_days
from documents.models import Document
from households.registry_codes import WallMaterial
from programs.models import Enrollment, InclusionErrorFlag
from programs.screening import screening_rows
from proposals.models import Objection, ObjectionEvent, Proposal
from proposals.objections import objection_decide, objection_record, objection_sla_sweep
from reports.subject_access import person_data_export
from tests.factories import HouseholdFactory
from tests.proposals.conftest import OTHER_VILLAGE, VILLAGE, photo_upload
from visits.models import Visit

WITA = ZoneInfo("Asia/Makassar")
# Monday 5 October 2026, a month without public holidays: 14 working days end on Friday 23.
RECORDED = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=WITA)
DEADLINE = datetime.date(2026, 10, 23)


def sweep() -> None:
    call_command("sla_sweep", stdout=io.StringIO())


def at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, 0, tzinfo=WITA)


@pytest.fixture
def recorded(recipient, staff):
    with time_machine.travel(RECORDED, tick=False):
        return objection_record(
            actor=staff["village_operator"], household=recipient,
            reason="Rumahnya besar dan punya mobil.", objector_name="Ahmad Tetangga",
            objector_contact="+6281234567890",
        )  # fmt: skip


def submitted(objection: Objection, verdict: str = "tidak_layak") -> Objection:
    Visit.objects.filter(pk=objection.visit_id).update(status="submitted", verdict=verdict)
    objection.refresh_from_db()
    return objection


# --- recording ---------------------------------------------------------------------------------


def test_an_objection_of_the_same_village_asks_for_the_visit_due_by_the_deadline(recorded):
    assert recorded.status == "open"
    assert recorded.deadline == DEADLINE == add_working_days(RECORDED.date(), 14)
    assert recorded.objector_region_id == VILLAGE
    visit = recorded.visit
    assert (visit.reason, visit.due, visit.status) == (
        "verifikasi sanggahan",
        DEADLINE,
        "requested",
    )
    assert list(recorded.events.values_list("action", flat=True)) == [
        "recorded", "visit_requested",
    ]  # fmt: skip


def test_the_deadline_counts_the_offices_working_days(recipient, staff):
    Office.objects.create(region_id="52.72", name="Dinas Sosial Kota Bima", address="Jl.",
                          head_name="Kepala", objection_working_days=5)  # fmt: skip
    with time_machine.travel(at(2), tick=False):  # a Friday: the weekend does not count
        objection = objection_record(
            actor=staff["front_office"], household=recipient, reason="Punya mobil.",
            anonymous=True,
        )  # fmt: skip
    assert objection.deadline == datetime.date(2026, 10, 9)
    assert (objection.objector_name, objection.anonymous) == ("", True)


def test_an_objection_to_a_household_of_another_village_is_refused_and_saves_nothing(
    recipient, staff
):
    with pytest.raises(ValidationError) as refused:
        objection_record(
            actor=staff["front_office"], household=recipient, reason="Punya mobil.",
            objector_name="Ahmad", objector_village=OTHER_VILLAGE,
        )  # fmt: skip
    assert "desa/kelurahan lain" in refused.value.message_dict["objector_village"][0]
    assert not Objection.objects.exists()
    assert not Visit.objects.exists()


def test_a_village_operator_of_another_village_cannot_object_through_the_api(
    recipient, staff, client
):
    client.force_login(staff["village_operator_other"])
    response = client.post(
        "/api/v1/objections/", {"household": recipient.pk, "reason": "Punya mobil."},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="id",
    )  # fmt: skip
    assert response.status_code == 400
    assert "household" in response.json()
    assert "Sanggahan" not in response.content.decode()
    assert not Objection.objects.exists()


def test_a_household_receiving_nothing_cannot_be_objected_to(recipient, staff):
    recipient.enrollments.update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        objection_record(actor=staff["front_office"], household=recipient, reason="x",
                         objector_name="Ahmad")  # fmt: skip
    assert "tidak menerima program" in refused.value.message_dict["household"][0]


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("-8.46", "", "longitude"), ("", "118.72", "latitude"), ("48.85", "118.72", "latitude"),
     ("-8.46", "2.35", "longitude"), ("utara", "118.72", "latitude")],
)  # fmt: skip
def test_coordinates_come_both_or_neither_and_inside_indonesia(
    recipient, staff, latitude, longitude, field
):
    with pytest.raises(ValidationError) as refused:
        objection_record(
            actor=staff["front_office"], household=recipient, reason="Punya mobil.",
            objector_name="Ahmad", photo=photo_upload(), latitude=latitude, longitude=longitude,
        )  # fmt: skip
    assert field in refused.value.message_dict
    assert not Objection.objects.exists()
    assert not Document.objects.exists()


def test_a_photo_with_its_coordinates_is_filed_with_the_objection(recipient, staff):
    objection = objection_record(
        actor=staff["front_office"], household=recipient, reason="Punya mobil.",
        objector_name="Ahmad", photo=photo_upload(), latitude="-8,4601", longitude="118.7262",
    )  # fmt: skip
    photo = Document.objects.get(owner_type="objection", owner_id=objection.pk)
    assert photo.kind.code == "foto_depan"
    assert str(objection.latitude) == "-8.460100"


def test_the_desk_form_records_an_anonymous_objection(recipient, staff, client):
    client.force_login(staff["village_operator"])
    url = reverse("proposals:objection_create", args=[recipient.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"anonymous": "on", "reason": "Punya mobil.",
                                 "objector_village": VILLAGE})  # fmt: skip
    objection = Objection.objects.get()
    assert response.status_code == 302
    assert (objection.anonymous, objection.via, objection.created_by) == (
        True, "desk", staff["village_operator"],
    )  # fmt: skip


def test_the_desk_form_shows_the_refusal_by_field(recipient, staff, client):
    client.force_login(staff["front_office"])
    url = reverse("proposals:objection_create", args=[recipient.pk])
    data = {"reason": "Punya mobil.", "objector_name": "Ahmad", "objector_village": OTHER_VILLAGE}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "desa/kelurahan lain" in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.parametrize("who", ["front_office_other_district", "supervisor_other_city",
                                 "village_operator_other"])  # fmt: skip
def test_users_of_another_area_find_neither_the_household_nor_the_objection(
    recorded, staff, client, who
):
    client.force_login(staff[who])
    household = recorded.household_id
    assert client.get(reverse("proposals:objection_create", args=[household])).status_code == 404
    assert client.get(reverse("proposals:objection_detail", args=[recorded.pk])).status_code == 404
    assert recorded.pk not in [o["id"] for o in client.get("/api/v1/objections/").json()["results"]]
    listed = client.get(reverse("proposals:objection_list"))
    assert recorded.household.address not in listed.content.decode()


# --- the deadline ------------------------------------------------------------------------------


def test_the_sweep_escalates_three_working_days_before_the_deadline_once(
    recorded, staff, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(19), tick=False):
        sweep()
    assert not recorded.events.filter(action="escalation").exists()
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(20), tick=False):
        sweep()
        sweep()
    assert recorded.events.filter(action="escalation").count() == 1
    assert [m.to for m in mail.outbox] == [["kabid@bima.example"]]
    assert "Ahmad" not in mail.outbox[0].body
    recorded.refresh_from_db()
    assert recorded.escalated_at is not None and recorded.status == "open"


def test_an_objection_not_verified_by_the_deadline_is_upheld_by_default(recorded):
    with time_machine.travel(at(23, 20), tick=False):
        sweep()
    recorded.refresh_from_db()
    assert recorded.status == "open", "the deadline day is still the office's"
    with time_machine.travel(at(24), tick=False):
        sweep()
        sweep()
    recorded.refresh_from_db()
    assert (recorded.status, recorded.decided_by_deadline, recorded.decided_by) == (
        "upheld", True, None,
    )  # fmt: skip
    assert (recorded.proposal.kind, recorded.proposal.source) == ("exit", "objection")
    assert InclusionErrorFlag.objects.filter(household=recorded.household).exists()
    assert recorded.events.filter(action="upheld", actor=None).count() == 1


def test_an_office_may_settle_unverified_objections_as_not_upheld(recorded):
    Office.objects.create(
        region_id="52.72", name="Dinas Sosial Kota Bima", address="Jl.", head_name="Kepala",
        objection_unverified_outcome="not_upheld",
    )  # fmt: skip
    assert objection_sla_sweep(now=at(26))["objections_settled"] == 1
    recorded.refresh_from_db()
    assert (recorded.status, recorded.proposal) == ("not_upheld", None)
    assert not InclusionErrorFlag.objects.exists()


def test_the_escalation_is_claimed_once_by_the_constraint(recorded):
    ObjectionEvent.objects.create(objection=recorded, action="escalation")
    assert objection_sla_sweep(now=at(21))["objection_escalations"] == 0


# --- the decision ------------------------------------------------------------------------------


def test_an_objection_is_decided_with_the_visit_sent(recorded, staff):
    with pytest.raises(ValidationError) as refused:
        objection_decide(actor=staff["back_office"], objection=recorded, outcome="upheld")
    assert "kunjungan belum dikirim" in refused.value.message_dict["outcome"][0]
    with pytest.raises(ValidationError):
        objection_decide(actor=staff["village_operator"], objection=submitted(recorded),
                         outcome="upheld")  # fmt: skip


def test_an_upheld_objection_opens_the_proposal_and_screening_lists_the_household(
    recorded, staff, program
):
    today = datetime.date(2026, 10, 6)
    assert not list(screening_rows(program, region_code="52.72", today=today)), "it qualifies"

    walls = next(code for code in WallMaterial.values if code != recorded.household.wall_material)
    objection_decide(actor=staff["back_office"], objection=submitted(recorded), outcome="upheld",
                     note="Rumah permanen, ada mobil.", proposal_kind="correction",
                     changes={"wall_material": walls})  # fmt: skip

    recorded.refresh_from_db()
    assert recorded.status == "upheld" and recorded.decided_by == staff["back_office"]
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.source, proposal.household) == (
        "correction", "objection", recorded.household,
    )  # fmt: skip
    rows = list(screening_rows(program, region_code="52.72", today=today))
    assert [(r["household_id"], r["finding"]) for r in rows] == [
        (recorded.household_id, "inclusion")
    ]


def test_an_upheld_correction_takes_what_the_visit_saw_otherwise(recorded, staff, client):
    household = recorded.household
    walls = next(code for code in WallMaterial.values if code != household.wall_material)
    objection = submitted(recorded)
    objection.visit.findings.create(field="wall_material", recorded=household.wall_material,
                                    observed=walls)  # fmt: skip
    objection.visit.findings.create(
        field="floor_material", recorded=household.floor_material, observed=household.floor_material
    )  # seen as recorded
    client.force_login(staff["back_office"])
    response = client.post(reverse("proposals:objection_decide", args=[recorded.pk]),
                           {"outcome": "upheld", "proposal_kind": "correction"})  # fmt: skip
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == "correction" and list(proposal.changes) == ["wall_material"]
    assert proposal.changes["wall_material"]["to"] == walls


def test_an_upheld_correction_with_nothing_seen_otherwise_is_refused(recorded, staff, client):
    submitted(recorded)
    client.force_login(staff["back_office"])
    response = client.post(reverse("proposals:objection_decide", args=[recorded.pk]),
                           {"outcome": "upheld", "proposal_kind": "correction"})  # fmt: skip
    assert response.status_code == 400
    assert "tidak menemukan variabel rumah yang berbeda" in response.content.decode()
    recorded.refresh_from_db()
    assert recorded.status == "open" and not Proposal.objects.exists()
    assert not InclusionErrorFlag.objects.exists()


def test_a_not_upheld_objection_opens_nothing(recorded, staff):
    objection_decide(actor=staff["supervisor"], objection=submitted(recorded, "layak"),
                     outcome="not_upheld")  # fmt: skip
    recorded.refresh_from_db()
    assert recorded.status == "not_upheld"
    assert not Proposal.objects.exists() and not InclusionErrorFlag.objects.exists()
    with pytest.raises(ValidationError):
        objection_decide(actor=staff["supervisor"], objection=recorded, outcome="upheld")


def test_the_decision_page_and_the_api(recorded, staff, client):
    submitted(recorded)
    client.force_login(staff["back_office"])
    page = client.get(reverse("proposals:objection_detail", args=[recorded.pk]))
    assert "Ahmad Tetangga" in page.content.decode()
    response = client.post(f"/api/v1/objections/{recorded.pk}/decide/",
                           {"outcome": "upheld"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == "upheld"
    again = client.post(reverse("proposals:objection_decide", args=[recorded.pk]),
                        {"outcome": "not_upheld"})  # fmt: skip
    assert again.status_code == 400


def test_the_api_records_an_objection(recipient, staff, client):
    client.force_login(staff["front_office"])
    response = client.post(
        "/api/v1/objections/",
        {
            "household": recipient.pk,
            "reason": "Punya mobil.",
            "objector_name": "Ahmad",
            "latitude": "-8.4601",
            "longitude": "118.7262",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["via"], response.json()["latitude"]) == ("api", "-8.460100")
    assert response.json()["objector_name"] is None, "front office does not decide"
    bad = client.post("/api/v1/objections/", {"household": recipient.pk, "reason": ""},
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    assert bad.status_code == 400 and "reason" in bad.json()


# --- the objector stays hidden -----------------------------------------------------------------


def test_the_objector_is_not_shown_to_the_household(recorded, staff, client):
    name, contact = "Ahmad Tetangga", "+6281234567890"
    client.force_login(staff["supervisor"])
    page = client.get(reverse("households:detail", args=[recorded.household_id])).content.decode()
    api = client.get(f"/api/v1/households/{recorded.household_id}/").content.decode()
    head = recorded.household.members.get()
    export = json.dumps(person_data_export(actor=staff["supervisor"], person=head), default=str)
    for shown in (page, api, export):
        assert name not in shown and contact not in shown
    client.force_login(staff["village_operator"])
    detail = client.get(reverse("proposals:objection_detail", args=[recorded.pk]))
    assert name not in detail.content.decode(), "only those who decide see who objected"


def test_the_household_page_links_to_objecting_for_who_may(recipient, staff, client):
    url = reverse("households:detail", args=[recipient.pk])
    link = reverse("proposals:objection_create", args=[recipient.pk])
    client.force_login(staff["village_operator"])
    assert link in client.get(url).content.decode()
    client.force_login(staff["facilitator"])
    assert link not in client.get(url).content.decode()


def test_the_list_shows_days_left_in_a_few_queries(recipient, staff, client, program,
                                                   django_assert_max_num_queries):  # fmt: skip
    with time_machine.travel(RECORDED, tick=False):
        for number in range(5):
            household = HouseholdFactory(region_id=VILLAGE, kk_number=f"52720101012099{number:02d}")
            Enrollment.objects.create(household=household, program=program)
            objection_record(actor=staff["front_office"], household=household,
                             reason="Punya mobil.", anonymous=True)  # fmt: skip
    client.force_login(staff["supervisor"])
    with time_machine.travel(at(26), tick=False), django_assert_max_num_queries(12):
        page = client.get(reverse("proposals:objection_list"))
    assert page.status_code == 200
    assert page.content.decode().count("list-group-item-danger") == 5, "overdue"


def test_the_photo_follows_through_the_documents_api(recorded, staff, client):
    client.force_login(staff["front_office"])
    response = client.post(
        "/api/v1/documents/",
        {"owner_type": "objection", "owner_id": recorded.pk, "kind": "foto_depan",
         "file": photo_upload()},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert Document.objects.get().owner_id == recorded.pk
    client.force_login(staff["front_office_other_district"])
    elsewhere = client.post(
        "/api/v1/documents/",
        {"owner_type": "objection", "owner_id": recorded.pk, "kind": "foto_depan",
         "file": photo_upload()},
    )  # fmt: skip
    assert elsewhere.status_code == 400
