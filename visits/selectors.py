"""Which home visits a user may see: a facilitator those assigned to them in their own area;
the registry's roles those of the households of their area; anyone else none. Out of those,
404."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, Role, user_roles
from accounts.selectors import region_scope_q
from regions.time_zones import local_date_in
from visits.models import Visit

OPEN_STATUSES = (Visit.Status.REQUESTED, Visit.Status.ASSIGNED)


def _visible_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    roles = user_roles(user)
    visible = Q(pk__in=[])
    if Role.FACILITATOR in roles:
        visible |= Q(assignee_id=user.pk) & region_scope_q(user, "household__region")
    if not roles.isdisjoint(REGISTRY_ROLES):
        visible |= region_scope_q(user, "household__region")
    return visible


def reads_origin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` reads what asked for a visit (its complaint's ticket number, its
    referral's number): the office's records, not the field's. A facilitator reads the
    visit and its household only, on every page, sheet and API answer."""
    return not user_roles(user).isdisjoint(REGISTRY_ROLES)


def visits_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Visit]:
    """Visits the user may see, soonest due first, with what lists show."""
    return Visit.objects.filter(_visible_q(user)).select_related(
        "household__region", "assignee", "complaint", "referral"
    )


def visit_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Visit:
    return get_object_or_404(visits_for(user).select_related("requested_by"), pk=pk)


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


def visit_documents_q(user: AbstractBaseUser | AnonymousUser) -> Q | None:
    """The documents a facilitator reads beyond the registry: those of their own visits."""
    if Role.FACILITATOR not in user_roles(user):
        return None
    own = Visit.objects.filter(assignee_id=user.pk).filter(
        region_scope_q(user, "household__region")
    )
    return Q(owner_type="visit", owner_id__in=own.values("pk"))
