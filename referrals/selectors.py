"""Which referrals a user may see: those of households in their working area (office staff)
and those sent to their agency of households in their working area (agency officers: a
Kemensos officer of Kota Bima sees Kota Bima's referrals to Kemensos, not Mataram's). Out of
those, 404."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, Role, user_roles
from accounts.selectors import region_scope_q, staff_profile_of
from complaints.selectors import complaint_search_q, identifier_term
from referrals.models import Dispatch, Referral


def agency_referrals_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    """The referrals `user` receives as an agency officer: sent to their agency, of
    households inside their scope. No role, agency or scope: none."""
    profile = staff_profile_of(user)
    if (
        Role.AGENCY_OFFICER not in user_roles(user)
        or profile is None
        or not profile.agency_id
        or not profile.scope_id
    ):
        return Q(pk__in=[])
    return Q(agency_id=profile.agency_id) & region_scope_q(user, "household__region")


def _visible_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    visible = agency_referrals_q(user)
    if not user_roles(user).isdisjoint(REGISTRY_ROLES):
        visible |= region_scope_q(user, "household__region")
    return visible


def referrals_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """Referrals the user may see, newest first, with what lists show."""
    return Referral.objects.filter(_visible_q(user)).select_related(
        "program", "agency", "complaint", "household__region"
    )


def referral_search_q(term: str) -> Q:
    """What a referral list's search box finds, to narrow a list already limited to the
    user's scope: a whole referral number (`Referral.number`), or what finds the referral's
    complaint (`complaints.selectors.complaint_search_q`: a ticket number or a part of it,
    the head's or the complainant's name)."""
    return Referral.number_q(identifier_term(term)) or complaint_search_q(term, "complaint__")


def referred_program_codes(complaint_id: int) -> set[str]:
    """Codes of the programmes the complaint is not referred to again: those holding one of
    its referrals in `Referral.BLOCKING_STATUSES` (the page greys them out, the service
    refuses them, the database's constraint is the same rule)."""
    return set(
        Referral.objects.filter(
            complaint_id=complaint_id, status__in=Referral.BLOCKING_STATUSES
        ).values_list("program__code", flat=True)
    )


def referral_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Referral:
    return get_object_or_404(referrals_for(user).select_related("created_by"), pk=pk)


def agency_inbox_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """An agency officer's referrals, those waiting for an answer first, oldest due first."""
    return (
        referrals_for(user)
        .filter(agency_referrals_q(user))
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
