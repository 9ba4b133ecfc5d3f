"""Which referrals a user may see: those of households in their working area (office staff)
and those sent to their agency (agency officers). Out of those, 404."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, Role, user_roles
from accounts.selectors import region_scope_q, staff_profile_of
from referrals.models import Dispatch, Referral


def _visible_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    roles = user_roles(user)
    visible = Q(pk__in=[])
    if not roles.isdisjoint(REGISTRY_ROLES):
        visible |= region_scope_q(user, "household__region")
    profile = staff_profile_of(user)
    if Role.AGENCY_OFFICER in roles and profile is not None and profile.agency_id:
        visible |= Q(agency_id=profile.agency_id)
    return visible


def referrals_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """Referrals the user may see, newest first, with what lists show."""
    return Referral.objects.filter(_visible_q(user)).select_related(
        "program", "agency", "complaint", "household__region"
    )


def referral_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Referral:
    return get_object_or_404(referrals_for(user).select_related("created_by"), pk=pk)


def agency_inbox_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """An agency officer's referrals, those waiting for an answer first, oldest due first."""
    profile = staff_profile_of(user)
    if profile is None or not profile.agency_id or Role.AGENCY_OFFICER not in user_roles(user):
        return Referral.objects.none()
    return (
        referrals_for(user)
        .filter(agency_id=profile.agency_id)
        .order_by(F("closed_at").asc(nulls_first=True), "response_due", "pk")
    )


def failed_dispatches_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Dispatch]:
    """Messages that could not be delivered, for referrals in the user's area."""
    return (
        Dispatch.objects.filter(status=Dispatch.Status.FAILED)
        .filter(referral__in=referrals_for(user).values("pk"))
        .select_related("referral__program", "referral__agency", "referral__complaint")
        .order_by("-created_at")
    )
