"""A file past the upload limit posted to any page but the import page (where its field
says so) is not read: the answer says the file is too large, not that the form's CSRF token
is missing (the token was in the part of the request that was not read)."""

from django.test import Client, override_settings
from django.urls import reverse

from accounts.roles import Role
from tests.factories import staff_user


@override_settings(SLRT_IMPORT_MAX_MB=1)
def test_a_too_large_upload_to_an_admin_form_says_the_file_is_too_large(kota_bima):
    admin = staff_user(Role.ADMIN, scope="52.72", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    page = client.get(reverse("admin:auth_user_change", args=[admin.pk]))
    token = page.cookies["csrftoken"].value

    response = client.post(
        reverse("admin:auth_user_change", args=[admin.pk]),
        {"csrfmiddlewaretoken": token, "first_name": "x" * (2 * 1024 * 1024)},
    )

    assert response.status_code == 413
    assert "lebih besar dari 1 MB dan tidak dibaca" in response.content.decode()


def test_a_post_without_its_token_is_still_refused_as_forged(kota_bima):
    admin = staff_user(Role.ADMIN, scope="52.72", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)

    response = client.post(reverse("admin:auth_user_change", args=[admin.pk]), {"x": "y"})

    assert response.status_code == 403
