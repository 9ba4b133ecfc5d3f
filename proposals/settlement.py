"""The registry's answer to a sent proposal: read from the next national extract
(`proposals_settle_from_import`, which the registry import calls once it has committed), or
recorded by hand with the reason (`proposal_settle`). Both move the proposal through the
one transition table (`proposals.services`), each with its event.

An import answers the sent proposals of the villages it covers: a new household is accepted
when its KK number (or its head's NIK) appears, with the desil the extract gives it; a new
member when the member's NIK appears in the household; a correction when the registry
shows the corrected values; an exit when the member (or the household) no longer appears.
Each sent proposal an import leaves unanswered counts one cycle (once per month, however
often the month's extract is imported); after FOLLOW_UP_CYCLES the office follows it up."""

import contextlib
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, translation
from django.utils.translation import gettext as _

from households.models import Person
from households.registry_codes import Relationship
from households.registry_import import ImportSeen
from households.registry_import.extract import COLUMNS
from households.registry_import.writer import CELL_WRITERS
from proposals.models import Proposal
from proposals.services import _check, _locked, _move

logger = logging.getLogger(__name__)
Status, Kind = Proposal.Status, Proposal.Kind
OUTCOMES = (Status.ACCEPTED, Status.REJECTED, Status.RETURNED)
DESIL_RANGE = range(1, 11)


# --- from an import ---


def proposals_watched() -> tuple[set[str], set[str]]:
    """The KK numbers and NIKs an import should report: those of the sent proposals'
    households and the members they have and have had (three queries, whatever the
    registry's size)."""
    sent = Proposal.objects.filter(status=Status.SENT)
    kk_numbers = set(
        sent.exclude(household__kk_number=None).values_list("household__kk_number", flat=True)
    )
    households = sent.values("household_id")
    niks = {nik for nik, _relationship in _niks_had(households)}
    return kk_numbers, niks


def _niks_had(households, by_household: bool = False) -> set[tuple]:
    """(NIK, relationship) — with the household id first when `by_household` — of the
    members `households` (ids, or a query of them) have now, and have had: an import that
    finds a member's NIK under another KK number moves them to the registry's household.
    (People an import creates have no history yet: the members of now are asked too.)"""
    fields = ["household_id", "nik", "relationship"] if by_household else ["nik", "relationship"]
    now = Person.objects.filter(household_id__in=households).exclude(nik=None)
    had = Person.history.filter(household_id__in=households).exclude(nik=None)
    return set(now.values_list(*fields)) | set(had.values_list(*fields).distinct())


@dataclass(frozen=True)
class ImportSettlement:
    accepted: int
    unanswered: int


def cycle_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def proposals_settle_from_import(seen: ImportSeen) -> ImportSettlement:
    """Settle the sent proposals of the households of the villages `seen` covers with what
    the extract says; count one cycle for each one it leaves unanswered (once per month)."""
    sent = [
        proposal
        for proposal in Proposal.objects.filter(status=Status.SENT).select_related(
            "household", "person"
        )
        # The household's village now (an import may have moved it), not the one it was
        # proposed in: the extract lists the household where it lives.
        if proposal.household.region_id in seen.villages
    ]
    if not sent:
        return ImportSettlement(accepted=0, unanswered=0)
    members: dict[int, set[tuple[str, str]]] = {}
    for household_id, nik, relationship in _niks_had({p.household_id for p in sent}, True):
        members.setdefault(household_id, set()).add((nik, relationship))
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Accepted from the DTSEN import of %(date)s") % {
            "date": formats.date_format(seen.day, "j F Y")
        }
    accepted, unanswered = 0, []
    with transaction.atomic():
        for proposal in sent:
            answer = _answer(proposal, seen, members.get(proposal.household_id, set()))
            if answer is None:
                unanswered.append(proposal.pk)
            elif _accept(proposal, desil=answer.desil, note=note):
                accepted += 1
        month = cycle_month(seen.day)
        counted = (
            Proposal.objects.filter(pk__in=unanswered, status=Status.SENT)
            .exclude(last_cycle_month=month)
            .update(cycles_unanswered=F("cycles_unanswered") + 1, last_cycle_month=month)
        )
    return ImportSettlement(accepted=accepted, unanswered=counted)


@dataclass(frozen=True)
class _Answer:
    desil: int | None


def _answer(proposal: Proposal, seen: ImportSeen, members: set[tuple[str, str]]) -> _Answer | None:
    """What the extract answers `proposal`, or None when it does not answer it yet.
    `members`: the NIKs the household has had, with their relationship."""
    household, person = proposal.household, proposal.person
    kk_number = household.kk_number
    in_file = kk_number is not None and kk_number in seen.households
    if proposal.kind == Kind.NEW_HOUSEHOLD:
        if in_file:
            return _Answer(seen.households[kk_number])
        heads = [nik for nik, relationship in members if relationship == Relationship.HEAD]
        sighting = next((seen.persons[nik] for nik in sorted(heads) if nik in seen.persons), None)
        return _Answer(sighting.desil) if sighting else None
    if proposal.kind == Kind.NEW_MEMBER:
        sighting = seen.persons.get(person.nik) if person and person.nik else None
        if sighting and sighting.kk_number == kk_number:
            return _Answer(sighting.desil)
        return None
    if proposal.kind == Kind.CORRECTION:
        if person is not None:
            sighting = seen.persons.get(person.nik) if person.nik else None
            if sighting and _shows(person, proposal.changes):
                return _Answer(sighting.desil)
            return None
        if in_file and _shows(household, proposal.changes):
            return _Answer(seen.households[kk_number])
        return None
    if proposal.kind == Kind.EXIT:
        if person is not None:
            # A member without a NIK cannot be looked for: left to a person.
            gone = bool(person.nik) and not _listed(seen, person.nik)
            return _Answer(None) if gone else None
        still = (in_file or _listed(seen, kk_number)
                 or any(_listed(seen, nik) for nik, _relationship in members))  # fmt: skip
        return None if still else _Answer(None)
    return None


def _listed(seen: ImportSeen, number: str | None) -> bool:
    """Whether the extract lists the NIK or KK number `number` on any row, even one the
    import refused: an exit is accepted only for what no row names."""
    return number is not None and (number in seen.persons or number in seen.named)


_CELL_WRITER_OF = {column.target: CELL_WRITERS[column.kind] for column in COLUMNS}


def _shows(record, changes: dict) -> bool:
    """Whether `record` (as the import has left it) holds every corrected value: the same
    value, or the same as the extract writes it (`1`/`2` for sex, `DD-MM-YYYY` dates)."""
    if not changes:
        return False
    for name, change in changes.items():
        wanted = change.get("to") if isinstance(change, dict) else change
        if not hasattr(record, name):
            return False
        value = getattr(record, name)
        if value is None:
            if wanted not in (None, ""):
                return False
            continue
        written = {str(value)}
        if name in _CELL_WRITER_OF:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                written.add(str(_CELL_WRITER_OF[name](value)))
        if str(wanted) not in written:
            return False
    return True


def _accept(proposal: Proposal, *, desil: int | None, note: str) -> bool:
    """Accept `proposal` as the import found it; False when it was settled meanwhile."""
    try:
        with transaction.atomic():
            current = _locked(proposal)
            _check(current, Status.ACCEPTED)
            current.desil_result = desil
            _move(current, to=Status.ACCEPTED, actor=None, note=note, via="system")
    except ValidationError:  # settled by hand since it was read
        return False
    return True


def settle_on_import(seen: ImportSeen) -> None:
    """The registry import's watcher: settle, and log what it did."""
    settled = proposals_settle_from_import(seen)
    logger.info(
        "registry import of %s: %s proposals accepted, %s counted unanswered",
        seen.day, settled.accepted, settled.unanswered,
    )  # fmt: skip


# --- by hand ---


def proposal_settle(
    *,
    actor: AbstractBaseUser,
    proposal: Proposal,
    outcome: str,
    desil: int | str | None = None,
    reason: str = "",
    via: str = "web",
    version: int | None = None,
) -> Proposal:
    """Record the registry's answer to a sent proposal by hand: accepted with its desil
    (1–10), or rejected or returned with the reason. Every bad input is refused field by
    field, and nothing is saved."""
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = _("Choose accepted, rejected or returned.")
    elif not actor.has_perm("proposals.settle_proposal"):
        errors["outcome"] = _("Your role does not settle proposals.")
    desil_value = None
    if outcome == Status.ACCEPTED:
        desil_value = _desil(desil)
        if desil_value is None:
            errors["desil"] = _("An accepted proposal needs the desil the registry gave, 1 to 10.")
    elif outcome in (Status.REJECTED, Status.RETURNED) and not reason:
        errors["reason"] = _("Say why the registry rejected or returned it.")
    if len(reason) > 500:
        errors["reason"] = _("At most 500 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(proposal)
        try:
            _check(current, outcome, version)
        except ValidationError as error:
            raise ValidationError(
                {"outcome": error.message_dict.get("to", error.messages)}
            ) from None
        current.desil_result = desil_value
        current.outcome_note = reason
        note = reason or _("Accepted by hand with desil %(desil)s.") % {"desil": desil_value}
        _move(current, to=outcome, actor=actor, note=note, via=via)
    return current


def _desil(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 2):
            return None
        value = int(value)
    if isinstance(value, int) and value in DESIL_RANGE:
        return value
    return None
