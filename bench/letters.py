"""Issuing 200 letters: the time, as a ratio to 200 plain one-row inserts, each in its own
transaction, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/letters.py [--households 2000] [--letters 200] [--keep]

Builds (or, with `--keep`, reuses) the benchmarks' throwaway database with a generated
registry of Kota Bima, drafts `--letters` registry letters (surat keterangan terdaftar
DTSEN) to members of households with a desil as the back office, then issues them one by
one as the head of office through `letters.services.letter_issue` (each: the letter locked,
the office's counter locked and raised, the content read, the page and its QR code drawn,
its SHA-256, the letter and its event written, one transaction). The reference writes as
many rows of `letters.LetterCheck` one by one, a transaction each. It prints both times,
the time per letter and the ratio. Goal: a ratio ≤ 20 (an issue is a dozen statements and a
page drawn, against one INSERT).
"""

import argparse
import os
import secrets
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import REGION, bench_registry, require_postgresql  # noqa: E402
from households.models import Person  # noqa: E402
from letters.models import Letter, LetterCheck, LetterKind  # noqa: E402
from letters.services import letter_draft, letter_issue  # noqa: E402
from regions.models import Region  # noqa: E402

GOAL = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=2_000)
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    with bench_registry(households=options.households, keep=options.keep):
        run(options.letters)


def run(count: int) -> None:
    area = Region.objects.get(code=REGION)
    back_office = staff_user_upsert(
        username="bench-letters-desk", password=secrets.token_urlsafe(),
        role=Role.BACK_OFFICE, scope=area,
    )  # fmt: skip
    head = staff_user_upsert(
        username="bench-letters-head", password=secrets.token_urlsafe(),
        role=Role.SUPERVISOR, scope=area,
    )  # fmt: skip
    kind = LetterKind.objects.get(code="suket_dtsen")
    holders = list(
        Person.objects.filter(household__desil__isnull=False, status="active")
        .select_related("household")
        .order_by("pk")[:count]
    )
    if len(holders) < count:
        sys.exit(f"only {len(holders)} members with a desil: generate more households")
    drafts = [letter_draft(actor=back_office, kind=kind, person=person) for person in holders]

    started = time.perf_counter()
    for _ in range(count):
        with transaction.atomic():
            LetterCheck.objects.create(at=timezone.now(), address="127.0.0.1")
    reference = time.perf_counter() - started

    started = time.perf_counter()
    for letter in drafts:
        letter_issue(actor=head, letter=letter)
    issuing = time.perf_counter() - started

    issued = Letter.objects.filter(pk__in=[letter.pk for letter in drafts], status="issued")
    assert issued.count() == count
    ratio = issuing / reference
    print(f"{count} letters issued one by one: {issuing:.2f} s ({issuing / count * 1000:.1f} ms "
          f"each); {count} one-row inserts: {reference:.2f} s")  # fmt: skip
    print(f"ratio issuing ÷ inserts: {ratio:.1f} (goal ≤ {GOAL}): "
          f"{'met' if ratio <= GOAL else 'NOT MET'}")  # fmt: skip


if __name__ == "__main__":
    main()
