"""A resident's request for their data (UU PDP 27/2022): one JSON document of what the
office holds on them and how it was processed, from a supervisor's page or a command."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from referrals.models import Referral
from regions.models import Region
from tests.factories import staff_user


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    referral = Referral.objects.select_related("household").first()
    subject = referral.household.members.exclude(nik=None).order_by("pk").first()
    return User.objects.get(username="supervisor"), subject, referral


def test_the_supervisor_downloads_a_residents_data_and_its_trail(demo, client):
    supervisor, subject, _referral = demo
    others = subject.household.members.exclude(pk=subject.pk).exclude(nik=None)
    client.force_login(User.objects.get(username="bo"))
    client.get(reverse("households:detail", args=[subject.household_id]))  # a whole view
    client.force_login(supervisor)

    response = client.post(reverse("reports:person_data"), {"nik": subject.nik})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["person"]["nik"] == subject.nik
    assert document["household"]["kk_number"] == subject.household.kk_number
    assert [r["program"] for r in document["referrals"]] == list(
        Referral.objects.filter(household=subject.household_id)
        .order_by("pk")
        .values_list("program__code", flat=True)
    )
    assert document["referrals"][0]["messages"], "what was sent to the agency, and to whom"
    seen = [(e["user"], e["action"]) for e in document["processing"]["access_log"]]
    assert ("bo", "view") in seen
    assert document["processing"]["history"]["household"][0]["change"] == "created"
    for other in others:  # other members are named, their identifiers are theirs
        assert other.nik not in response.content.decode()
    request = AccessLog.objects.filter(user=supervisor).get()
    assert (request.action, request.purpose, request.household_id) == (
        "export",
        "data_request",
        subject.household_id,
    )


@pytest.mark.parametrize("nik", ["", "123", "5272xxxxxxxx0001", "9999999999999999"])
def test_an_unknown_or_malformed_nik_is_refused_with_a_message(demo, client, nik):
    supervisor, _subject, _referral = demo
    client.force_login(supervisor)

    response = client.post(reverse("reports:person_data"), {"nik": nik})

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not AccessLog.objects.filter(action="export").exists()


def test_a_person_outside_the_working_area_is_not_found(demo, client):
    _supervisor, subject, _referral = demo
    own_district = subject.household.region.parent_id
    other = Region.objects.filter(level=3, parent_id="52.72").exclude(code=own_district).first()
    client.force_login(staff_user(Role.SUPERVISOR, scope=other.code))

    response = client.post(reverse("reports:person_data"), {"nik": subject.nik})

    assert response.status_code == 400
    assert subject.name not in response.content.decode()


def test_the_command_writes_the_same_document(demo, tmp_path):
    supervisor, subject, _referral = demo
    output = tmp_path / "data.json"

    call_command("export_person_data", subject.nik, by="supervisor", output=str(output))

    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["person"]["name"] == subject.name
    assert document["generated_by"] == supervisor.username


@pytest.mark.parametrize(
    ("nik", "by", "message"),
    [("0000000000000000", "supervisor", "No person"), ("{nik}", "fo", "not an active")],
)
def test_the_command_refuses_an_unknown_person_or_a_user_who_may_not(demo, nik, by, message):
    _supervisor, subject, _referral = demo

    with pytest.raises(CommandError, match=message):
        call_command("export_person_data", nik.format(nik=subject.nik), by=by)
