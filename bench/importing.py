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
where the time went (staging, checks, writing, the rows checked one by one in Python).
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
from households.registry_import import EXTRACT_COLUMNS, setwise, write_extract  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_TABLES = [Household._meta.db_table, Person._meta.db_table]


def psql_copy(path: Path, url: str) -> float:
    """Seconds for `psql \\copy` of the file into a bare table of text columns."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS dtks_bare")
        columns = ", ".join(f"{column} text" for column in EXTRACT_COLUMNS)
        cursor.execute(f"CREATE TABLE dtks_bare ({columns})")
    started = time.perf_counter()
    command = f"\\copy dtks_bare FROM '{path}' WITH (FORMAT csv, HEADER)"
    subprocess.run(["psql", "-q", "-d", url, "-c", command], check=True)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE dtks_bare")
    return seconds


def empty_registry() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE households_person, households_household CASCADE")
        cursor.execute("ANALYZE households_person, households_household")


def import_dtks(path: Path, url: str) -> tuple[float, int, str, str]:
    """Run the command in a process of its own: its seconds (as it counts them, from reading
    the file to the summary), peak RSS (KB), its summary and its steps."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "max-rss-kb %M", sys.executable, str(ROOT / "manage.py"),
         "import_dtks", str(path)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    rss = int(re.search(r"max-rss-kb (\d+)", done.stderr).group(1))
    summary, steps = [*done.stdout.strip().splitlines(), "", ""][:2]
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
        print(f"{'':<34} {steps}")
    print("ratio: rows/s ÷ psql \\copy rows/s (goal ≥ 0.25); seconds as the command counts them")
    floors(rows, copy_seconds)


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


def floors(rows: int, copy_seconds: float) -> None:
    """What a first load cannot go below: `COPY` of the bytes, and building the indexes the
    registry's searches need, each alone."""
    timings = index_builds()
    total = sum(seconds for _name, seconds in timings)
    print(
        f"floor of a first load: \\copy {copy_seconds:.1f} s + index builds {total:.1f} s "
        f"= at best {copy_seconds / (copy_seconds + total):.2f}× of \\copy before any check"
    )
    for name, seconds in sorted(timings, key=lambda item: -item[1]):
        print(f"  {name:<54} {seconds:>6.2f} s")


if __name__ == "__main__":
    main()
