"""`{% load visit_tags %}`: whether a page offers "request a home visit" to its user."""

from django import template

from accounts.roles import has_role
from visits.services import REQUESTING_ROLES

register = template.Library()


@register.filter
def asks_for_visits(user) -> bool:
    """Front office, back office and supervisors ask for visits (of households the page
    already found in their area)."""
    return has_role(user, *REQUESTING_ROLES)
