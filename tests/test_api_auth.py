import datetime
import json

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import StaffProfile
from accounts.roles import Role
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


def token_of(client, username: str) -> str:
    response = client.post(reverse("api:auth-token"), {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(client, token: str):
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_works_through_the_working_day_and_not_after(client, settings):
    settings.API_TOKEN_LIFETIME = 8 * 60 * 60
    staff_user(Role.BACK_OFFICE, username="bo1")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)) as clock:
        token = token_of(client, "bo1")
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        late_in_the_day = me(client, token)
        clock.shift(datetime.timedelta(minutes=1))
        next_morning = me(client, token)
        again = me(client, token)

    assert late_in_the_day.status_code == 200
    assert next_morning.status_code == 401
    assert next_morning["Content-Type"] == "application/json"
    assert "kedaluwarsa" in next_morning.json()["detail"]
    assert again.status_code == 401
    assert not Token.objects.filter(user__username="bo1").exists()


def test_asking_again_gives_a_fresh_token_for_another_day(client):
    staff_user(Role.BACK_OFFICE, username="bo1")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)) as clock:
        first = token_of(client, "bo1")
        clock.shift(datetime.timedelta(hours=7))
        second = token_of(client, "bo1")
        clock.shift(datetime.timedelta(hours=7))

        assert me(client, first).status_code == 401  # replaced
        assert me(client, second).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.groups.add(Group.objects.get(name=Role.SUPERVISOR)),
                     id="role-added"),
        pytest.param(lambda user: user.groups.remove(Group.objects.get(name=Role.BACK_OFFICE)),
                     id="role-removed"),
        pytest.param(lambda user: user.groups.clear(), id="roles-cleared"),
        pytest.param(lambda user: Group.objects.get(name=Role.ADMIN).user_set.add(user),
                     id="added-from-the-group"),
        pytest.param(lambda user: user.groups.set([Group.objects.get(name=Role.ADMIN)]),
                     id="roles-set"),
        pytest.param(lambda user: User.save(_changed(user, is_active=False)), id="deactivated"),
        pytest.param(lambda user: (user.set_password("A-new-long-password-1"), user.save()),
                     id="password-changed"),
        pytest.param(lambda user: User.save(_changed(user, is_superuser=True)), id="superuser"),
        pytest.param(lambda user: StaffProfile.save(_changed(user.staff_profile,
                     scope_id="52.72.02")), id="area-changed"),
    ],
)  # fmt: skip
def test_a_change_of_what_the_user_may_do_revokes_their_token(client, change):
    user = staff_user(Role.BACK_OFFICE, username="bo1", scope="52.72.01")
    token = token_of(client, "bo1")

    change(User.objects.get(pk=user.pk))

    assert me(client, token).status_code == 401
    assert not Token.objects.filter(user=user).exists()


def _changed(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def test_signing_in_or_saving_the_same_roles_keeps_the_token(client):
    user = staff_user(Role.BACK_OFFICE, username="bo1")
    token = token_of(client, "bo1")

    client.post(reverse("accounts:login"), {"username": "bo1", "password": PASSWORD})
    user.refresh_from_db()
    user.first_name = "Siti"
    user.save()
    user.groups.set([Group.objects.get(name=Role.BACK_OFFICE)])
    user.groups.add(Group.objects.get(name=Role.BACK_OFFICE))

    assert me(client, token).status_code == 200


def test_rotating_x_forwarded_for_does_not_escape_the_rate_limit(client):
    answers = [
        client.post(
            reverse("api:auth-token"),
            {"username": f"guess{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(11)
    ]

    assert answers[:10] == [400] * 10
    assert answers[10] == 429


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(client):
    staff_user(Role.BACK_OFFICE, username="bo1")
    for n in range(5):
        client.post(
            reverse("api:auth-token"),
            {"username": "bo1", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    locked = client.post(
        reverse("api:auth-token"),
        {"username": "bo1", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert locked.status_code == 400
    assert "token" not in locked.json()


def test_behind_one_trusted_proxy_the_address_it_saw_is_counted(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    def ask(n: int, client_address: str) -> int:
        return client.post(
            reverse("api:auth-token"),
            {"username": f"guess{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, {client_address}",  # forged part, then the proxy's
        ).status_code

    one_address = [ask(n, "203.0.113.1") for n in range(11)]
    another = ask(11, "203.0.113.2")

    assert one_address[10] == 429
    assert another == 400


def test_a_client_that_still_sends_its_expired_token_gets_a_new_one(client):
    staff_user(Role.BACK_OFFICE, username="bo1")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)) as clock:
        old = token_of(client, "bo1")
        clock.shift(datetime.timedelta(days=1))

        response = client.post(
            reverse("api:auth-token"),
            {"username": "bo1", "password": PASSWORD},
            HTTP_AUTHORIZATION=f"Token {old}",
        )

        assert response.status_code == 200
        assert me(client, response.json()["token"]).status_code == 200
