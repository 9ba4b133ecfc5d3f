"""Signing in on a two-core server: what one password check costs at the office's Argon2id
parameters (`SLRT_ARGON2_*`) and at Django's own (100 MiB, two passes, eight lanes), measured
in the same run, one at a time and as 20 sign-ins arriving together (threads: argon2 lets go
of the GIL, so the burst spreads over the cores as gunicorn's workers would).

    .venv/bin/python bench/signin.py [--rounds 9] [--burst 20]

Prints both medians, both bursts' wall time and the ratios office ÷ Django. Goal: a burst of
20 sign-ins in at most half the time Django's parameters take (ratio ≤ 0.5), the parameters
at or above OWASP's minimum (the startup check, `accounts.hashers`).
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

from accounts.hashers import OfficeArgon2PasswordHasher, meets_owasp  # noqa: E402

PASSWORD = "kata-sandi-kantor-2026"  # noqa: S105  (a benchmark's, hashed and thrown away)


def one_at_a_time(hasher, rounds: int) -> float:
    encoded = hasher.encode(PASSWORD, hasher.salt())
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        assert hasher.verify(PASSWORD, encoded)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def burst(hasher, size: int) -> float:
    encoded = hasher.encode(PASSWORD, hasher.salt())
    with ThreadPoolExecutor(max_workers=size) as pool:
        started = time.perf_counter()
        assert all(pool.map(lambda _: hasher.verify(PASSWORD, encoded), range(size)))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--burst", type=int, default=20)
    args = parser.parse_args()
    office, django_own = OfficeArgon2PasswordHasher(), Argon2PasswordHasher()
    print(f"cores: {os.cpu_count()}")
    rows = []
    for name, hasher in (("office", office), ("Django", django_own)):
        median = one_at_a_time(hasher, args.rounds)
        wall = burst(hasher, args.burst)
        rows.append((median, wall))
        print(
            f"{name:>6}: {hasher.memory_cost} KiB, {hasher.time_cost} passes, "
            f"{hasher.parallelism} lanes: one check {median * 1000:.0f} ms; "
            f"{args.burst} at once {wall:.2f} s"
        )
    (office_one, office_burst), (django_one, django_burst) = rows
    ratio = office_burst / django_burst
    owasp = meets_owasp(
        settings.SLRT_ARGON2_MEMORY_KIB,
        settings.SLRT_ARGON2_TIME_COST,
        settings.SLRT_ARGON2_PARALLELISM,
    )
    print(f"ratio office ÷ Django: one check {office_one / django_one:.2f}, burst {ratio:.2f}")
    print(
        f"goal: burst ratio ≤ 0.5 and at or above OWASP's minimum: "
        f"{'MET' if ratio <= 0.5 and owasp else 'NOT MET'} (OWASP: {'yes' if owasp else 'no'})"
    )


if __name__ == "__main__":
    main()
