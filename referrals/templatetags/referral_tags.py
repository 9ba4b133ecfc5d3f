import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def late_to_acknowledge(referral, today: datetime.date | None = None) -> bool:
    """`{% if referral|late_to_acknowledge:today %}`: `Referral.is_late_to_acknowledge_on`."""
    return referral.is_late_to_acknowledge_on(today or timezone.localdate())
