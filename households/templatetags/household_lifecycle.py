"""The household page's part on changes: what a user may record there, and the history of
the household's changes (`households.lifecycle`)."""

from django import template

from households.lifecycle import APPROVE, RECORD
from households.selectors import (
    household_events_of,
    households_in_scope,
    persons_in_scope,
    transfers_into,
)

register = template.Library()


@register.inclusion_tag("households/lifecycle/history.html", takes_context=True)
def household_history(context, household):
    """The household's changes, oldest first, and the transfers asked into it."""
    user = context["request"].user
    events = list(household_events_of(household))
    others = {e.details.get("household") for e in events} - {None}
    # Another household is linked only where the user may open it (a transfer's is elsewhere).
    visible = set(households_in_scope(user).filter(pk__in=others).values_list("pk", flat=True))
    transfers = list(transfers_into(household).filter(status="pending"))
    # A person asked in from another area is named only once the user may see them: the
    # NIK typed is no way to learn whose it is.
    people = {e.person_id for e in events} | {t.person_id for t in transfers}
    known = set(persons_in_scope(user).filter(pk__in=people).values_list("pk", flat=True))
    return {
        "household": household,
        "events": events,
        "linked": visible,
        "known": known,
        "transfers": transfers,
        "may_approve": user.has_perm(APPROVE),
    }


@register.simple_tag(takes_context=True)
def may_record_changes(context, household) -> bool:
    """Whether the user records deaths, moves and family card changes of this household."""
    return household.dissolved_on is None and context["request"].user.has_perm(RECORD)
