"""A letter's public check (`/v/{token}/`, and `/api/v1/letters/verify/{token}/`): anyone
holding the letter (a school, a hospital, the resident) learns whether it is valid or
revoked, its number, its date, its kind, its office and the holder's name masked — nothing
else. A token unknown and a token malformed answer alike (no oracle); look-ups are limited
per address, counted in `LetterCheck` rows, so the limit holds across web processes."""

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone

from households.masking import mask_name
from letters.models import Letter, LetterCheck
from letters.services import TOKEN_SHAPE
from slrt.rate_limits import caller_block, over_limit


class Limited(Exception):
    """Too many checks from this address just now."""


@dataclass(frozen=True)
class LetterCheckAnswer:
    valid: bool
    number: str
    date: datetime.date
    kind: str
    office: str
    holder: str

    def as_json(self) -> dict:
        answer = asdict(self)
        answer["date"] = self.date.isoformat()
        return answer


# What the API answers for a token it does not know (malformed ones alike).
UNKNOWN = {
    "valid": False,
    "number": None,
    "date": None,
    "kind": None,
    "office": None,
    "holder": None,
}


def letter_check(*, token: str, address: str) -> LetterCheckAnswer | None:
    """What the check shows of the letter with `token`, or None when there is no issued or
    revoked letter with it. Raises `Limited` past the rate limit. Writes one `LetterCheck`."""
    address = caller_block(address)
    now = timezone.now()
    if over_limit(
        LetterCheck.objects.all(),
        now=now,
        window_minutes=settings.SLRT_LETTER_CHECK_WINDOW_MINUTES,
        limits={"address": (address, settings.SLRT_LETTER_CHECK_PER_ADDRESS)},
    ):
        LetterCheck.objects.create(at=now, address=address, limited=True)
        raise Limited
    # A malformed token is looked up as one that cannot exist: the same query, the same answer.
    wanted = token if TOKEN_SHAPE.match(token or "") else "-" * 32
    letter = (
        Letter.objects.filter(
            token=wanted, status__in=[Letter.Status.ISSUED, Letter.Status.REVOKED]
        )
        .only("status", "number", "issued_on", "content")
        .first()
    )
    LetterCheck.objects.create(at=now, address=address, letter=letter)
    if letter is None:
        return None
    content = letter.content
    return LetterCheckAnswer(
        valid=letter.status == Letter.Status.ISSUED,
        number=letter.number,
        date=letter.issued_on,
        kind=content["kind"]["name"],
        office=content["office"]["name"] or content["household"]["regency"],
        holder=mask_name(content["holder"]["name"]),
    )
