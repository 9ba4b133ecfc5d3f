"""Every write to staff accounts goes through a function here."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from accounts.models import StaffProfile
from accounts.roles import Role
from households.models import Region
from programs.models import Agency


@transaction.atomic
def staff_user_upsert(
    *,
    username: str,
    password: str,
    role: Role,
    scope: Region | None,
    agency: Agency | None = None,
    first_name: str = "",
    last_name: str = "",
    service_point: str = "",
    email: str = "",
) -> User:
    """Create or reset a staff user so that it has exactly `role`, `scope` and `agency`.

    Running it twice with the same arguments leaves the same user: it is how demo and
    bootstrap accounts are made.
    """
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_active = True
    user.is_staff = role in {Role.SUPERVISOR, Role.ADMIN}  # may open the admin
    user.is_superuser = False  # exactly the role's permissions, even for an existing account
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={"scope": scope, "agency": agency, "service_point": service_point},
    )
    return user
