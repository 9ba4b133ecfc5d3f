"""Times as the office reads them, with its zone: `{{ event.at|moment }}` gives
"01-12-2026 22.57 WITA"; `{{ complaint.registered_at|moment:"l, j F Y H.i" }}` the long form."""

import datetime

from django import template

from regions.time_zones import moment_text

register = template.Library()


@register.filter
def moment(value: datetime.datetime | None, date_format: str = "d-m-Y H.i") -> str:
    """The time in the active zone (the signed-in office's) followed by WIB, WITA or WIT."""
    if not isinstance(value, datetime.datetime):
        return ""
    return moment_text(value, date_format=date_format)
