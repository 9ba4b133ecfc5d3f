"""The time zone a region lives in, from its province.

Indonesia keeps three zones (Keppres 41/1987): WIB (UTC+7) in Sumatra, Java, West and
Central Kalimantan; WITA (UTC+8) in Bali, Nusa Tenggara, South, East and North Kalimantan and
Sulawesi; WIT (UTC+9) in Maluku and Papua. A whole province keeps one zone, so the zone is
derived from the first two digits of any region code: nothing is stored.

An office's "today" (deadlines, working days, the month of a report) is the date in its
region's zone; the server's `TIME_ZONE` is only the default, for a code of no province here.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import dateformat, timezone

from regions.models import within_q

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")

# Province codes (Kemendagri, as in regions/data/wilayah.csv) by zone.
PROVINCES_BY_ZONE: dict[ZoneInfo, tuple[str, ...]] = {
    WIB: ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
          "31", "32", "33", "34", "35", "36", "61", "62"),
    WITA: ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"),
    WIT: ("81", "82", "91", "92", "93", "94", "95", "96"),
}  # fmt: skip
ZONE_OF_PROVINCE = {
    province: zone for zone, provinces in PROVINCES_BY_ZONE.items() for province in provinces
}
ABBREVIATIONS = {WIB.key: "WIB", WITA.key: "WITA", WIT.key: "WIT"}


def time_zone_of(code: str | None) -> ZoneInfo:
    """The zone of the region `code` (`52.72.01.1001`, `52`): its province's; the server's
    default zone for no code or a province not listed."""
    zone = ZONE_OF_PROVINCE.get((code or "")[:2])
    return zone or timezone.get_default_timezone()


def zone_abbreviation(zone: datetime.tzinfo, moment: datetime.datetime | None = None) -> str:
    """How Indonesians write the zone: WIB, WITA, WIT; another zone by its own name."""
    key = getattr(zone, "key", "")
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key]
    return (moment or timezone.now()).astimezone(zone).tzname() or key


def local_date_in(code: str | None, moment: datetime.datetime | None = None) -> datetime.date:
    """The date it is (or was, at `moment`) in the region `code`."""
    return timezone.localdate(moment or timezone.now(), time_zone_of(code))


def zones_q(region_field: str) -> list[tuple[ZoneInfo, Q]]:
    """Filters that share out rows by their region's zone, each row in exactly one: the
    three zones by province, then every other code in the default zone. For set-based work
    that needs each region's own date (the SLA sweep)."""
    parts, listed = [], Q()
    for zone, provinces in PROVINCES_BY_ZONE.items():
        zone_q = Q()
        for province in provinces:
            zone_q |= within_q(province, region_field)
        parts.append((zone, zone_q))
        listed |= zone_q
    parts.append((timezone.get_default_timezone(), ~listed))
    return parts


def moment_text(
    moment: datetime.datetime, zone: datetime.tzinfo | None = None, date_format: str = "d-m-Y H.i"
) -> str:
    """`moment` as the office reads it, with its zone: "01-12-2026 22.57 WITA" (Indonesian
    writes the time with a dot). `zone`: the active zone (the signed-in office's) by default;
    `date_format` in the syntax of Django's `date` filter."""
    zone = zone or timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    return f"{dateformat.format(local, date_format)} {zone_abbreviation(zone, moment)}"
