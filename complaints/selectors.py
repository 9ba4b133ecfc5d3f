"""Reads of complaints, always limited to the acting user's scope."""

import datetime
import re

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.selectors import region_scope_q
from complaints.models import Assessment, Complaint
from households.models import Person
from households.names import normalize_name
from households.selectors import households_headed_by, name_like_q
from programs.matching import Match, programs_matching
from regions.time_zones import local_date_in


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


# What `complaints.services.next_ticket_number` writes.
TICKET_NUMBER = re.compile(r"SLRT-[0-9]{4}-[0-9]{4}-[0-9]{6}")
# Shorter terms would read a whole list for each search (no trigram to look up).
SEARCH_MIN_LENGTH = 3


def identifier_term(term: str) -> str:
    """A typed ticket or referral number as it is stored: capitals, no spaces."""
    return "".join(term.split()).upper()


def complaint_search_q(term: str, prefix: str = "") -> Q:
    """What a list's search box finds, to narrow a list already limited to the user's
    scope: complaints, or with `prefix` (`complaint__`) the rows of a complaint.

    A term with a digit is a ticket number, whole (through its unique index) or a part of
    it (through its trigram index, on PostgreSQL); any other term is a name, like that of
    the household's head or of the complainant (a member, or the name written for a
    caller not registered). A term too short to look up finds nothing.
    """
    identifier = identifier_term(term)
    if any(character.isdigit() for character in identifier):
        if TICKET_NUMBER.fullmatch(identifier):
            return Q(**{f"{prefix}ticket_number": identifier})
        if len(identifier) < SEARCH_MIN_LENGTH:
            return Q(pk__in=[])
        return Q(**{f"{prefix}ticket_number__contains": identifier})
    name = normalize_name(term)
    if len(name) < SEARCH_MIN_LENGTH:
        return Q(pk__in=[])
    # Each part answered on its own (an index each on a large registry), joined by UNION: an
    # OR of the three was tried on every row of the list (1.9 s on 20,000 referrals).
    named = Person.objects.filter(name_like_q(name)).values("pk")
    complaints = Complaint.objects.order_by()
    matching = (
        complaints.filter(household__in=households_headed_by(name))
        .values("pk")
        .union(
            complaints.filter(complainant__in=named).values("pk"),
            complaints.filter(
                name_like_q(name, "complainant_name"), complainant__isnull=True
            ).values("pk"),
        )
    )
    return Q(**{f"{prefix}pk__in": matching})


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
    today = local_date_in(complaint.household.region_id)  # the household's date, as a referral's
    return programs_matching(complaint.household, assessment.domains, today=today)
