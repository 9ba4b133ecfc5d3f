"""Rate limits of the public pages (the status check, a letter's check), counted in rows of
the page's own log, so that they hold across every web process: a caller is refused once
their rows inside the window reach the limit."""

import datetime
import ipaddress

from django.db.models import QuerySet

# Callers whose address cannot be read (no `REMOTE_ADDR`, a forwarded value that is no
# address) are counted together.
UNREADABLE = "0.0.0.0"  # noqa: S104  (a bucket, not a bind address)


def caller_block(address: str | None) -> str:
    """The address a public page counts (and logs) a caller by: an IPv4 address as it is;
    an IPv6 address as its /64, the block one subscriber is given, so that stepping through
    the addresses of one's own block is one caller."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNREADABLE
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def over_limit(
    rows: QuerySet, *, now: datetime.datetime, window_minutes: int, limits: dict[str, tuple]
) -> bool:
    """Whether any of `limits` (`{field: (value, most)}`: at most `most` rows with `field` =
    `value`) is reached among the `rows` of the last `window_minutes` (their `at`)."""
    recent = rows.filter(at__gte=now - datetime.timedelta(minutes=window_minutes))
    return any(
        recent.filter(**{field: value}).count() >= most for field, (value, most) in limits.items()
    )
