"""Every page says where its scripts may come from (CSP), and no page carries a script the
policy would have to allow inline."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from households.models import Household
from referrals.models import Referral

PAGES = [
    "/",
    "/households/",
    "/households/{household}/",
    "/complaints/",
    "/referrals/",
    "/referrals/{referral}/",
    "/referrals/{referral}/letter/",
    "/reports/",
    "/reports/monthly/",
    "/reports/exports/referrals/",
    "/accounts/access-log/",
    "/programs/screening/",
    "/admin/",
    "/admin/referrals/referral/",
]
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


@pytest.fixture
def supervisor(db):
    call_command("seed_demo", verbosity=0)
    user = User.objects.get(username="supervisor")
    return user


def test_pages_load_scripts_only_from_files_the_policy_allows(supervisor, client):
    client.force_login(supervisor)
    problems = []

    ids = {"household": Household.objects.first().pk, "referral": Referral.objects.first().pk}
    for path in PAGES:  # one seeded demo for all of them
        path = path.format(**ids)
        response = client.get(path)
        policy = response.get("Content-Security-Policy", "")
        inline = [
            attributes
            for attributes in SCRIPT.findall(response.content.decode())
            if "src=" not in attributes and 'type="application/json"' not in attributes
        ]
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
        if "default-src 'self'" not in policy or "unsafe-" in policy:
            problems.append(f"{path}: policy {policy!r}")
        if inline:
            problems.append(f"{path}: inline scripts {inline}")

    assert problems == []


def test_the_sign_in_page_has_the_policy_too(client):
    response = client.get("/accounts/login/")

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
