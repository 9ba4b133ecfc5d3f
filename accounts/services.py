"""Every write to staff accounts and to the access log goes through a function here."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db import transaction

from accounts.models import AccessLog, Office, StaffProfile
from accounts.roles import ADMIN_SITE_ROLES, Role, user_roles
from regions.models import Region

if TYPE_CHECKING:  # the agency an officer answers for; programs builds on accounts
    from programs.models import Agency


@transaction.atomic
def staff_user_upsert(
    *,
    username: str,
    password: str,
    role: Role,
    scope: Region | None,
    agency: "Agency | None" = None,
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
    user.is_staff = role in ADMIN_SITE_ROLES
    user.is_superuser = False  # exactly the role's permissions, even for an existing account
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    StaffProfile.objects.update_or_create(
        user=user,
        defaults={"scope": scope, "agency": agency, "service_point": service_point},
    )
    return user


def office_upsert(*, region: Region, **settings: str) -> Office:
    """Create the office serving `region`, or change its settings (`name`, `address`,
    `phone`, `head_name`, `head_nip`, …); checked as the admin checks them."""
    office = Office.objects.filter(region=region).first() or Office(region=region)
    for name, value in settings.items():
        setattr(office, name, value)
    office.full_clean()
    office.save()
    return office


def access_purpose_of(user: AbstractBaseUser) -> str:
    """The purpose an access serves when the page does not say: what the user's role is for."""
    roles = user_roles(user)
    # A facilitator reads a household for the visit that serves its request.
    if roles & {Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.FACILITATOR}:
        return AccessLog.Purpose.SERVICE
    if Role.AGENCY_OFFICER in roles:
        return AccessLog.Purpose.REFERRAL
    return AccessLog.Purpose.SUPERVISION


def access_record(
    *,
    actor: AbstractBaseUser,
    action: AccessLog.Action,
    what: str,
    purpose: str = "",
    household_id: int | None = None,
    query: str = "",
    rows: int | None = None,
    path: str = "",
) -> AccessLog:
    """Write one access to personal data to the append-only access log.

    Called by every page and endpoint that shows a whole NIK or KK number, runs a search or
    exports a list. `purpose` defaults to what the user's role is for.
    """
    return AccessLog.objects.create(
        user=actor,
        action=action,
        purpose=purpose or access_purpose_of(actor),
        what=what[:255],
        household_id=household_id,
        query=query[:500],
        rows=rows,
        path=path[:500],
    )


def personal_list_shown(
    *,
    actor: AbstractBaseUser,
    what: str,
    rows: int,
    filters: str = "",
    path: str = "",
    purpose: str = "",
) -> None:
    """Record that `actor` was shown a list of people, households, complaints or referrals
    (their identifiers masked): which list, with what filters, how many rows. A page of the
    list that shows no row shows no one and is not recorded. Every list page and API list
    calls this, so that the access log says who browsed whom as it says who searched."""
    if rows:
        access_record(
            actor=actor,
            action=AccessLog.Action.SEARCH,
            what=what,
            query=filters,
            rows=rows,
            path=path,
            purpose=purpose,
        )
