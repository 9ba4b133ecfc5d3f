"""Signing in is guarded: sessions end when idle and after a working day, repeated wrong
passwords lock the account (page and API), and the token endpoint is rate-limited."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")
TOKEN = "/api/v1/auth/token/"


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, follow=True
    )


def test_an_idle_session_ends_after_thirty_minutes(client, settings):
    user = staff_user(Role.FRONT_OFFICE)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False) as clock:
        sign_in(client, user.username)
        clock.shift(datetime.timedelta(minutes=29))
        still_in = client.get(reverse("households:search"))
        clock.shift(datetime.timedelta(minutes=31))
        idle = client.get(reverse("households:search"), follow=True)

    assert still_in.status_code == 200
    assert idle.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "Sesi Anda berakhir" in idle.content.decode()


def test_a_busy_session_still_ends_after_a_working_day(client):
    user = staff_user(Role.FRONT_OFFICE)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 8, 0), tick=False) as clock:
        sign_in(client, user.username)
        answers = []
        for _ in range(33):  # a request every quarter of an hour, 8¼ hours long
            clock.shift(datetime.timedelta(minutes=15))
            answers.append(client.get(reverse("home")).status_code)

    assert answers[:31] == [200] * 31  # until 15:45
    assert answers[-1] == 302  # 16:15: past eight hours, signed out


def test_repeated_wrong_passwords_lock_the_account_on_the_page(client):
    user = staff_user(Role.FRONT_OFFICE)

    for _ in range(5):
        sign_in(client, user.username, "wrong-password")
    locked = sign_in(client, user.username)

    assert locked.status_code == 429
    assert "Terlalu banyak" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other = staff_user(Role.FRONT_OFFICE)
    assert sign_in(client, other.username).redirect_chain[-1][0] == reverse("home")


def test_repeated_wrong_passwords_lock_the_account_on_the_token_endpoint(client):
    user = staff_user(Role.BACK_OFFICE)

    for _ in range(5):
        client.post(TOKEN, {"username": user.username, "password": "wrong-password"})
    locked = client.post(TOKEN, {"username": user.username, "password": PASSWORD})

    assert locked.status_code == 400
    assert "token" not in locked.json()
    assert not Token.objects.filter(user=user).exists()
    other = staff_user(Role.BACK_OFFICE)
    assert "token" in client.post(TOKEN, {"username": other.username, "password": PASSWORD}).json()


@pytest.mark.parametrize("forwarded", ["not-an-address", "999.1.1.1", "10.0.0.0/8"])
def test_a_forwarded_address_that_is_no_address_signs_in_as_any_other_caller(
    client, settings, forwarded
):
    """Behind two proxies, the address before theirs is what the caller wrote: the lockout
    stored it as it came, a server error on PostgreSQL. Such callers count as 0.0.0.0."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    user = staff_user(Role.FRONT_OFFICE)
    headers = {"HTTP_X_FORWARDED_FOR": f"{forwarded}, 10.0.0.1", "REMOTE_ADDR": "10.0.0.1"}

    wrong = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "salah"}, **headers
    )
    token = client.post(
        TOKEN, {"username": user.username, "password": "salah"},
        content_type="application/json", **headers,
    )  # fmt: skip

    assert wrong.status_code == 200
    assert token.status_code == 400
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"0.0.0.0"}  # noqa: S104


def test_the_token_endpoint_answers_too_many_requests_past_ten_a_minute(client):
    answers = [
        client.post(TOKEN, {"username": f"guess{n}", "password": "x"}).status_code
        for n in range(11)
    ]

    assert answers[:10] == [400] * 10
    assert answers[10] == 429
