"""The text an office writes into a letter kind, and the closed set of placeholders it may
name. The text is never rendered as a Django template: each `{name}` is replaced by its
value as plain text, and the page escapes the result like any other text."""

import re

from django.utils.translation import gettext as _

PLACEHOLDERS = (
    "holder_name", "holder_nik", "address", "village", "district", "regency", "desil",
    "desil_date", "program", "office",
)  # fmt: skip

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def body_errors(body: str) -> list[str]:
    """What is wrong with a kind's text: placeholders outside the closed set."""
    unknown = sorted(
        {name for name in _PLACEHOLDER.findall(body or "") if name not in PLACEHOLDERS}
    )
    if not unknown:
        return []
    return [
        _("Unknown placeholders: %(names)s. Use only: %(allowed)s.")
        % {
            "names": ", ".join(f"{{{name}}}" for name in unknown),
            "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
        }
    ]


def body_filled(body: str, values: dict[str, str]) -> str:
    """`body` with each known placeholder replaced by its value (plain text); anything
    else in braces is left as typed."""

    def value_of(match: re.Match) -> str:
        name = match.group(1)
        return str(values.get(name, "")) if name in PLACEHOLDERS else match.group(0)

    return _PLACEHOLDER.sub(value_of, body or "")
