import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def late_to_acknowledge(referral, today: datetime.date | None = None) -> bool:
    """`{% if referral|late_to_acknowledge:today %}`: `Referral.is_late_to_acknowledge_on`."""
    return referral.is_late_to_acknowledge_on(today or timezone.localdate())


@register.filter
def hours_left(referral) -> int | None:
    """`{{ referral|hours_left }}`: whole hours to an emergency's deadline
    (`Referral.hours_left`), None outside the emergency lane."""
    return referral.hours_left()


@register.inclusion_tag("referrals/includes/hours_left.html")
def emergency_clock(referral):
    """The emergency lane's badge: the hours left, or how long it is overdue."""
    hours = referral.hours_left()
    return {"hours": hours, "overdue": hours is not None and hours < 0,
            "late_by": -hours if hours is not None and hours < 0 else None,
            "referral": referral}  # fmt: skip
