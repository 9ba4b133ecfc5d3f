"""Every page says where its scripts may come from (CSP), and no page carries a script the
policy would have to allow inline. Answers that carry whole NIKs or KK numbers are never
kept by a browser's cache or a proxy."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from households.models import Household, Person, RegistryImport
from referrals.models import Referral
from regions.models import within_q
from tests.factories import staff_user
from tests.households.test_import_dtks import HEADER, ROWS
from visits.models import Visit

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
    "/visits/",
    "/visits/{visit}/",
    "/visits/{visit}/review/",
    "/visits/{visit}/sheet/",
    "/documents/household/{household}/upload/",
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

    ids = {
        "household": Household.objects.first().pk,
        "referral": Referral.objects.first().pk,
        "visit": Visit.objects.first().pk,
    }
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


@pytest.fixture
def demo_identifiers(supervisor):
    first, second = Person.objects.filter(within_q("52.72", "household__region"))[:2]
    while second.household_id == first.household_id:
        second = Person.objects.exclude(household=first.household).first()
    return {
        "household": first.household_id,
        "first": first.pk,
        "second": second.pk,
        "referral": Referral.objects.first().pk,
        "visit": Visit.objects.first().pk,
        "nik": first.nik,
    }


# (who, method, address, data): every answer that carries a whole NIK or KK number.
WHOLE_IDENTIFIERS = [
    ("supervisor", "get", "/households/{household}/", None),
    ("fo", "get", "/households/{household}/edit/", None),
    ("fo", "post", "/households/new/", {"kk_number": "5272010101990001"}),
    ("supervisor", "get", "/households/duplicates/{first}/{second}/", None),
    ("supervisor", "get", "/referrals/{referral}/", None),
    ("supervisor", "get", "/referrals/{referral}/letter/", None),
    ("bo", "post", "/referrals/{referral}/transition/", {"status": "nonsense"}),
    ("supervisor", "get", "/accounts/access-log/", None),
    ("supervisor", "get", "/reports/person-data/", None),
    ("supervisor", "post", "/reports/person-data/", {"nik": "{nik}"}),
    ("bo", "get", "/api/v1/households/{household}/", None),
    ("bo", "patch", "/api/v1/households/{household}/", {}),
    ("bo", "get", "/api/v1/households/", None),
    ("fasilitator", "get", "/households/{household}/", None),
    ("supervisor", "get", "/visits/{visit}/sheet/", None),
    ("fasilitator", "get", "/visits/{visit}/sheet/", None),
    ("fasilitator", "get", "/api/v1/households/{household}/", None),
    # A NIK typed into a search comes back in the search box and the layout's links.
    ("bo", "get", "/households/?q={nik}", None),
    ("supervisor", "get", "/complaints/?q={nik}", None),
]


@pytest.mark.parametrize(("who", "method", "path", "data"), WHOLE_IDENTIFIERS)
def test_answers_with_whole_identifiers_are_never_stored(
    demo_identifiers, client, who, method, path, data
):
    client.force_login(User.objects.get(username=who))
    address = path.format(**demo_identifiers)
    if data is not None:
        data = {key: value.format(**demo_identifiers) for key, value in data.items()}
        data = json.dumps(data) if address.startswith("/api/") else data
    kwargs = {"content_type": "application/json"} if address.startswith("/api/") else {}

    response = getattr(client, method)(address, data, **kwargs)

    assert response.status_code < 500
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_without_whole_identifiers_may_be_kept(supervisor, client):
    client.force_login(supervisor)

    response = client.get("/complaints/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_the_report_of_refused_import_rows_is_never_stored(
    kota_bima, as_user, django_capture_on_commit_callbacks
):
    supervisor = as_user(staff_user("supervisor", scope="52.72"))
    bad_date = ROWS[2].replace("2026-01-05", "31-02-2020")
    extract = "\n".join([HEADER, ROWS[0], ROWS[1], bad_date]) + "\n"
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(
            reverse("households:imports"),
            {"file": SimpleUploadedFile("dtks.csv", extract.encode(), content_type="text/csv")},
        )
    registry_import = RegistryImport.objects.get()

    download = supervisor.get(reverse("households:import_errors", args=[registry_import.pk]))

    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]


def test_no_template_styles_an_element_inline():
    """The CSP allows no inline style: a `style` attribute is dropped by the browser (and
    reported as a console error), so the layout it meant is lost."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    styled = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ' style="' in line
    ]
    assert styled == []
