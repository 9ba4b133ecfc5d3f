"""The admin keeps the scope rules of every other page, its history pages included."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.roles import Role
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


@pytest.fixture
def supervisor_of_rasanae_barat():
    return staff_user(role=Role.SUPERVISOR, scope="52.72.01", is_staff=True)


@pytest.fixture
def timur_household():
    return HouseholdFactory(region_id="52.72.02.1008", address="Lingkungan Lampe")


def test_admin_household_list_shows_only_the_scope(
    as_user, supervisor_of_rasanae_barat, timur_household
):
    barat = HouseholdFactory(region_id="52.72.01.1001", address="Jalan Paruga")
    client = as_user(supervisor_of_rasanae_barat)

    page = client.get(reverse("admin:households_household_changelist")).content.decode()

    assert barat.address in page
    assert timur_household.address not in page


def test_out_of_scope_household_change_page_redirects_to_the_admin_index(
    as_user, supervisor_of_rasanae_barat, timur_household
):
    client = as_user(supervisor_of_rasanae_barat)

    response = client.get(reverse("admin:households_household_change", args=[timur_household.pk]))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_history_of_an_out_of_scope_household_is_not_found(
    as_user, supervisor_of_rasanae_barat, timur_household
):
    client = as_user(supervisor_of_rasanae_barat)
    version = timur_household.history.first().history_id

    listing = client.get(reverse("admin:households_household_history", args=[timur_household.pk]))
    one = client.get(
        reverse("admin:households_household_simple_history", args=[timur_household.pk, version])
    )

    assert listing.status_code == 404
    assert one.status_code == 404
    assert timur_household.kk_number not in one.content.decode()


def test_history_page_never_writes(as_user, timur_household):
    client = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72", is_staff=True))
    version = timur_household.history.first().history_id
    url = reverse("admin:households_household_simple_history", args=[timur_household.pk, version])

    shown = client.get(url)
    posted = client.post(url, {"address": "Changed", "region": "52.72.02.1008"})

    timur_household.refresh_from_db()
    assert shown.status_code == 200
    assert posted.status_code == 403
    assert timur_household.address == "Lingkungan Lampe"


def test_a_history_address_that_is_not_a_number_is_not_found(as_user, supervisor_of_rasanae_barat):
    client = as_user(supervisor_of_rasanae_barat)

    response = client.get("/admin/households/household/abc/history/")

    assert response.status_code == 404


def test_households_are_read_only_in_the_admin(as_user, timur_household):
    client = as_user(staff_user(role=Role.ADMIN, scope="52.72", is_staff=True))

    response = client.post(
        reverse("admin:households_household_change", args=[timur_household.pk]),
        {"address": "Changed", "region": "52.72.02.1008"},
    )

    timur_household.refresh_from_db()
    assert response.status_code == 403
    assert timur_household.address == "Lingkungan Lampe"


def test_an_administrator_cannot_make_anyone_superuser(as_user):
    admin = staff_user(role=Role.ADMIN, scope="52.72", is_staff=True, username="it")
    colleague = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="desk")
    client = as_user(admin)

    page = client.get(reverse("admin:auth_user_change", args=[colleague.pk])).content.decode()

    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page


def test_administrators_see_only_staff_of_their_area(as_user):
    admin = staff_user(role=Role.ADMIN, scope="52.72.01", is_staff=True, username="it")
    staff_user(scope="52.72.01.1001", username="inside")
    staff_user(scope="52.72.02", username="outside")
    client = as_user(admin)

    page = client.get(reverse("admin:auth_user_changelist")).content.decode()

    assert ">inside<" in page
    assert ">outside<" not in page


def test_a_working_area_outside_ones_own_cannot_be_given(as_user):
    admin = staff_user(role=Role.ADMIN, scope="52.72.01", is_staff=True, username="it")
    colleague = staff_user(scope="52.72.01", username="desk")
    profile = colleague.staff_profile
    client = as_user(admin)

    response = client.post(
        reverse("admin:accounts_staffprofile_change", args=[profile.pk]),
        {"user": colleague.pk, "scope": "52.72", "service_point": ""},
    )

    profile.refresh_from_db()
    assert response.status_code == 200  # the form again, with the error
    assert profile.scope_id == "52.72.01"
    assert User.objects.get(username="it").staff_profile.scope_id == "52.72.01"


def test_a_nul_character_in_an_admin_search_is_refused_clearly(as_user):
    client = as_user(staff_user(role=Role.ADMIN, scope="52.72", is_staff=True))

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "accounts",
            "model_name": "staffprofile",
            "field_name": "scope",
            "term": "Bi\x00ma",
        },
    )

    assert response.status_code == 400  # slrt.middleware.RejectNulCharactersMiddleware
