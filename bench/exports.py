"""A supervisor's CSV export of the household list against PostgreSQL's own COPY of the same
rows, in the same run, and the memory the export takes at two list lengths.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/exports.py [--households 100000] [--repeat 3] [--keep]

Builds a throwaway database (the configured name plus `_bench`, dropped at the end unless
`--keep`; `bench/screening.py` shares it), loads Kota Bima and a generated registry, then
downloads the export through the page (Django's test client, as a signed-in supervisor, the
response streamed to the end) and times `COPY (the same query) TO STDOUT WITH CSV` for the
same rows. It prints rows per second of each and their ratio, and the peak Python memory of
the export (tracemalloc) for one district and for the whole city: flat means the longer
list takes about the memory of the shorter one.
"""

import argparse
import math
import os
import secrets
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import warnings

import django

django.setup()
# The page is served without collectstatic here; WhiteNoise says so once, harmlessly.
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import (  # noqa: E402
    REGION,
    bench_registry,
    postgresql_version,
    require_postgresql,
)
from households.models import Household  # noqa: E402
from regions.models import Region  # noqa: E402

URL = "/reports/exports/households/"

# The export's rows as a person would ask PostgreSQL for them.
COPY = """
COPY (
  SELECT h.id, h.kk_number, h.dtks_id, h.region_id, d.name, v.name, h.desil, h.desil_source,
         h.desil_date, (SELECT count(*) FROM households_person p WHERE p.household_id = h.id)
    FROM households_household h
    JOIN households_region v ON v.code = h.region_id
    LEFT JOIN households_region d ON d.code = v.parent_id
   WHERE h.region_id = '{area}' OR h.region_id LIKE '{area}.%'
   ORDER BY h.id
) TO STDOUT WITH CSV
"""


def export(client: Client, area: str) -> tuple[int, int]:
    """Download the export of `area`; the rows and bytes it held."""
    query = "" if area == REGION else f"?region__district={area}"
    response = client.post(URL + query, {"purpose": "supervision"}, secure=True)
    assert response.status_code == 200, response.status_code
    lines = size = 0
    for chunk in response.streaming_content:
        lines += 1
        size += len(chunk)
    return lines - 1, size


def copy(area: str) -> tuple[int, int]:
    rows = size = 0
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(COPY.format(area=area)) as stream,
    ):
        for block in stream:
            size += len(block)
            rows += bytes(block).count(b"\n")
    return rows, size


def best_of(repeat: int, run) -> tuple[float, tuple[int, int]]:
    best, result = math.inf, (0, 0)
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def peak_memory(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()

    with bench_registry(households=options.households, keep=options.keep):
        run(options.repeat)


def run(repeat: int) -> None:
    supervisor = staff_user_upsert(
        username="bench-supervisor",
        password=secrets.token_urlsafe(),
        role=Role.SUPERVISOR,
        scope=Region.objects.get(code=REGION),
    )
    settings.TWO_FACTOR_REQUIRED = False  # the export is measured here, not the sign-in
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(supervisor)
    district = Household.objects.values_list("region__parent_id", flat=True).order_by("pk").first()
    version = postgresql_version()
    print(f"CSV export of households, PostgreSQL {version}, best of {repeat}")
    print(f"{'list':<22} {'rows':>9} {'export':>10} {'COPY':>10} {'ratio':>6} {'peak memory':>12}")
    for label, area in [(f"district {district}", district), (f"city {REGION}", REGION)]:
        export_time, (rows, size) = best_of(repeat, lambda: export(client, area))  # noqa: B023
        copy_time, (copied, _size) = best_of(repeat, lambda: copy(area))  # noqa: B023
        if rows != copied:
            sys.exit(f"{label}: the export has {rows:,} rows, COPY {copied:,}")
        peak = peak_memory(lambda: export(client, area))  # noqa: B023
        print(
            f"{label:<22} {rows:>9,} {rows / export_time:>7,.0f}/s {rows / copy_time:>7,.0f}/s "
            f"{copy_time / export_time:>5.2f}× {peak / 2**20:>9.1f} MB"
            f"   ({size / 2**20:.1f} MB of CSV)"
        )
    print("ratio: export rows/s ÷ COPY rows/s; peak memory: Python allocations during the export")


if __name__ == "__main__":
    main()
