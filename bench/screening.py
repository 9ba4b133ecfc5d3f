"""Bulk screening against hand-written SQL of the same rules, in the same run, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/screening.py [--households 50000] [--repeat 5] [--keep]

Builds a throwaway database (the configured name plus `_bench`, dropped at the end unless
`--keep`), loads Kota Bima's regions, the programme catalogue and a generated registry
(`generate_households`), then, for each programme below, times the query `screen_program`
runs (`screening_rows`: rows fetched and formatted) against a hand-written query returning the
same columns, checks that both find the same households, and prints the best time of each
and their ratio. Goal: the ORM within 1.5× of the hand-written SQL.
"""

import argparse
import datetime
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.registry import (  # noqa: E402
    REGION,
    bench_registry,
    postgresql_version,
    require_postgresql,
)
from households.models import Household, Person  # noqa: E402
from programs.models import Program  # noqa: E402
from programs.rules import born_years_before  # noqa: E402
from programs.screening import screening_rows  # noqa: E402

SELECT = """
SELECT h.id, h.dtks_id, h.kk_number, h.address, h.desil, h.region_id, r.name,
       (SELECT p.name FROM households_person p
         WHERE p.household_id = h.id AND p.relationship = 'head' LIMIT 1) AS head_name,
       e.id IS NOT NULL AS enrolled
  FROM households_household h
  JOIN households_region r ON r.code = h.region_id
  LEFT JOIN programs_enrollment e
         ON e.household_id = h.id AND e.program_id = %(program)s AND e.is_active
 WHERE (h.region_id = %(region)s OR h.region_id LIKE %(below)s)
   AND COALESCE(({rule}), false) <> (e.id IS NOT NULL)
 ORDER BY h.region_id, h.id
"""

# The catalogue's rules (programs/catalogue.py) as a person would write them in SQL.
HAND_WRITTEN = {
    "PKH": """
        h.desil <= 4 AND EXISTS (
          SELECT 1 FROM households_person p WHERE p.household_id = h.id AND (
            p.is_pregnant
            OR p.birth_date > %(born_7)s
            OR (p.birth_date <= %(born_7)s AND p.birth_date > %(born_22)s
                AND p.school_participation = 'in_school')
            OR p.birth_date <= %(born_60)s
            OR p.disability <> 0))""",
    "BPNT": "h.desil <= 5",
    "PBI-JK": """
        h.desil <= 5 OR (h.desil <= 7 AND EXISTS (
          SELECT 1 FROM households_person p
           WHERE p.household_id = h.id AND p.chronic_illness <> 0))""",
    "RUTILAHU": """
        h.desil <= 4 AND h.tenure = 1 AND (
          h.floor_material IN (7, 8, 9) OR h.wall_material IN (4, 5, 6)
          OR h.roof_material IN (8, 9) OR h.toilet = 4)""",
    "JAMKESDA": """
        h.desil <= 6
        AND NOT EXISTS (
          SELECT 1 FROM programs_enrollment x JOIN programs_program pr ON pr.id = x.program_id
           WHERE x.household_id = h.id AND pr.code = 'PBI-JK' AND x.is_active)
        AND NOT EXISTS (
          SELECT 1 FROM households_person p WHERE p.household_id = h.id
             AND p.occupation IN ('civil_servant', 'private_employee'))""",
}


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def orm_findings(program: Program, today: datetime.date) -> set[tuple[int, bool]]:
    rows = list(screening_rows(program, region_code=REGION, today=today))
    return {(row["household_id"], row["finding"] == "inclusion") for row in rows}


def sql_findings(program: Program, today: datetime.date) -> set[tuple[int, bool]]:
    params = {
        "program": program.pk,
        "region": REGION,
        "below": f"{REGION}.%",
        "born_7": born_years_before(today, 7),
        "born_22": born_years_before(today, 22),
        "born_60": born_years_before(today, 60),
    }
    with connection.cursor() as cursor:
        cursor.execute(SELECT.format(rule=HAND_WRITTEN[program.code]), params)
        rows = cursor.fetchall()
    return {(row[0], row[-1]) for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()

    with bench_registry(households=options.households, keep=options.keep, catalogue=True):
        run(options.repeat)


def run(repeat: int) -> None:
    today = timezone.localdate()
    version = postgresql_version()
    households, persons = Household.objects.count(), Person.objects.count()
    print(
        f"Bulk screening of {households:,} households ({persons:,} members) in {REGION}, "
        f"PostgreSQL {version}, best of {repeat}"
    )
    print(f"{'programme':<10} {'findings':>9} {'ORM':>9} {'hand SQL':>9} {'ratio':>6}")
    ratios = []
    for code in HAND_WRITTEN:
        program = Program.objects.get(code=code)
        orm_time, orm = best_of(repeat, lambda: orm_findings(program, today))  # noqa: B023
        sql_time, sql = best_of(repeat, lambda: sql_findings(program, today))  # noqa: B023
        if orm != sql:
            sys.exit(f"{code}: the two queries disagree on {len(orm ^ sql)} households")
        ratios.append(orm_time / sql_time)
        print(
            f"{code:<10} {len(orm):>9,} {orm_time * 1000:>7.1f}ms {sql_time * 1000:>7.1f}ms "
            f"{ratios[-1]:>5.2f}×"
        )
    mean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"geometric mean ratio ORM / hand-written SQL: {mean:.2f}× (goal ≤ 1.5×)")


if __name__ == "__main__":
    main()
