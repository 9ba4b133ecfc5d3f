"""Signing in, the role-dependent layout, the language switch."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def test_login_page_is_indonesian_by_default(client):
    page = client.get(reverse("accounts:login")).content.decode()

    assert '<html lang="id">' in page
    assert "Masuk" in page
    assert "Nama pengguna" in page


def test_front_page_sends_anonymous_users_to_login(client):
    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_signing_in_with_the_right_password_lands_on_home(client):
    user = staff_user(role=Role.FRONT_OFFICE, username="fo1")

    response = client.post(
        reverse("accounts:login"), {"username": "fo1", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == user
    assert "Selamat datang" in response.content.decode()


def test_a_wrong_password_says_so_and_signs_nobody_in(client):
    staff_user(username="fo1")

    response = client.post(reverse("accounts:login"), {"username": "fo1", "password": "wrong"})

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    page = response.content.decode()
    assert "Nama pengguna atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page


def test_signing_out_says_so_on_the_sign_in_page(client):
    client.force_login(staff_user(username="fo1"))

    response = client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert not response.context["user"].is_authenticated
    assert "Anda telah keluar." in response.content.decode()
    assert "Anda telah keluar." not in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.FRONT_OFFICE, ["Rumah tangga"], ["Administrasi"]),
        (Role.BACK_OFFICE, ["Rumah tangga"], ["Administrasi"]),
        (Role.SUPERVISOR, ["Rumah tangga", "Administrasi"], []),
        (Role.AGENCY_OFFICER, [], ["Rumah tangga", "Administrasi"]),
        (Role.ADMIN, ["Rumah tangga", "Administrasi"], []),
    ],
)
def test_menu_depends_on_the_role(as_user, role, sees, does_not_see):
    client = as_user(staff_user(role=role))

    page = client.get(reverse("home")).content.decode()
    menu = page[page.index('id="main-menu"') : page.index("</nav>")]

    for label in sees:
        assert f">{label}</a>" in menu
    for label in does_not_see:
        assert f">{label}</a>" not in menu


def test_home_shows_role_and_working_area(as_user):
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72.01"))

    page = client.get(reverse("home")).content.decode()

    assert "Petugas Back Office" in page
    assert "Rasanae Barat" in page


def test_home_warns_a_user_without_working_area(as_user):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope=None))

    page = client.get(reverse("home")).content.decode()

    assert "belum memiliki wilayah kerja" in page


def test_english_can_be_chosen_from_the_layout(as_user):
    client = as_user(staff_user(role=Role.FRONT_OFFICE))

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in page
    assert "Welcome" in page
    assert ">Households</a>" in page


def test_sign_out_ends_the_session(as_user):
    client = as_user(staff_user())

    client.post(reverse("accounts:logout"))

    assert client.get(reverse("home")).status_code == 302


def test_pages_are_indonesian_even_when_the_browser_prefers_english(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert page["Content-Language"] == "id"
    assert "Nama pengguna" in page.content.decode()


def test_api_answers_in_the_language_the_client_asks_for(client):
    english = client.get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en")
    default = client.get(reverse("api:me"))

    assert english.json()["detail"] == "Authentication credentials were not provided."
    assert default.json()["detail"] != english.json()["detail"]


def test_a_forbidden_page_explains_in_indonesian(as_user):
    client = as_user(staff_user(role=Role.AGENCY_OFFICER))

    response = client.get(reverse("households:search"))

    assert response.status_code == 403
    assert "Peran Anda tidak memberi akses" in response.content.decode()


def test_an_unknown_page_explains_in_indonesian(as_user):
    client = as_user(staff_user())

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "di luar wilayah kerja Anda" in response.content.decode()
