"""A record's id as a query string or a form gives it (`?member=`, `complaint=`): only ASCII
digits that fit a database id. `str.isdigit()` alone takes "²" and "٣", which `int()`
refuses or reads otherwise, and a twenty-digit number overflows the column."""

MAX_ID = 2**63 - 1


def id_from(value) -> int | None:
    """`value` (text, or an int from a URL) as an id, or None when it cannot be one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
