"""Reads of complaints, always limited to the acting user's scope."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.selectors import region_scope_q
from complaints.models import Assessment, Complaint
from programs.matching import Match, programs_matching


def complaints_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """Complaints of the households the user may see."""
    if not has_role(user, *REGISTRY_ROLES):
        return Complaint.objects.none()
    return Complaint.objects.filter(region_scope_q(user, "household__region"))


def complaint_list_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """Complaints in scope with what a list shows, oldest due first."""
    return (
        complaints_in_scope(user)
        .select_related("household__region__parent", "category", "complainant", "assigned_to")
        .order_by("resolution_due", "registered_at", "pk")
    )


def complaint_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Complaint:
    return get_object_or_404(
        complaints_in_scope(user).select_related(
            "household__region__parent",
            "category",
            "complainant",
            "assigned_to",
            "registered_by",
            "consent_recorded_by",
        ),
        pk=pk,
    )


def work_queue_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """The back office's queue: open complaints unassigned or assigned to the user."""
    return complaint_list_for(user).filter(
        Q(assigned_to__isnull=True) | Q(assigned_to=user), Complaint.open_q()
    )


def registered_today_for(
    user: AbstractBaseUser | AnonymousUser, service_point: str, day: datetime.date | None = None
) -> QuerySet[Complaint]:
    """Complaints the user's office (service point) registered on `day` (today)."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    queryset = complaint_list_for(user).filter(
        registered_at__gte=start, registered_at__lt=start + datetime.timedelta(days=1)
    )
    if service_point:
        return queryset.filter(service_point=service_point)
    return queryset.filter(registered_by=user)


def assessment_of(complaint_id: int) -> Assessment | None:
    """The complaint's assessment with its needs, or None before the back office assessed it.
    The complaint is read through a scoped selector first: this one does not check scope."""
    return Assessment.objects.filter(complaint_id=complaint_id).prefetch_related("needs").first()


def complaint_matches(complaint: Complaint, assessment: Assessment | None) -> list[Match]:
    """The programmes matching the complaint's assessed needs, as of today (best first), or
    none before it is assessed: what the complaint page, the referral form and the API offer.
    `assessment` is the complaint's (`assessment_of`)."""
    if assessment is None:
        return []
    return programs_matching(complaint.household, assessment.domains, today=timezone.localdate())
