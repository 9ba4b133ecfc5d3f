"""How personal identifiers are shown outside a detail page (UU PDP 27/2022)."""

MASK = "••••••"


def mask_identifier(number: str | None) -> str:
    """`5272010101900003` → `527201••••••0003`: the district and the serial, not the date."""
    if not number:
        return ""
    if len(number) <= 10:
        return "•" * len(number)
    return f"{number[:6]}{MASK}{number[-4:]}"
