"""Supervisors and administrators sign in with a password and a code from an authenticator
app (TOTP); the first time they set the app up from a QR code. Other roles are not asked."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def sign_in(client, user):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )


def code_of(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=drift):06d}"


def test_a_supervisor_sets_up_the_app_then_reaches_the_dashboard(client):
    supervisor = staff_user(Role.SUPERVISOR)

    landing = sign_in(client, supervisor)
    dashboard_first = client.get(reverse("reports:dashboard"))
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    with time_machine.travel(datetime.timedelta(seconds=5)):  # past the wait a failure sets
        right = client.post(
            reverse("accounts:two_factor") + "?next=/reports/", {"code": code_of(device)}
        )

    assert landing.redirect_chain[-1][0].startswith(reverse("accounts:two_factor"))
    assert "<svg" in landing.content.decode() and "otpauth" not in landing.content.decode()
    assert dashboard_first.status_code == 302
    assert wrong.status_code == 400 and "tidak benar" in wrong.content.decode()
    assert right.status_code == 302 and right.url == "/reports/"
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert TOTPDevice.objects.get(user=supervisor).confirmed


def test_the_next_sign_in_asks_only_for_the_code(client):
    admin = staff_user(Role.ADMIN)
    device = TOTPDevice.objects.create(user=admin, name="SLRT", confirmed=True)

    page = sign_in(client, admin).content.decode()
    done = client.post(reverse("accounts:two_factor"), {"code": code_of(device)})

    assert "<svg" not in page  # the key is shown only while setting up
    assert done.status_code == 302
    assert client.get(reverse("accounts:access_log")).status_code == 200


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.AGENCY_OFFICER])
def test_other_roles_are_not_asked_for_a_code(client, role):
    landing = sign_in(client, staff_user(role))

    assert landing.redirect_chain[-1][0] == reverse("home")


def test_the_api_wants_the_code_before_a_supervisor_gets_a_token(client):
    supervisor = staff_user(Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=supervisor, name="SLRT", confirmed=True)
    ask = {"username": supervisor.username, "password": PASSWORD}

    without = client.post(TOKEN, ask)
    wrong = client.post(TOKEN, {**ask, "otp": "123456"})
    at_once = client.post(TOKEN, {**ask, "otp": code_of(device)})
    with time_machine.travel(datetime.timedelta(seconds=5)):
        right = client.post(TOKEN, {**ask, "otp": code_of(device)})

    assert without.status_code == 400 and "otp" in without.json()
    assert wrong.status_code == 400 and "otp" in wrong.json()
    assert at_once.status_code == 400  # guessing is slowed: each failure makes the next wait
    assert right.status_code == 200 and right.json()["token"]


def test_a_session_without_the_code_cannot_use_the_api(client):
    supervisor = staff_user(Role.SUPERVISOR)
    client.force_login(supervisor)

    response = client.get("/api/v1/referrals/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_a_code_page_does_not_send_elsewhere_after_the_code(client):
    supervisor = staff_user(Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=supervisor, name="SLRT", confirmed=True)
    client.force_login(supervisor)

    done = client.post(
        reverse("accounts:two_factor") + "?next=https://evil.example/", {"code": code_of(device)}
    )

    assert done.url == reverse("home")


def test_a_token_issued_before_two_factor_was_required_stops_working(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    supervisor = staff_user(Role.SUPERVISOR)
    token = client.post(TOKEN, {"username": supervisor.username, "password": PASSWORD}).json()
    settings.TWO_FACTOR_REQUIRED = True

    response = client.get("/api/v1/referrals/", HTTP_AUTHORIZATION=f"Token {token['token']}")

    assert response.status_code == 401
    assert "tanpa kode" in response.json()["detail"]


def test_a_token_made_without_a_code_is_refused_for_a_supervisor(client):
    supervisor = staff_user(Role.SUPERVISOR)
    token = Token.objects.create(user=supervisor)  # in the shell or the admin

    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 401


def test_a_token_issued_with_the_code_works_for_a_supervisor(client):
    supervisor = staff_user(Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=supervisor, name="SLRT", confirmed=True)
    token = client.post(
        TOKEN, {"username": supervisor.username, "password": PASSWORD, "otp": code_of(device)}
    ).json()["token"]

    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.json()["roles"] == ["supervisor"]


def test_a_front_office_token_becomes_invalid_when_the_user_becomes_a_supervisor(client):
    clerk = staff_user(Role.FRONT_OFFICE)
    token = client.post(TOKEN, {"username": clerk.username, "password": PASSWORD}).json()
    clerk.groups.add(Group.objects.get(name=Role.SUPERVISOR))

    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token['token']}")

    assert response.status_code == 401


def test_resetting_two_factor_sign_in_revokes_the_token_issued_with_its_codes(client):
    supervisor = staff_user(Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=supervisor, name="SLRT", confirmed=True)
    token = client.post(
        TOKEN, {"username": supervisor.username, "password": PASSWORD, "otp": code_of(device)}
    ).json()["token"]

    device.delete()  # the phone was lost: an administrator resets the app

    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/admin/auth/user/",
        "/admin/password_change/",
        "/admin/autocomplete/?app_label=accounts&model_name=staffprofile&field_name=user",
    ],
)
def test_an_administrator_signed_in_through_the_admin_without_the_code_reaches_no_admin_page(
    client, page
):
    admin = staff_user(Role.ADMIN, is_staff=True)
    client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})

    response = client.get(page)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def test_a_code_that_gave_a_token_gives_no_second_one(client):
    supervisor = staff_user(Role.SUPERVISOR)
    device = TOTPDevice.objects.create(user=supervisor, name="SLRT", confirmed=True)
    ask = {"username": supervisor.username, "password": PASSWORD, "otp": code_of(device)}

    first = client.post(TOKEN, ask)
    again = client.post(TOKEN, ask)

    assert first.status_code == 200
    assert again.status_code == 400 and "otp" in again.json()
    assert Token.objects.get(user=supervisor).key == first.json()["token"]
