"""What an import reports: its counts, its refused rows (line, column, message) and where
its time went."""

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

# A person's history says when a registry import moved them from another household.
MOVED_REASON = gettext_lazy("Moved to another household by the registry import")

COUNTS = ["refused", "households_created", "households_updated", "households_unchanged",
          "persons_created", "persons_updated", "persons_unchanged", "outside"]  # fmt: skip


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0  # read so far
    done: int = 0  # written or refused so far
    total: int | None = None  # in the file, once known
    refused: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    # Numbers found registered outside the area (refused with their own message): an
    # existence check, which the access log records as the registration form's.
    outside: int = 0
    errors: list[RowError] = field(default_factory=list)  # when no `on_error` takes them
    on_error: Callable[[RowError], None] | None = None
    # Where the time went, by step, and how many rows were checked one at a time in Python
    # (all of them on the portable path; on PostgreSQL, the households SQL left to it).
    seconds: dict[str, float] = field(default_factory=dict)
    # The checks' statements on PostgreSQL, by what they decide: where the checks' time goes.
    check_seconds: dict[str, float] = field(default_factory=dict)
    rows_one_by_one: int = 0

    def add_error(self, error: RowError) -> None:
        if self.on_error is None:
            self.errors.append(error)
        else:
            self.on_error(error)

    def plus(self, part: "ImportResult") -> "ImportResult":
        """These counts and those of `part`, an import of some of the same rows."""
        return ImportResult(
            rows=self.rows,
            done=self.done + part.done,
            total=self.total,
            errors=self.errors + part.errors,
            on_error=self.on_error,
            seconds=self.seconds,
            check_seconds=self.check_seconds,
            rows_one_by_one=self.rows_one_by_one + part.rows_one_by_one,
            **{name: getattr(self, name) + getattr(part, name) for name in COUNTS},
        )

    @contextlib.contextmanager
    def clock(self, step: str, *, of_checks: bool = False) -> Iterator[None]:
        """`with result.clock("step"):` adds the step's seconds to `seconds["step"]` (to
        `check_seconds["step"]` with `of_checks`)."""
        into = self.check_seconds if of_checks else self.seconds
        started = time.perf_counter()
        try:
            yield
        finally:
            into[step] = into.get(step, 0) + time.perf_counter() - started
