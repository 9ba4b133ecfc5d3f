"""Who hears what an import saw: apps built on the registry (proposals, which the registry's
answer settles) register a watcher from their `AppConfig.ready`; the registry never imports
them.

A watcher says which KK numbers and NIKs it watches (few: those it waits to hear about);
the import notes, as it reads the file, the villages it covers and the rows naming those
numbers — on PostgreSQL with one query over the staged rows, else as each row is read — and
tells each watcher after the import commits (`transaction.on_commit`, robust: a watcher that
fails is logged and never undoes the import)."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sighting:
    """A row of the extract naming a watched number: its household's KK number and desil."""

    kk_number: str | None
    desil: int | None


@dataclass
class ImportSeen:
    """What one import saw: the day it ran (in its area's zone), the village codes of its
    rows, and, of the watched numbers, the KK numbers (with their desil) and the NIKs (with
    their row's KK number and desil) the file names."""

    day: datetime.date
    villages: set[str] = field(default_factory=set)
    households: dict[str, int | None] = field(default_factory=dict)
    persons: dict[str, Sighting] = field(default_factory=dict)
    # The watched numbers only rows it refused name: the registry still lists them, but
    # what those rows say (a desil, a KK number) cannot be taken as an answer.
    named: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ImportWatcher:
    # The KK numbers and the NIKs it watches, asked once as an import begins.
    watching: Callable[[], tuple[set[str], set[str]]]
    # Told what the import saw, once it has committed.
    notify: Callable[[ImportSeen], None]


_watchers: dict[str, ImportWatcher] = {}


def register_import_watcher(
    name: str,
    *,
    watching: Callable[[], tuple[set[str], set[str]]],
    notify: Callable[[ImportSeen], None],
) -> None:
    """Have every import tell `notify` what it saw of the numbers `watching` gives. Once
    per `name`: registering again replaces it."""
    _watchers[name] = ImportWatcher(watching=watching, notify=notify)


class Sightings:
    """What an import notes for the watchers as it reads: `saw` for each readable row (or
    `saw_many`, from the staged rows), `tell` once it is done."""

    def __init__(self, day: datetime.date, watchers: list[ImportWatcher]):
        self.watchers: list[ImportWatcher] = []
        self.kk_numbers: set[str] = set()
        self.niks: set[str] = set()
        for watcher in watchers:
            try:
                kk_numbers, niks = watcher.watching()
            except Exception:  # a watcher that cannot say is not told; the import goes on
                logger.exception("registry import watcher %s failed", watcher.watching)
                continue
            self.watchers.append(watcher)
            self.kk_numbers |= set(kk_numbers)
            self.niks |= set(niks)
        self.seen = ImportSeen(day=day)

    @classmethod
    def start(cls, day: datetime.date) -> "Sightings | None":
        """The notes of an import beginning on `day`; None when nobody watches."""
        return cls(day, list(_watchers.values())) if _watchers else None

    def saw(
        self, village: str | None, kk_number: str | None, nik: str | None, desil,
        readable: bool = True,
    ) -> None:  # fmt: skip
        """A row of `village` (a village code of the import's area; None for a row refused
        for its village code); not `readable`: a row refused for what it holds, whose
        numbers are only noted as named."""
        if village is not None:
            self.seen.villages.add(village)
        if not readable:
            self.seen.named.update(
                number for number, watched in ((kk_number, self.kk_numbers), (nik, self.niks))
                if number and number in watched
            )  # fmt: skip
            return
        if kk_number and kk_number in self.kk_numbers:
            self.seen.households[kk_number] = desil
        if nik and nik in self.niks:
            self.seen.persons[nik] = Sighting(kk_number, desil)

    def tell(self) -> None:
        """Tell each watcher what was seen, after the import's transactions commit."""
        for watcher in self.watchers:
            # A function, not a partial: Django logs a robust callback's failure by its name.
            def notify(watcher: ImportWatcher = watcher) -> None:
                watcher.notify(self.seen)

            transaction.on_commit(notify, robust=True)
