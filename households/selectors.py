"""Reads of the registry, always limited to what the acting user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.selectors import region_scope_q, scope_code_of
from households.models import Household, Region


def households_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Household]:
    """Households the user may see: those whose village lies in the user's scope.

    Users without a registry role (agency officers) or without a scope see none.
    """
    if not has_role(user, *REGISTRY_ROLES):
        return Household.objects.none()
    return Household.objects.filter(region_scope_q(user, "region"))


def household_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Household:
    """One household the user may see, or 404: out-of-scope households do not exist."""
    return get_object_or_404(households_in_scope(user).select_related("region"), pk=pk)


def region_choices_for(
    user: AbstractBaseUser | AnonymousUser, parent_code: str | None
) -> QuerySet[Region]:
    """The regions a picker offers below `parent_code` (provinces when None), within scope.

    Above and at the scope's level only the scope's own line is offered (a user of Kota Bima
    sees NTB and Kota Bima only); below it, every child of the chosen parent.
    """
    scope = scope_code_of(user)
    if scope is None:
        return Region.objects.none()
    if parent_code is None:
        children = Region.objects.filter(level=Region.Level.PROVINCE)
    else:
        children = Region.objects.filter(parent_id=parent_code)
    scope_line = [*Region.ancestor_codes_of(scope), scope]
    level = Region.Level.PROVINCE if parent_code is None else parent_code.count(".") + 2
    if level <= len(scope_line):
        return children.filter(code=scope_line[level - 1])
    if not Region.code_is_within(parent_code, scope):
        return Region.objects.none()
    return children


def region_in_scope(user: AbstractBaseUser | AnonymousUser, code: str) -> Region | None:
    """The region with `code` if it lies inside the user's scope, else None."""
    scope = scope_code_of(user)
    if scope is None or not Region.code_is_within(code, scope):
        return None
    return Region.objects.filter(code=code).first()
