import json

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def test_token_for_the_right_password(client):
    staff_user(username="bo1")

    response = client.post(
        reverse("api:auth-token"),
        json.dumps({"username": "bo1", "password": PASSWORD}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_refused_with_a_field_message_for_a_wrong_password(client):
    staff_user(username="bo1")

    response = client.post(reverse("api:auth-token"), {"username": "bo1", "password": "nope"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "non_field_errors" in response.json()


def test_token_request_without_fields_names_each_missing_field(client):
    response = client.post(reverse("api:auth-token"), {})

    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_a_token_authenticates_api_calls(client):
    staff_user(username="bo1", scope="52.72.01")
    token = client.post(reverse("api:auth-token"), {"username": "bo1", "password": PASSWORD})

    me = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.json()['token']}")

    assert me.status_code == 200
    assert me.json() | {"name": ""} == {
        "username": "bo1",
        "name": "",
        "roles": ["front_office"],
        "scope": "52.72.01",
        "agency": None,
    }


def test_api_without_credentials_answers_401_in_json(client):
    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert "detail" in response.json()


def test_api_with_a_wrong_token_answers_401(client):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401


def test_schema_is_openapi_3_and_lists_the_token_endpoint(client):
    response = client.get(reverse("api-schema"), {"format": "json"})

    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]


def test_an_unknown_api_address_answers_json_not_a_web_page(client):
    response = client.get("/api/v1/complaints/0.5/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Tidak ditemukan."}


def test_a_nul_character_in_an_api_query_answers_json(client):
    response = client.get("/api/v1/households/", {"q": "a\x00b"})

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_the_schema_documents_the_error_answers(client):
    schema = client.get("/api/schema/?format=json").json()

    transition = schema["paths"]["/api/v1/referrals/{id}/transition/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= set(transition)
    assert set(schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]) >= {"400", "429"}
