"""How personal identifiers are shown outside a detail page (UU PDP 27/2022).

A NIK's digits 1–6 are the district and 7–12 the birth date (the day + 40 for women): beside
a village, an age and a sex, which lists show, they are all but known. So a masked number
shows its last four digits only, and lists show the age, not the birth date; a reader is left
with hundreds of candidates for each masked number.
"""

import re

MASK = "•" * 12


def mask_identifier(number: str | None) -> str:
    """`5272010101900003` → `••••••••••••0003`: the serial, not the district nor the date."""
    if not number:
        return ""
    if len(number) <= 10:
        return "•" * len(number)
    return f"{MASK}{number[-4:]}"


# Sixteen digits, as typed: spaces, dots or dashes may group them (`5272 0143 0882 0002`).
_TYPED_IDENTIFIER = re.compile(r"(?<!\d)\d(?:[\s.-]*\d){15}(?!\d)")


def mask_identifiers_in(text: str) -> str:
    """`text` with every NIK or KK number in it masked: a search query as a list shows it."""
    return _TYPED_IDENTIFIER.sub(
        lambda match: mask_identifier(re.sub(r"\D", "", match.group())), text
    )


def carries_identifier(data) -> bool:
    """Whether a NIK or KK number is typed anywhere in `data`: a text, or an API answer's
    dicts and lists of them."""
    if isinstance(data, str):
        return _TYPED_IDENTIFIER.search(data) is not None
    if isinstance(data, dict):
        data = data.values()
    if isinstance(data, list | tuple | type({}.values())):
        return any(carries_identifier(item) for item in data)
    return False


def mask_free_text(item: dict, fields: tuple[str, ...]) -> dict:
    """`item` (a list's row, as an API answer has it) with the NIK and KK numbers typed into
    its free-text `fields` masked: a list shows them as it shows the record's own."""
    for name in fields:
        if isinstance(item.get(name), str):
            item[name] = mask_identifiers_in(item[name])
    return item


def mask_phone(phone: str | None) -> str:
    """`+6281234567890` → `+62812••••7890`: the country and the operator's prefix, and the
    last four digits (which the resident may be asked for), not the rest."""
    if not phone:
        return ""
    if len(phone) <= 10:
        return "•" * len(phone)
    return f"{phone[:6]}{'•' * (len(phone) - 10)}{phone[-4:]}"


def mask_name(name: str | None) -> str:
    """`Siti Rahmah` → `S*** R*****`: each word's first letter, the rest starred, so that
    the holder of a letter recognises their name and a stranger learns little from it."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in (name or "").split())
