"""Which outbox rows a user reads: the failed messages about the records of their area,
as each topic's own selector finds them."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from accounts.roles import SUPERVISING_ROLES, has_role
from outbox.models import Dispatch
from outbox.topics import registered_topics, topic_of


def dispatches_in_scope_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    """The rows whose record `user` reaches through its topic's selector (a referral's
    through `referrals.selectors.referrals_for`, a complaint's through
    `complaints.selectors.complaints_in_scope`)."""
    reached = Q(pk__in=[])
    for topic in registered_topics():
        records = topic.records_for(user).order_by().values("pk")
        reached |= Q(topic=topic.name, subject_id__in=records)
    return reached


def dispatches_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Dispatch]:
    """Messages about records in the user's area, whatever became of them: a supervisor's
    (and an administrator's); nobody else's."""
    if not has_role(user, *SUPERVISING_ROLES):
        return Dispatch.objects.none()
    return Dispatch.objects.filter(dispatches_in_scope_q(user))


def failed_dispatches_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Dispatch]:
    """Messages that could not be delivered, about records in the user's area, newest first:
    a supervisor's (and an administrator's) to send again; nobody else's."""
    return dispatches_for(user).filter(status=Dispatch.Status.FAILED).order_by("-created_at", "-pk")


def with_subjects(dispatches: list[Dispatch]) -> list[Dispatch]:
    """`dispatches`, each with its record as a list names it (`dispatch.subject`), one
    query per topic."""
    by_topic: dict[str, list[Dispatch]] = {}
    for dispatch in dispatches:
        by_topic.setdefault(dispatch.topic, []).append(dispatch)
    for name, rows in by_topic.items():
        subjects = topic_of(name).subjects(row.subject_id for row in rows)
        for row in rows:
            row.subject = subjects.get(row.subject_id)
    return dispatches
