"""The admin keeps the scope rules of every other page, its history pages included."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from accounts.models import AccessLog, StaffProfile
from accounts.roles import ROLE_RANK, Role, grantable_roles
from regions.models import Region
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


@pytest.mark.parametrize(
    "lookup", ["kk_number", "kk_number__startswith", "kk_number__regex", "kk_number__gt"]
)
def test_the_household_list_is_not_filtered_by_kk_number_past_the_logged_search(
    as_user, supervisor_of_rasanae_barat, lookup
):
    # A filter would read whole KK numbers of the list a digit at a time, with no access-log
    # row; the search by the whole number (which writes one) is the way to find a KK.
    household = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    client = as_user(supervisor_of_rasanae_barat)
    households = reverse("admin:households_household_changelist")

    right = client.get(households, {lookup: household.kk_number[:12]})
    wrong = client.get(households, {lookup: "9999"})
    searched = client.get(households, {"q": household.kk_number})

    assert right.status_code == wrong.status_code == 400
    assert right.content == wrong.content
    assert household.address in searched.content.decode()
    assert AccessLog.objects.filter(
        user=supervisor_of_rasanae_barat, query=household.kk_number
    ).exists()


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


# --- a district's administrator reaches no one above or beside them ------------------------


@pytest.fixture
def district_admin():
    """An administrator of Rasanae Barat (52.72.01), as `staff_user_upsert` makes one."""
    return staff_user(role=Role.ADMIN, scope="52.72.01", is_staff=True, username="it_barat")


@pytest.fixture
def root():
    """A superuser as `createsuperuser` makes one: no staff profile."""
    return User.objects.create_superuser("root", "root@example.org", "a-root-password-1")


@pytest.fixture
def mataram():
    return Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")


def test_a_district_admin_cannot_attach_a_profile_to_a_superuser(as_user, district_admin, root):
    client = as_user(district_admin)

    response = client.post(
        reverse("admin:accounts_staffprofile_add"),
        {"user": root.pk, "scope": "52.72.01", "service_point": ""},
    )

    assert response.status_code == 403
    assert not StaffProfile.objects.filter(user=root).exists()


def test_a_superuser_without_profile_is_in_no_choice_of_a_district_admin(
    as_user, district_admin, root
):
    client = as_user(district_admin)

    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "staffprofile", "field_name": "user", "term": ""},
    ).json()
    users = client.get(reverse("admin:auth_user_changelist"), {"q": "root"}).content.decode()

    assert "root" not in [result["text"] for result in found["results"]]
    assert ">root<" not in users


def test_a_district_admin_cannot_set_a_superusers_password(as_user, district_admin, root):
    client = as_user(district_admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-over-pass-9", "password2": "taken-over-pass-9"},
    )

    root.refresh_from_db()
    assert response.status_code in (403, 404)
    assert not root.check_password("taken-over-pass-9")


def test_a_superuser_given_a_profile_in_the_area_stays_out_of_reach(as_user, district_admin, root):
    StaffProfile.objects.create(user=root, scope_id="52.72.01")
    client = as_user(district_admin)

    page = client.get(reverse("admin:auth_user_change", args=[root.pk]))
    password = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "taken-over-pass-9", "password2": "taken-over-pass-9"},
    )
    profile = client.get(
        reverse("admin:accounts_staffprofile_change", args=[root.staff_profile.pk])
    )

    root.refresh_from_db()
    assert page.status_code == 302  # "does not exist": back to the admin's index
    assert password.status_code in (403, 404)
    assert profile.status_code == 302
    assert not root.check_password("taken-over-pass-9")


@pytest.mark.parametrize("scope", ["52.72", "52.72.02", "52.71"])
def test_a_district_admin_cannot_reach_staff_of_a_wider_or_another_area(
    as_user, district_admin, mataram, scope
):
    other = staff_user(role=Role.FRONT_OFFICE, scope=scope, username="other")
    client = as_user(district_admin)

    page = client.get(reverse("admin:auth_user_change", args=[other.pk]))
    password = client.post(
        reverse("admin:auth_user_password_change", args=[other.pk]),
        {"password1": "taken-over-pass-9", "password2": "taken-over-pass-9"},
    )

    other.refresh_from_db()
    assert page.status_code == 302
    assert password.status_code in (403, 404)
    assert not other.check_password("taken-over-pass-9")


def test_a_district_admin_sets_the_password_of_staff_of_their_district(as_user, district_admin):
    desk = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01.1001", username="desk")
    client = as_user(district_admin)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[desk.pk]),
        {"password1": "a-new-desk-pass-7", "password2": "a-new-desk-pass-7"},
    )

    desk.refresh_from_db()
    assert response.status_code == 302
    assert desk.check_password("a-new-desk-pass-7")


def user_form(user: User, **changes) -> dict:
    """The user change form as the admin posts it, with its profile inline."""
    profile = user.staff_profile
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "1",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-id": profile.pk,
        "staff_profile-0-user": user.pk,
        "staff_profile-0-scope": profile.scope_id or "",
        "staff_profile-0-agency": profile.agency_id or "",
        "staff_profile-0-service_point": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("scope", ["52", "52.72", "52.71"])
def test_a_district_admin_cannot_widen_a_users_area(as_user, district_admin, mataram, scope):
    desk = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="desk")
    client = as_user(district_admin)

    response = client.post(
        reverse("admin:auth_user_change", args=[desk.pk]),
        user_form(desk, **{"staff_profile-0-scope": scope}),
    )

    desk.staff_profile.refresh_from_db()
    assert response.status_code == 200  # the form again, with the field's message
    assert desk.staff_profile.scope_id == "52.72.01"


def test_a_supervisor_with_user_rights_cannot_make_an_administrator(as_user):
    supervisor = staff_user(role=Role.SUPERVISOR, scope="52.72.01", is_staff=True)
    supervisor.user_permissions.add(*Permission.objects.filter(codename="change_user"))
    supervisor = User.objects.get(pk=supervisor.pk)
    desk = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="desk")
    client = as_user(supervisor)

    response = client.post(
        reverse("admin:auth_user_change", args=[desk.pk]),
        user_form(desk, groups=[Group.objects.get(name=Role.ADMIN).pk]),
    )

    assert response.status_code == 200
    assert list(desk.groups.values_list("name", flat=True)) == [Role.FRONT_OFFICE]


def test_a_district_admin_cannot_give_a_group_beyond_the_roles(as_user, district_admin):
    powerful = Group.objects.create(name="everything")
    powerful.permissions.set(Permission.objects.all())
    desk = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="desk")
    client = as_user(district_admin)

    response = client.post(
        reverse("admin:auth_user_change", args=[desk.pk]), user_form(desk, groups=[powerful.pk])
    )

    assert response.status_code == 200
    assert not desk.groups.filter(name="everything").exists()


def test_a_district_admin_gives_a_role_and_the_admin_follows_it(as_user, district_admin):
    desk = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="desk")
    client = as_user(district_admin)

    response = client.post(
        reverse("admin:auth_user_change", args=[desk.pk]),
        user_form(desk, groups=[Group.objects.get(name=Role.SUPERVISOR).pk], is_staff="on",
                  is_superuser="on"),
    )  # fmt: skip

    desk.refresh_from_db()
    assert response.status_code == 302
    assert list(desk.groups.values_list("name", flat=True)) == [Role.SUPERVISOR]
    assert desk.is_staff  # a supervisor opens the admin, as `staff_user_upsert` makes them
    assert not desk.is_superuser


def test_a_user_made_by_a_district_admin_gets_a_profile_in_the_district(as_user, district_admin):
    client = as_user(district_admin)
    form = {
        "username": "newdesk",
        "usable_password": "true",
        "password1": "a-new-desk-pass-7",
        "password2": "a-new-desk-pass-7",
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "1",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-service_point": "",
    }

    without_area = client.post(
        reverse("admin:auth_user_add"), {**form, "staff_profile-0-scope": ""}
    )
    wider = client.post(reverse("admin:auth_user_add"), {**form, "staff_profile-0-scope": "52.72"})
    inside = client.post(
        reverse("admin:auth_user_add"), {**form, "staff_profile-0-scope": "52.72.01.1001"}
    )

    assert without_area.status_code == 200 and wider.status_code == 200
    assert inside.status_code == 302
    assert User.objects.get(username="newdesk").staff_profile.scope_id == "52.72.01.1001"


def test_a_district_admin_cannot_make_a_user_without_a_profile(as_user, district_admin):
    # Posting no profile form at all: the account would have no working area, out of the
    # admin's reach afterwards, with a password the admin knows.
    client = as_user(district_admin)
    form = {
        "username": "noprofile",
        "usable_password": "true",
        "password1": "a-new-desk-pass-7",
        "password2": "a-new-desk-pass-7",
        "staff_profile-TOTAL_FORMS": "0",
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "1",
        "staff_profile-MAX_NUM_FORMS": "1",
    }

    response = client.post(reverse("admin:auth_user_add"), form)

    assert response.status_code == 200
    assert not User.objects.filter(username="noprofile").exists()


def test_a_district_admin_cannot_move_a_profile_to_another_user(as_user, district_admin, root):
    desk = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="desk")
    client = as_user(district_admin)

    client.post(
        reverse("admin:accounts_staffprofile_change", args=[desk.staff_profile.pk]),
        {"user": root.pk, "scope": "52.72.01", "service_point": ""},
    )

    assert StaffProfile.objects.get(pk=desk.staff_profile.pk).user_id == desk.pk
    assert not StaffProfile.objects.filter(user=root).exists()


def test_superusers_are_managed_by_superusers(as_user, root):
    other_root = User.objects.create_superuser("root2", "r2@example.org", "a-root-password-2")
    client = as_user(root)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[other_root.pk]),
        {"password1": "a-new-root-pass-3", "password2": "a-new-root-pass-3"},
    )

    other_root.refresh_from_db()
    assert response.status_code == 302
    assert other_root.check_password("a-new-root-pass-3")


def test_every_role_has_a_rank_in_the_admin():
    assert set(ROLE_RANK) == set(Role)


RANK_ONE = {Role.FRONT_OFFICE, Role.AGENCY_OFFICER, Role.FACILITATOR, Role.VILLAGE_OPERATOR}


@pytest.mark.parametrize(
    ("role", "grants"),
    [
        (Role.ADMIN, set(Role)),
        (Role.SUPERVISOR, set(Role) - {Role.ADMIN}),
        (Role.BACK_OFFICE, {Role.BACK_OFFICE, *RANK_ONE}),
        (Role.FRONT_OFFICE, RANK_ONE),
    ],
)
def test_each_role_grants_the_roles_it_holds_or_lower(role, grants):
    assert grantable_roles(staff_user(role=role)) == grants
