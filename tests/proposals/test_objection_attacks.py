"""Objections attacked: filters, odd input and the sweep's order, as users of every kind."""

import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from proposals.models import Objection
from tests.proposals.test_objections import RECORDED, at, recorded, submitted  # noqa: F401


def sweep() -> None:
    call_command("sla_sweep", stdout=io.StringIO())


def test_the_admin_list_is_not_filtered_by_who_objected(recorded, staff, client):  # noqa: F811
    user = staff["front_office"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    for lookup in ("objector_name__startswith=A", "objector_contact__contains=628"):
        response = client.get(f"/admin/proposals/objection/?{lookup}")
        assert response.status_code == 400, lookup


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"latitude": "91", "longitude": "118.7"}, "latitude"),
        ({"latitude": "x", "longitude": "118.7"}, "latitude"),
        ({"latitude": "-8.4"}, "longitude"),
        ({"reason": "x" * 10000}, "reason"),
        ({"reason": ""}, "reason"),
        ({"household": 10**30}, "household"),
        ({"household": "abc"}, "household"),
    ],
)
def test_bad_api_input_answers_by_field_and_saves_nothing(recipient, staff, client, payload, field):
    client.force_login(staff["front_office"])
    body = {"household": recipient.pk, "reason": "Punya mobil.", "objector_name": "Ahmad"}
    body.update(payload)
    response = client.post(
        "/api/v1/objections/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Objection.objects.exists()


def test_deciding_before_the_visit_and_twice_through_the_api(recorded, staff, client):  # noqa: F811
    client.force_login(staff["back_office"])
    url = f"/api/v1/objections/{recorded.pk}/decide/"
    response = client.post(url, {"outcome": "upheld"}, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    assert response.status_code == 400 and "outcome" in response.json()
    submitted(recorded)
    assert (
        client.post(url, {"outcome": "not_upheld"}, content_type="application/json").status_code
        == 200
    )
    again = client.post(url, {"outcome": "upheld"}, content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    assert again.status_code == 400 and "outcome" in again.json()


@pytest.mark.parametrize("who", ["front_office_other_district", "supervisor_other_city",
                                 "village_operator_other", "facilitator"])  # fmt: skip
def test_outsiders_find_nothing(recorded, staff, client, who):  # noqa: F811
    client.force_login(staff[who])
    assert client.get(f"/proposals/objections/{recorded.pk}/").status_code in (403, 404)
    assert client.get(f"/api/v1/objections/{recorded.pk}/").status_code in (403, 404)
    assert client.post(f"/api/v1/objections/{recorded.pk}/decide/", {"outcome": "upheld"},
                       content_type="application/json").status_code in (403, 404)  # fmt: skip
    listing = client.get("/api/v1/objections/")
    assert listing.status_code == 403 or listing.json()["count"] == 0
    assert b"Ahmad" not in client.get("/proposals/objections/").content


def test_the_recorder_who_decides_objections_does_not_decide_their_own(recipient, staff, client):
    from proposals.objections import objection_record

    with time_machine.travel(RECORDED, tick=False):
        objection = objection_record(
            actor=staff["back_office"], household=recipient, reason="Punya mobil.",
            anonymous=True, objector_name="X",
        )  # fmt: skip
    assert objection.objector_name == ""
    submitted(objection)
    client.force_login(staff["back_office"])
    response = client.post(f"/api/v1/objections/{objection.pk}/decide/", {"outcome": "upheld"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="id")  # fmt: skip
    assert response.status_code == 400 and "outcome" in response.json()


def test_an_objection_found_past_its_deadline_is_settled_without_an_escalation(
    recorded,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # The sweep did not run for days: the objection is settled, not announced as still open.
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(26)):
        sweep()
    recorded.refresh_from_db()
    assert recorded.status == "upheld"
    assert not recorded.events.filter(action="escalation").exists()
    assert not mail.outbox
