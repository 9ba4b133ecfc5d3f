"""Which home visits a user may see, and what of them: a facilitator those assigned to them
in their own area; the registry's roles those of the households of their area; anyone else
none. Out of those, 404. Every page and the API (the queue, a visit's detail, its review and
verification sheet, a household's visits, the documents of a visit) read visits here."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, Role, user_roles
from accounts.selectors import region_scope_q
from documents.models import Document
from households.models import Household
from regions.time_zones import local_date_in
from visits.models import Visit, VisitFinding

OPEN_STATUSES = (Visit.Status.REQUESTED, Visit.Status.ASSIGNED)


def _visible_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    roles = user_roles(user)
    visible = Q(pk__in=[])
    if Role.FACILITATOR in roles:
        visible |= Q(assignee_id=user.pk) & region_scope_q(user, "household__region")
    if not roles.isdisjoint(REGISTRY_ROLES):
        visible |= region_scope_q(user, "household__region")
    return visible


def visits_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Visit]:
    """Visits the user may see, soonest due first, with what lists show."""
    return Visit.objects.filter(_visible_q(user)).select_related(
        "household__region", "assignee", "complaint", "referral"
    )


def visit_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Visit:
    """One visit of `visits_for`, with what its pages show (its detail, its review, its
    verification sheet on the letterhead of the household's office), or 404."""
    return get_object_or_404(
        visits_for(user).select_related(
            "household__region__parent__parent", "requested_by", "reviewed_by", "referral__program"
        ),
        pk=pk,
    )


def finding_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> VisitFinding:
    """A difference of a visit the user may see, or 404. Whether they may decide it is
    `visits.review.visit_may_decide`."""
    return get_object_or_404(
        VisitFinding.objects.filter(visit__in=visits_for(user)).select_related("visit"), pk=pk
    )


def visit_findings(visit: Visit) -> list[VisitFinding]:
    """The visit's differences from the registry, in the order they were found (the caller
    has read the visit through its scope)."""
    return list(visit.findings.select_related("decided_by").order_by("pk"))


def visit_photos(visit: Visit) -> list[Document]:
    """The visit's photos: the latest document of each kind (a new photo replaces the one
    before it), the front and the inside of the house first (the caller has read the visit
    through its scope)."""
    latest: dict[str, Document] = {}
    documents = Document.objects.filter(owner_type=Document.Owner.VISIT, owner_id=visit.pk)
    for document in documents.select_related("kind").order_by("uploaded_at", "pk"):
        latest[document.kind.code] = document
    order = {"foto_depan": 0, "foto_dalam": 1}
    return sorted(latest.values(), key=lambda doc: (order.get(doc.kind.code, 2), doc.uploaded_at))


def visits_of_household(
    user: AbstractBaseUser | AnonymousUser, household: Household, *, limit: int = 5
) -> list[Visit]:
    """The household's visits `user` may see that wait for review or are reviewed, newest
    first, for the household's page."""
    return list(
        visits_for(user)
        .filter(household=household, status__in=[Visit.Status.SUBMITTED, Visit.Status.REVIEWED])
        .order_by("-submitted_at", "-pk")[:limit]
    )


def open_visits_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Visit]:
    """A facilitator's visits still to do: those they may attach photos to."""
    return visits_for(user).filter(assignee_id=user.pk, status=Visit.Status.ASSIGNED)


def visit_queue_for(
    user: AbstractBaseUser | AnonymousUser, *, status: str = "", assignee: int | None = None
) -> QuerySet[Visit]:
    """The visits still to do (or of `status`), soonest due first; narrowed to one
    facilitator with `assignee`."""
    visits = visits_for(user)
    visits = visits.filter(status=status) if status else visits.filter(status__in=OPEN_STATUSES)
    if assignee:
        visits = visits.filter(assignee_id=assignee)
    return visits.order_by("due", "pk")


def is_overdue(visit: Visit, moment: datetime.datetime | None = None) -> bool:
    """A visit not done by its due date, on the date of the household's own zone."""
    return visit.status in OPEN_STATUSES and visit.due < local_date_in(
        visit.household.region_id, moment
    )


def visit_date(visit: Visit) -> datetime.date | None:
    """The day of the visit (when it was submitted) in the household's zone."""
    if not visit.submitted_at:
        return None
    return local_date_in(visit.household.region_id, visit.submitted_at)


def visit_documents_q(user: AbstractBaseUser | AnonymousUser) -> Q | None:
    """The documents a facilitator reads beyond the registry: those of their own visits."""
    if Role.FACILITATOR not in user_roles(user):
        return None
    own = Visit.objects.filter(assignee_id=user.pk).filter(
        region_scope_q(user, "household__region")
    )
    return Q(owner_type="visit", owner_id__in=own.values("pk"))
