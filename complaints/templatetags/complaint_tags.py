import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def overdue(complaint, today: datetime.date | None = None) -> bool:
    """`{% if complaint|overdue %}`: the one overdue rule, `Complaint.is_overdue_on`."""
    return complaint.is_overdue_on(today or timezone.localdate())
