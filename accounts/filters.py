import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessLog
from slrt.date_inputs import INVALID_DATE, LocalDateInput
from slrt.filters import ListFilterSet


class AccessLogFilter(ListFilterSet):
    """Who saw what: by kind of access, purpose, user, household and day."""

    action = django_filters.ChoiceFilter(label=_("Action"), choices=AccessLog.Action.choices)
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=AccessLog.Purpose.choices)
    user = django_filters.CharFilter(
        label=_("User name"), field_name="user__username", lookup_expr="iexact"
    )
    household = django_filters.NumberFilter(
        label=_("Household number"), field_name="household_id", min_value=1
    )
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=LocalDateInput(),
        error_messages={"invalid": INVALID_DATE},
    )
    until = django_filters.DateFilter(
        label=_("Until"),
        field_name="at",
        lookup_expr="date__lte",
        widget=LocalDateInput(),
        error_messages={"invalid": INVALID_DATE},
    )

    class Meta:
        model = AccessLog
        fields = ["action", "purpose", "user", "household", "since", "until"]
