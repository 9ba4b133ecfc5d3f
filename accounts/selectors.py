"""Reads about the acting user: their scope (every scoped selector of every app starts
here), the office that serves a region, and the access log they may read."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import AccessLog, Office, StaffProfile
from accounts.roles import SUPERVISING_ROLES, user_roles
from regions.models import Region, within_q


def staff_profile_of(user: AbstractBaseUser | AnonymousUser) -> StaffProfile | None:
    """The user's staff profile, or None for anonymous users and users without one."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def scope_code_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The region code the user works in (`52.72`), or None: no scope, no data."""
    profile = staff_profile_of(user)
    return profile.scope_id if profile else None


def region_scope_q(user: AbstractBaseUser | AnonymousUser, region_field: str) -> Q:
    """A filter keeping rows whose region (the `Region` foreign key at `region_field`)
    lies inside the user's scope. A user without a scope gets a filter that keeps nothing.

    `region_field` is a lookup path: `"region"` for households, `"household__region"` for
    the objects that hang off a household.
    """
    scope = scope_code_of(user)
    if scope is None:
        return Q(pk__in=[])
    return within_q(scope, region_field)


def staff_covering(region_code: str, role: str) -> QuerySet[AbstractBaseUser]:
    """Active staff of `role` whose working area holds the region `region_code`: scoped to
    it or to a region above it (a supervisor of 52.72 covers 52.72.01.1001)."""
    return get_user_model().objects.filter(
        is_active=True,
        groups__name=role,
        staff_profile__scope__in=Region.line_of(region_code),
    )


def office_for_region(code: str | None) -> Office | None:
    """The office serving the region `code`: the one whose region is nearest among `code`
    and the regions above it (`Region.line_of`), or None when no office is set up there.

    A complaint's or referral's office is that of its household's village; a user's, that
    of their working area (`office_for_region(scope_code_of(user))`). One query.
    """
    if not code:
        return None
    offices = Office.objects.select_related("region").filter(region__in=Region.line_of(code))
    return max(offices, key=lambda office: len(office.region_id), default=None)


def access_log_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AccessLog]:
    """Access log entries `user` may read, newest first: superusers read all of them,
    administrators and supervisors those of staff working inside their own area (the
    admin's list and the access-log page alike)."""
    entries = AccessLog.objects.select_related("user").order_by("-at", "-pk")
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if user.is_superuser:
        return entries
    scope = scope_code_of(user)
    if user_roles(user).isdisjoint(SUPERVISING_ROLES) or scope is None:
        return entries.none()
    return entries.filter(within_q(scope, "user__staff_profile__scope"))
