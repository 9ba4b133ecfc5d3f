"""NIK and KK numbers never reach the application's logs (UU PDP 27/2022): a day's work with
identifiers, good and bad, through the pages, the API, the tasks and the e-mails, with every
logger listening, leaves no sixteen-digit number behind."""

import logging
import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from programs.models import Agency
from tests.factories import staff_user
from tests.households.test_api import HEAD, NEW_HOUSEHOLD, SPOUSE

IDENTIFIERS = {HEAD["nik"], SPOUSE["nik"], NEW_HOUSEHOLD["kk_number"], "5272011205780009"}
# Sixteen digits on their own; not the fraction of a duration ("succeeded in 0.0052553479999915s").
SIXTEEN_DIGITS = re.compile(r"(?<![\d.])\d{16}(?!\d)")


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def test_a_day_of_work_with_identifiers_leaves_none_in_the_logs(
    catalogue,
    everything_logged,
    capsys,
    client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    Agency.objects.update(webhook_url="http://127.0.0.1:9/unreachable", webhook_secret="s")
    front, back = staff_user(Role.FRONT_OFFICE, scope="52.72"), staff_user(Role.BACK_OFFICE)
    client.force_login(front)
    households = reverse("api:household-list")
    # registered, then registered again (refused), then with a broken NIK (refused)
    created = client.post(households, NEW_HOUSEHOLD, content_type="application/json").json()
    client.post(households, NEW_HOUSEHOLD, content_type="application/json")
    broken = {**NEW_HOUSEHOLD, "kk_number": "", "members": [{**HEAD, "nik": "5272011205780009"}]}
    client.post(households, broken, content_type="application/json")
    for number in IDENTIFIERS:  # searched on the page and through the API
        client.get(reverse("households:search"), {"q": number})
        client.get(households, {"q": number})
    client.get(reverse("households:detail", args=[created["id"]]))
    client.get(reverse("api:household-detail", args=[created["id"]]))
    # a complaint, assessed and referred: messages to agencies by e-mail and webhook
    complaint = client.post(
        reverse("api:complaint-list"),
        {
            "household": created["id"],
            "complainant": created["members"][0]["id"],
            "channel": "walk_in",
            "category": ComplaintCategory.objects.get(code="kesehatan-pbi").code,
            "description": f"NIK {HEAD['nik']} ditolak puskesmas",
            "consent_given": True,
        },
        content_type="application/json",
    ).json()
    client.force_login(back)
    client.post(
        reverse("api:complaint-assessment", args=[complaint["id"]]),
        {"needs": [{"domain": "health", "severity": 3, "notes": ""}]},
        content_type="application/json",
    )
    with django_capture_on_commit_callbacks(execute=True):  # delivered after commit
        referred = client.post(
            reverse("api:referral-list"),
            {"complaint": complaint["id"], "program": "JAMKESDA", "notes": "Mohon dibantu."},
            content_type="application/json",
        )

    assert referred.status_code == 201, referred.json()
    assert mailoutbox, "the referral was announced"
    logged = [record.getMessage() for record in everything_logged.records]
    logged += [str(record.exc_info) for record in everything_logged.records if record.exc_info]
    printed = capsys.readouterr()
    leaks = [
        text
        for text in [*logged, printed.out, printed.err]
        if any(number in text for number in IDENTIFIERS) or SIXTEEN_DIGITS.search(text)
    ]
    assert len(logged) > 3, "the loggers were listened to"
    assert leaks == []
