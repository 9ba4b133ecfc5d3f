import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role, has_role, user_roles
from tests.factories import staff_user


@pytest.mark.django_db
def test_migration_creates_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "may", "may_not"),
    [
        (Role.FRONT_OFFICE, "households.add_household", "programs.change_agency"),
        (Role.BACK_OFFICE, "households.change_household", "auth.add_user"),
        (Role.SUPERVISOR, "accounts.view_staffprofile", "households.add_household"),
        (Role.AGENCY_OFFICER, "programs.view_agency", "households.view_household"),
        (Role.ADMIN, "auth.add_user", "households.add_household"),
    ],
)
def test_role_groups_carry_their_permissions(kota_bima, role, may, may_not):
    user = staff_user(role=role)

    assert user.has_perm(may)
    assert not user.has_perm(may_not)


@pytest.mark.django_db
def test_user_roles_ignores_groups_that_are_not_roles(kota_bima):
    user = staff_user(role=Role.BACK_OFFICE)
    user.groups.add(Group.objects.create(name="choir"))

    assert user_roles(user) == {Role.BACK_OFFICE}
    assert has_role(user, Role.BACK_OFFICE, Role.SUPERVISOR)
    assert not has_role(user, Role.SUPERVISOR)


@pytest.mark.django_db
def test_inactive_user_has_no_role(kota_bima):
    user = staff_user(role=Role.SUPERVISOR, is_active=False)

    assert user_roles(user) == frozenset()
