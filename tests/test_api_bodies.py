"""A request body the API cannot read is a 400 with a message in Indonesian, never a 500:
JSON nested deeper than the parser can follow, bytes that are not UTF-8, NaN or Infinity."""

import json

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import Household
from tests.factories import staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")

DEEP = '{"address": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.fixture
def front_office(client):
    client.force_login(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (DEEP, "terlalu dalam"),
        (b'{"address": "Jl. \xff\xfe"}', "bukan teks UTF-8"),
        ('{"desil": NaN}', "NaN bukan angka yang diizinkan JSON"),
        ('{"floor_area": Infinity}', "Infinity bukan angka yang diizinkan JSON"),
        ('{"address": ', "bukan JSON yang sah (baris 1, kolom 13)"),
    ],
    ids=["deep", "not-utf-8", "nan", "infinity", "cut-short"],
)
def test_an_unreadable_body_is_a_400_in_indonesian(front_office, body, says):
    response = front_office.post(
        reverse("api:household-list"), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert not Household.objects.exists()


def test_a_deeply_nested_body_to_the_token_endpoint_is_a_400(client):
    client.raise_request_exception = False

    response = client.post(reverse("api:auth-token"), DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "terlalu dalam" in response.json()["detail"]


@pytest.mark.parametrize(
    "code", ["PKH\u0000", "PKH\ud969", 5], ids=["nul", "lone-surrogate", "number"]
)
def test_a_programme_code_no_database_can_look_up_is_refused_by_its_field(client, code):
    """The code is looked up as it comes, and PostgreSQL (or its driver) cannot take a NUL or
    half of a surrogate pair: the field refuses them, as it refuses a number."""
    client.force_login(staff_user(role=Role.BACK_OFFICE, scope="52.72.01"))
    client.raise_request_exception = False
    body = json.dumps({"complaint": 1, "program": code, "notes": ""})

    response = client.post(reverse("api:referral-list"), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["program"] == ["Nilai tidak sah."]
