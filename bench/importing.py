"""`import_dtks` against `psql \\copy` of the same file into a bare table, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/importing.py [--households 20000] [--repeat 3] [--keep]

Builds a throwaway database (the configured name plus `_bench`, shared with the other
benchmarks, dropped at the end unless `--keep`), generates a registry of Kota Bima and writes
it as a DTKS extract. Then, in this order:

- `psql \\copy` of the extract into a table of text columns without index (best of
  `--repeat`): PostgreSQL's own speed for these bytes, the reference;
- `manage.py import_dtks` into an emptied registry, in a process of its own (its time and
  peak memory), first for a tenth of the file and then for all of it: flat memory means
  about the same peak for both;
- the same file again, into the registry it made (every row unchanged).

Each line prints rows per second and the ratio to `\\copy`, and the command's own account of
where the time went (staging, checks, writing, the rows checked one by one in Python; then
the checks statement by statement). Last, the floor of each run, measured alone on the
registry the runs left: a first load is `\\copy`, writing the typed rows into tables
without index and building the registry's indexes; an unchanged re-import is `\\copy` and
one join comparing every cell of the file with the registry.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.registry import (  # noqa: E402
    bench_registry,
    database_url,
    postgresql_version,
    require_postgresql,
)
from households.models import Household, Person  # noqa: E402
from households.registry_codes import Relationship  # noqa: E402
from households.registry_import import EXTRACT_COLUMNS, setwise, write_extract  # noqa: E402
from households.registry_import.extract import COLUMNS, HOUSEHOLD, Kind  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_TABLES = [Household._meta.db_table, Person._meta.db_table]


def psql_copy(path: Path, url: str, *, keep: bool = False) -> float:
    """Seconds for `psql \\copy` of the file into a bare table of text columns (`dtks_bare`,
    dropped after unless `keep`)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dtks_bare")
        columns = ", ".join(f"{column} text" for column in EXTRACT_COLUMNS)
        cursor.execute(f"CREATE TABLE dtks_bare ({columns})")
    started = time.perf_counter()
    command = f"\\copy dtks_bare FROM '{path}' WITH (FORMAT csv, HEADER)"
    subprocess.run(["psql", "-q", "-d", url, "-c", command], check=True)
    seconds = time.perf_counter() - started
    if not keep:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE dtks_bare")
    return seconds


def empty_registry() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE households_person, households_household CASCADE")
        cursor.execute("ANALYZE households_person, households_household")


def import_dtks(path: Path, url: str) -> tuple[float, int, str, list[str]]:
    """Run the command in a process of its own: its seconds (as it counts them, from reading
    the file to the summary), peak RSS (KB), its summary and its account of the time (by
    step, and the checks by statement)."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "max-rss-kb %M", sys.executable, str(ROOT / "manage.py"),
         "import_dtks", str(path)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    rss = int(re.search(r"max-rss-kb (\d+)", done.stderr).group(1))
    summary, *steps = done.stdout.strip().splitlines()
    seconds = float(re.search(r"rows in ([\d.]+) s", summary).group(1))
    return seconds, rss, summary, steps


def first_tenth(path: Path, out: Path) -> int:
    """Write the first tenth of the extract's rows, ending on a household's last row."""
    with path.open(encoding="utf-8") as source:
        lines = source.readlines()
    cut = max(len(lines) // 10, 2)
    key = lines[cut - 1].split(",", 1)[0]
    while cut < len(lines) and lines[cut].split(",", 1)[0] == key:
        cut += 1
    out.write_text("".join(lines[:cut]), encoding="utf-8")
    return cut - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    with (
        bench_registry(households=options.households, keep=options.keep),
        tempfile.TemporaryDirectory() as folder,
    ):
        run(Path(folder), options.repeat)


def run(folder: Path, repeat: int) -> None:
    url = database_url()
    extract = folder / "extract.csv"
    with extract.open("w", encoding="utf-8", newline="") as out:
        rows = write_extract(Household.objects.all(), out)
    tenth = folder / "tenth.csv"
    tenth_rows = first_tenth(extract, tenth)
    size = extract.stat().st_size / 2**20
    copy_seconds = min(psql_copy(extract, url) for _ in range(repeat))
    copy_rate = rows / copy_seconds
    version = postgresql_version()
    print(f"DTKS extract of {rows:,} persons ({size:.0f} MB), PostgreSQL {version}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'run':<34} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'ratio':>6} {'max RSS':>8}")
    reference = "psql \\copy into a bare table"
    print(f"{reference:<34} {rows:>10,} {copy_seconds:>8.2f} "
          f"{copy_rate:>9,.0f} {1:>5.2f}× {'—':>8}   (best of {repeat})")  # fmt: skip
    runs = [("import_dtks, a tenth, empty registry", tenth, tenth_rows, True),
            ("import_dtks, empty registry", extract, rows, True),
            ("import_dtks again, nothing changed", extract, rows, False)]  # fmt: skip
    for label, path, count, empty in runs:
        if empty:
            empty_registry()
        seconds, rss, summary, steps = import_dtks(path, url)
        if f"{count:,} rows" not in summary:
            sys.exit(f"{label}: unexpected summary: {summary}")
        rate = count / seconds
        print(f"{label:<34} {count:>10,} {seconds:>8.2f} {rate:>9,.0f} {rate / copy_rate:>5.2f}× "
              f"{rss / 1024:>5.0f} MB")  # fmt: skip
        for line in steps:
            print(f"{'':<34} {line}")
    print("ratio: rows/s ÷ psql \\copy rows/s (goals: ≥ 0.25 for a first load, ≥ 0.15 for a "
          "re-import of an unchanged file); seconds as the command counts them")  # fmt: skip
    floors(extract, url, copy_seconds)


def index_builds() -> list[tuple[str, float]]:
    """Seconds to build each index, unique constraint and foreign key of the registry's
    two tables alone, on the registry as the import left it (each dropped and built again
    in a transaction rolled back)."""
    timings = []
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        with transaction.atomic():
            rebuild = setwise._drop_indexes(cursor, REGISTRY_TABLES)
            transaction.set_rollback(True)
        for statement in rebuild:
            name = re.search(r'CONSTRAINT "([^"]+)"|INDEX (\S+)', statement).group(1, 2)
            name = name[0] or name[1]
            with transaction.atomic():
                setwise._drop_indexes(cursor, REGISTRY_TABLES)
                started = time.perf_counter()
                cursor.execute(statement)
                timings.append((name, time.perf_counter() - started))
                transaction.set_rollback(True)
    return timings


def bare_insert() -> float:
    """Seconds to write the registry's typed rows into tables like its own without index or
    constraint (`INSERT … SELECT`, rolled back): writing a first load, indexes apart."""
    with connection.cursor() as cursor, transaction.atomic():
        started = time.perf_counter()
        for table in REGISTRY_TABLES:
            cursor.execute(f"CREATE TABLE bare_{table} (LIKE {table} INCLUDING DEFAULTS)")
            cursor.execute(f"INSERT INTO bare_{table} SELECT * FROM {table}")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def as_written(column) -> str:
    """SQL: the registry's value of `column` as the extract writer writes it."""
    value = f"{'h' if column.of == HOUSEHOLD else 'p'}.{column.model_field.column}"
    if column.kind == Kind.SEX:
        return f"CASE {value} WHEN 'M' THEN '1' WHEN 'F' THEN '2' END"
    if column.kind == Kind.DATE:
        return f"to_char({value}, 'DD-MM-YYYY')"
    if column.kind == Kind.RELATIONSHIP:
        codes = ", ".join(f"'{relationship.value}'" for relationship in Relationship)
        return f"array_position(ARRAY[{codes}], {value}::text)::text"
    if column.kind == Kind.FLAG:
        return f"CASE WHEN {value} THEN '1' ELSE '0' END"
    return f"coalesce({value}::text, '')"


def compare_with_registry(path: Path, url: str) -> tuple[float, int, int]:
    """The cheapest statement that tells an unchanged file from the registry: the file as
    `\\copy` stages it (text; an empty cell is NULL), joined to the registry by registry ID
    and NIK, every column compared with the registry's value as the extract writes it. Its
    seconds, the rows it compared and how many of them differ (none, for the extract the
    registry wrote: the comparison is exact)."""
    psql_copy(path, url, keep=True)
    key, nik = (next(c.name for c in COLUMNS if c.kind == kind) for kind in (Kind.KEY, Kind.NIK))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dtks_bare")
        started = time.perf_counter()
        cursor.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE
                ({", ".join(f"coalesce(b.{column.name}, '')" for column in COLUMNS)})
                IS DISTINCT FROM ({", ".join(as_written(column) for column in COLUMNS)}))
            FROM dtks_bare b JOIN {Household._meta.db_table} h ON h.dtks_id = b.{key}
            JOIN {Person._meta.db_table} p ON p.nik = b.{nik} AND p.household_id = h.id
            """
        )
        compared, differ = cursor.fetchone()
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE dtks_bare")
    return seconds, compared, differ


def floors(path: Path, url: str, copy_seconds: float) -> None:
    """What each run cannot go below, measured now on the registry the runs left: the best
    ratio to `\\copy` any path could reach.

    - A first load: `COPY` of the bytes, writing the typed rows into tables without index,
      and building the indexes the registry's searches need, each alone.
    - A re-import of an unchanged file: `COPY` of the bytes, and the one statement that
      compares every cell with the registry."""
    timings = index_builds()
    indexes = sum(seconds for _name, seconds in timings)
    insert = bare_insert()
    compare, compared, differ = compare_with_registry(path, url)
    first = copy_seconds + insert + indexes
    again = copy_seconds + compare
    print("floor of each run (each part measured alone, now; the ratio is the best reachable):")
    print(
        f"  first load: \\copy {copy_seconds:.1f} s + INSERT … SELECT of the typed rows into "
        f"tables without index {insert:.1f} s + index builds {indexes:.1f} s = {first:.1f} s"
        f" → at best {copy_seconds / first:.2f}× (goal 0.25)"
    )
    print(
        f"  unchanged re-import: \\copy {copy_seconds:.1f} s + one join by registry ID and "
        f"NIK comparing every column {compare:.1f} s ({compared:,} rows, {differ:,} differ) = "
        f"{again:.1f} s → at best {copy_seconds / again:.2f}× (goal 0.15)"
    )
    print("  index builds, each alone:")
    for name, seconds in sorted(timings, key=lambda item: -item[1]):
        print(f"    {name:<54} {seconds:>6.2f} s")


if __name__ == "__main__":
    main()
