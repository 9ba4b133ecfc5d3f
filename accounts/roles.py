"""The staff roles. Each is a Django group of the same name, created by a migration."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_OFFICE = "front_office", _("Front office")
    BACK_OFFICE = "back_office", _("Back office")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    ADMIN = "admin", _("Administrator")
    FACILITATOR = "facilitator", _("Facilitator")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    # Decides referrals before they are sent (penetapan), beside the supervisors: the office
    # gives it to whom it names (`referrals.decide_referral`).
    COORDINATOR = "coordinator", _("Coordinator")


# Roles that work with the household registry of their scope. Agency officers see households
# only through the referrals sent to their agency.
REGISTRY_ROLES = frozenset({Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN})

# Roles that read the households of their area: the registry's roles, the facilitators who
# visit those households (without changing them) and the village operators who propose them
# to the national registry and object to its recipients (in their one village).
REGISTRY_READING_ROLES = REGISTRY_ROLES | {Role.FACILITATOR, Role.VILLAGE_OPERATOR}

# Roles that supervise their area: the dashboard and reports, exports, screening, registry
# imports, failed messages, the access log and the admin.
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})

# The permission of deciding a referral before it is sent (penetapan): the supervisors' and
# the coordinators' (a migration grants it), and whoever else the admin gives it to.
DECIDE_REFERRAL = "referrals.decide_referral"


def user_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The role names of `user`, read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_slrt_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        cached = frozenset(names)
        user._slrt_roles = cached
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    """Whether `user` holds at least one of `roles`."""
    return not user_roles(user).isdisjoint(roles)


def grant_role_permissions(apps, grants: dict[str, list[str]]) -> None:
    """For data migrations: create the role groups and give them `app_label.codename` permissions.

    Takes the migration's historical `apps`. Permissions of models created by earlier
    migrations are made first, since Django otherwise creates them only after `migrate` ends.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in grants.items():
        group, _created = Group.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            group.permissions.add(permission)


# Rank of each role in the admin: a user may hand out (and manage holders of) only the roles
# ranked at or below the highest role they hold. An administrator grants every role, itself
# included; a supervisor grants supervisor and the roles below, never administrator.
# Superusers stand above every role and are made and managed only by superusers.
ROLE_RANK = {
    Role.FRONT_OFFICE: 1,
    Role.AGENCY_OFFICER: 1,
    Role.FACILITATOR: 1,
    Role.VILLAGE_OPERATOR: 1,
    Role.BACK_OFFICE: 2,
    Role.SUPERVISOR: 3,
    # A decision's second pair of eyes is given by a supervisor or an administrator, never by
    # the back office whose referrals it decides (a coordinator opens no admin).
    Role.COORDINATOR: 3,
    Role.ADMIN: 4,
}


def grantable_roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The roles `user` may give or take in the admin: those they hold, or lower."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return frozenset(Role.values)
    held = [ROLE_RANK[role] for role in user_roles(user) if role in ROLE_RANK]
    if not held:
        return frozenset()
    return frozenset(role for role, rank in ROLE_RANK.items() if rank <= max(held))


# The roles whose users open the admin (`is_staff`).
ADMIN_SITE_ROLES = SUPERVISING_ROLES
