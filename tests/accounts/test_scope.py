"""A user sees only households inside their scope, on every surface that lists or shows one."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import staff_covering
from households.selectors import household_get_for, households_in_scope
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


@pytest.fixture
def in_rasanae_barat():
    return HouseholdFactory(region_id="52.72.01.1001")


@pytest.fixture
def in_rasanae_timur():
    return HouseholdFactory(region_id="52.72.02.1008")


def test_district_user_sees_only_households_of_their_district(in_rasanae_barat, in_rasanae_timur):
    user = staff_user(scope="52.72.01")

    assert list(households_in_scope(user)) == [in_rasanae_barat]


def test_city_user_sees_households_of_every_district(in_rasanae_barat, in_rasanae_timur):
    user = staff_user(scope="52.72")

    assert set(households_in_scope(user)) == {in_rasanae_barat, in_rasanae_timur}


def test_village_user_sees_only_their_village(in_rasanae_barat):
    other_village = HouseholdFactory(region_id="52.72.01.1003")
    user = staff_user(scope="52.72.01.1001")

    assert list(households_in_scope(user)) == [in_rasanae_barat]
    assert other_village not in households_in_scope(user)


def test_user_without_scope_sees_nothing(in_rasanae_barat):
    user = staff_user(scope=None)

    assert not households_in_scope(user).exists()


def test_user_without_role_sees_nothing(in_rasanae_barat):
    user = staff_user(role=None, scope="52.72")

    assert not households_in_scope(user).exists()


def test_agency_officer_does_not_browse_the_registry(in_rasanae_barat):
    user = staff_user(role=Role.AGENCY_OFFICER, scope="52.72")

    assert not households_in_scope(user).exists()


def test_out_of_scope_household_is_not_found(in_rasanae_timur):
    from django.http import Http404

    user = staff_user(scope="52.72.01")
    with pytest.raises(Http404):
        household_get_for(user, in_rasanae_timur.pk)


def test_household_page_of_another_district_answers_404(as_user, in_rasanae_timur):
    client = as_user(staff_user(scope="52.72.01"))

    response = client.get(reverse("households:detail", args=[in_rasanae_timur.pk]))

    assert response.status_code == 404


def test_household_page_in_scope_shows_the_whole_kk_number(as_user, in_rasanae_barat):
    client = as_user(staff_user(scope="52.72.01"))

    response = client.get(reverse("households:detail", args=[in_rasanae_barat.pk]))

    assert response.status_code == 200
    assert in_rasanae_barat.kk_number in response.content.decode()


def test_household_list_shows_only_scope_and_masks_kk(as_user, in_rasanae_barat, in_rasanae_timur):
    client = as_user(staff_user(scope="52.72.01"))

    page = client.get(reverse("households:search")).content.decode()

    kk = in_rasanae_barat.kk_number
    assert f"••••••••••••{kk[-4:]}" in page
    assert kk not in page
    assert in_rasanae_timur.kk_number[-4:] + "</a>" not in page
    assert in_rasanae_timur.address not in page


def test_agency_officer_gets_403_on_registry_pages(as_user, in_rasanae_barat):
    client = as_user(staff_user(role=Role.AGENCY_OFFICER, scope="52.72"))

    assert client.get(reverse("households:search")).status_code == 403
    assert client.get(reverse("households:detail", args=[in_rasanae_barat.pk])).status_code == 403


def test_anonymous_user_is_sent_to_login(client, in_rasanae_barat):
    response = client.get(reverse("households:detail", args=[in_rasanae_barat.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_staff_covering_a_village_are_those_scoped_to_it_or_above_it(kota_bima):
    province = staff_user(Role.SUPERVISOR, scope="52", username="ntb")
    city = staff_user(Role.SUPERVISOR, scope="52.72", username="bima")
    staff_user(Role.SUPERVISOR, scope="52.72.02", username="elsewhere")
    staff_user(Role.BACK_OFFICE, scope="52.72", username="other_role")
    staff_user(Role.SUPERVISOR, scope="52.72", username="gone", is_active=False)

    covering = staff_covering("52.72.01.1001", Role.SUPERVISOR)

    assert set(covering) == {province, city}
