"""`/api/v1/programs/`: the catalogue with its rules, read-only."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.factories import staff_user


@pytest.fixture
def api(kota_bima):
    call_command("seed_programs", verbosity=0)
    client = APIClient()
    client.force_authenticate(staff_user("back_office", scope="52.72"))
    return client


def test_the_catalogue_lists_every_programme_with_its_rule(api):
    response = api.get("/api/v1/programs/")

    assert response.status_code == 200
    codes = [program["code"] for program in response.json()["results"]]
    assert {"PKH", "BPNT", "PBI-JK", "JAMKESDA", "BAZNAS-DARURAT"} <= set(codes)
    pkh = next(p for p in response.json()["results"] if p["code"] == "PKH")
    assert pkh["rule"]["all"][0] == {"field": "desil", "op": "lte", "value": 4}
    assert pkh["agency"].startswith("Kementerian Sosial")


def test_a_programme_is_read_by_its_code(api):
    response = api.get("/api/v1/programs/PBI-JK/")

    assert response.status_code == 200
    assert response.json()["domains"] == ["health"]


def test_an_unknown_code_is_not_found(api):
    assert api.get("/api/v1/programs/NOPE/").status_code == 404


def test_the_catalogue_cannot_be_written_through_the_api(api):
    assert api.post("/api/v1/programs/", {"code": "X"}, format="json").status_code == 405
    assert api.patch("/api/v1/programs/PKH/", {"name": "X"}, format="json").status_code == 405


def test_an_anonymous_caller_gets_401(kota_bima):
    assert APIClient().get("/api/v1/programs/").status_code == 401
