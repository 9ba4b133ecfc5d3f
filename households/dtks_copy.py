"""The registry import on PostgreSQL: the file goes into a staging table through `COPY`, and
the households whose rows all pass the checks are written with set-based SQL.

1. **Stage.** The file's bytes are streamed into a temporary table of text columns, in the
   header's order, each row numbered by its line. A file PostgreSQL's CSV reader refuses
   (uneven rows, blank lines, stray quotes) is staged again through Python's CSV reader,
   which is what the portable path reads with.
2. **Check.** One query types every row and checks it with the rules of `dtks._parse` and
   `household_rule_errors`, written in SQL: structure of NIK and KK, NIK against birth date
   and sex, codes, dates, numbers, lengths, one head. A household is written here when all
   its rows pass, its rows are consecutive, no NIK or KK of it is claimed by another
   household of the file, and the registry's own households agree with its registry ID and
   KK number. The SQL is stricter than Python (it takes `01-02-1990`, not `1-2-1990`).
3. **Write.** Households and persons are upserted a batch of households at a time, one
   transaction each, by the rules of the portable path: households matched by registry ID,
   else KK; people by NIK, else by name and birth date in their household; unchanged rows
   are not written.
4. **The rest** — the households a check did not pass — go through the portable path
   (`dtks.dtks_import`), which refuses their faulty rows with a message by line and column
   and loads the others. Messages are written in one place only: Python's.

`tests/households/test_import_dtks.py` runs on both paths; its equivalence test imports the
same odd files through each and compares the registries and the reports.
"""

import contextlib
import csv
import datetime
import io
import time
from collections.abc import Callable, Iterator
from typing import IO

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from households import dtks
from households.dtks import ImportResult, RowError
from households.identity import province_codes
from households.models import Household, Person
from households.names import NORMALIZE_NAME_SQL
from households.registry_codes import ChronicIllness, Disability, Relationship
from regions.models import Region

COPY_CHUNK = 1 << 20  # bytes per write into COPY
PYTHON_ROWS = 5000  # rows per query when reading back the households Python checks
LOCK_KEY = 0x534C5254  # one import at a time (pg_advisory_xact_lock)
# What Python's str.strip() removes, so that both paths see the same values.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
HEADS = Relationship.HEAD.value
RELATIONSHIPS = list(Relationship)
STAGING_TABLES = "dtks_staging, dtks_row, dtks_home, dtks_person"


def dtks_import_copy(
    handle: IO[bytes],
    *,
    area: str | None = None,
    batch_households: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportResult:
    """Load an extract (opened in binary) on PostgreSQL; return the counts. With `area`,
    households outside that region, and those naming a registry ID, KK number or NIK of a
    record outside it, are left to Python, which refuses those rows."""
    result = ImportResult(on_error=on_error)
    today = timezone.localdate()
    clock = _Clock(result.seconds)
    with connection.cursor() as cursor:
        with clock("staging"):
            header = _stage(cursor, handle)
            result.rows = result.total = _scalar(cursor, "SELECT count(*) FROM dtks_staging")
        if progress is not None:
            progress(result)
        with clock("checks"):
            _check(cursor, header, today, area)
            homes = _scalar(cursor, "SELECT coalesce(max(home), 0) FROM dtks_home")
        batch = max(batch_households, 1)
        with clock("writing"):
            for first in range(1, homes + 1, batch):
                result.done += _write(cursor, first, first + batch - 1, result, today)
                if progress is not None:
                    progress(result)
        with clock("one by one"):
            rest = dtks.dtks_import(
                _rows_left(header),
                area=area,
                batch_households=batch,
                on_error=on_error,
                progress=None if progress is None else lambda part: progress(result.plus(part)),
            )
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING_TABLES}")
    result = result.plus(rest)
    if progress is not None:
        progress(result)
    return result


class _Clock:
    """`with clock("step"):` adds the step's seconds to `seconds["step"]`."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    @contextlib.contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0) + time.perf_counter() - started


def _scalar(cursor, sql: str, params=()) -> int:
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


# --- 1. staging ---


def _stage(cursor, handle: IO[bytes]) -> list[str]:
    """COPY the file into `dtks_staging (line, c0 … cN)`; return the header's column names."""
    delimiter, header = dtks.dtks_header(handle.readline().decode("utf-8-sig"))
    columns = ", ".join(f"c{index}" for index in range(len(header)))
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING_TABLES}")
    cursor.execute(
        "CREATE TEMP TABLE dtks_staging (line bigint GENERATED BY DEFAULT AS IDENTITY "
        f"(START 2) PRIMARY KEY, {', '.join(f'c{i} text' for i in range(len(header)))})"
    )
    start = handle.tell()
    options = f"FORMAT csv, DELIMITER '{delimiter}', ENCODING 'UTF8'"
    sql = f"COPY dtks_staging ({columns}) FROM STDIN ({options})"
    try:
        with transaction.atomic(), cursor.copy(sql) as copy:
            while chunk := handle.read(COPY_CHUNK):
                copy.write(chunk)
        return header
    except psycopg.DataError:  # uneven rows, blank lines, quotes or bytes COPY refuses
        pass
    # PostgreSQL's CSV reader refused the file's shape: read it as the portable path does.
    handle.seek(start)
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    with cursor.copy(f"COPY dtks_staging (line, {columns}) FROM STDIN") as copy:
        rows = dtks.readable_rows(csv.reader(text, delimiter=delimiter), first_line=2)
        for line, cells in enumerate(rows, start=2):
            if any(cell.strip() for cell in cells):
                cells = (cells + [""] * len(header))[: len(header)]
                copy.write_row([line, *(cell.replace("\x00", "") for cell in cells)])
    text.detach()
    return header


def _rows_left(header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The staged rows of the households the checks left to Python, in the file's order."""
    names = [f"coalesce(s.c{index}, '')" for index in range(len(header))]
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.line, {', '.join(names)} FROM dtks_staging s "
                "WHERE s.line > %s AND NOT EXISTS "
                "(SELECT FROM dtks_person p WHERE p.line = s.line) ORDER BY s.line LIMIT %s",
                [last, PYTHON_ROWS],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        for line, *cells in rows:
            yield line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        last = rows[-1][0]


# --- 2. checks ---


def _literal(values) -> str:
    """A SQL list of text literals from trusted values (codes, never the file's)."""
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)


def _within(column: str, area: str | None) -> str:
    """SQL: the region code in `column` is `area` or lies below it."""
    if not area:
        return "true"
    return f"({column} = {_literal([area])} OR {column} LIKE {_literal([area + '.%'])})"


def _check(cursor, header: list[str], today: datetime.date, area: str | None) -> None:
    """Type and check every staged row (`dtks_row`), then decide which households SQL
    writes (`dtks_home`, numbered `home` in file order, and their `dtks_person` rows)."""
    where = {name: f"c{index}" for index, name in enumerate(header)}  # the last one wins
    strip = "'" + WHITESPACE.replace("'", "''") + "'"

    def text(name: str) -> str:
        return f"btrim(coalesce({where[name]}, ''), {strip})" if name in where else "''"

    def coded(name: str, values) -> str:
        return f"({name} = '' OR {name} IN ({_literal(values)}))"

    def smallint(name: str, default: str = "NULL") -> str:
        return f"CASE WHEN {name} ~ '^[0-9]{{1,4}}$' THEN {name}::smallint ELSE {default} END"

    household_codes = {name: dtks._choices(name) for name in dtks.CODED}
    yes, no = _literal(sorted(dtks.YES)), _literal(sorted(dtks.NO))
    names = [*dtks.EXTRACT_COLUMNS]
    provinces = _literal(sorted(province_codes()))
    # Compiling this query for JIT took longer than running it (3.7 s on 200,000 rows).
    cursor.execute("SET jit = off")
    cursor.execute(
        f"""
        CREATE TEMP TABLE dtks_row AS
        WITH t AS MATERIALIZED (
            SELECT line, {", ".join(f"{text(name)} AS {name}" for name in names)}
            FROM dtks_staging
        ), d AS MATERIALIZED (
            SELECT t.*,
                CASE WHEN region_code ~ '^[0-9]{{10}}$'
                     THEN substr(region_code, 1, 2) || '.' || substr(region_code, 3, 2) || '.'
                          || substr(region_code, 5, 2) || '.' || substr(region_code, 7)
                     ELSE region_code END AS region,
                CASE WHEN birth_date ~ '^[0-9]{{2}}[-/][0-9]{{2}}[-/][0-9]{{4}}$'
                          AND substr(birth_date, 3, 1) = substr(birth_date, 6, 1)
                     THEN substr(birth_date, 7, 4) || substr(birth_date, 4, 2)
                          || substr(birth_date, 1, 2)
                     WHEN birth_date ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'
                     THEN replace(birth_date, '-', '') END AS ymd,
                {NORMALIZE_NAME_SQL % "name"} AS name_normalized
            FROM t
        ), e AS MATERIALIZED (
            SELECT d.*,
                substr(ymd, 1, 4)::int AS y, substr(ymd, 5, 2)::int AS m,
                substr(ymd, 7, 2)::int AS dd
            FROM d
        ), f AS MATERIALIZED (
            SELECT e.*,
                CASE WHEN y BETWEEN 1890 AND 9999 AND m BETWEEN 1 AND 12 AND dd >= 1
                          AND dd <= CASE WHEN m IN (4, 6, 9, 11) THEN 30
                                         WHEN m <> 2 THEN 31
                                         WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0)
                                         THEN 29 ELSE 28 END
                     THEN make_date(y, m, dd) END AS born,
                CASE WHEN sex IN ('1', 'L', 'l', 'M', 'm') THEN 'M'
                     WHEN sex IN ('2', 'P', 'p', 'F', 'f') THEN 'F' END AS sex_code
            FROM e
        )
        SELECT line, dtks_id, nullif(kk_number, '') AS kk_number, region AS region_id,
            address, rt, rw,
            {smallint("desil")} AS desil,
            {", ".join(f"{smallint(name)} AS {name}" for name in dtks.CODED)},
            CASE WHEN floor_area ~ '^[0-9]{{1,5}}([.,][0-9]{{1,2}})?$'
                 THEN replace(floor_area, ',', '.')::numeric(7, 2) END AS floor_area,
            CASE WHEN monthly_income ~ '^[0-9]{{1,13}}([.,][0-9]{{1,2}})?$'
                 THEN trunc(replace(monthly_income, ',', '.')::numeric)::bigint
                 END AS monthly_income,
            {", ".join(f"lower({name}) IN ({yes}) AS {name}" for name in dtks.ASSETS)},
            nullif(nik, '') AS nik, name, name_normalized, sex_code AS sex, born AS birth_date,
            birth_place,
            CASE WHEN relationship ~ '^[1-8]$' THEN (ARRAY[{_literal(RELATIONSHIPS)}])
                 [relationship::int] END AS relationship,
            {smallint("disability", "0")} AS disability,
            {smallint("chronic_illness", "0")} AS chronic_illness,
            (
                dtks_id <> '' AND length(dtks_id) <= 40
                AND (kk_number = '' OR (
                    kk_number ~ '^[0-9]{{16}}$' AND substr(kk_number, 1, 2) IN ({provinces})
                    AND substr(kk_number, 3, 2) <> '00' AND substr(kk_number, 5, 2) <> '00'
                    AND substr(kk_number, 13) <> '0000'))
                AND EXISTS (SELECT FROM {Region._meta.db_table} r
                            WHERE r.code = region AND r.level = {Region.Level.VILLAGE})
                AND {_within("region", area)}
                AND sex_code IS NOT NULL
                AND born IS NOT NULL AND born <= '{today.isoformat()}'::date
                AND relationship ~ '^[1-8]$'
                AND length(name) <= 150 AND name_normalized <> ''
                AND length(birth_place) <= 100 AND length(address) <= 255
                AND length(rt) <= 3 AND length(rw) <= 3
                AND {coded("desil", range(1, 11))}
                AND {" AND ".join(coded(name, household_codes[name]) for name in dtks.CODED)}
                AND {coded("disability", Disability.values)}
                AND {coded("chronic_illness", ChronicIllness.values)}
                AND CASE WHEN floor_area = '' THEN true
                         WHEN floor_area ~ '^[0-9]{{1,5}}([.,][0-9]{{1,2}})?$'
                         THEN replace(floor_area, ',', '.')::numeric >= 1 ELSE false END
                AND CASE WHEN monthly_income = '' THEN true
                         WHEN monthly_income ~ '^[0-9]{{1,13}}([.,][0-9]{{1,2}})?$'
                         THEN replace(monthly_income, ',', '.')::numeric <= {dtks.INCOME_MAX}
                         ELSE false END
                AND {" AND ".join(f"lower({name}) IN ({yes}, {no})" for name in dtks.ASSETS)}
                AND CASE WHEN nik = '' THEN true
                         WHEN nik ~ '^[0-9]{{16}}$' AND born IS NOT NULL
                              AND sex_code IS NOT NULL
                         THEN substr(nik, 1, 2) IN ({provinces})
                              AND substr(nik, 3, 2) <> '00' AND substr(nik, 5, 2) <> '00'
                              AND substr(nik, 13) <> '0000'
                              AND substr(nik, 7, 6)
                                  = lpad((extract(day FROM born)::int
                                          + CASE WHEN sex_code = 'F' THEN 40 ELSE 0 END)::text,
                                         2, '0') || to_char(born, 'MMYY')
                         ELSE false END
            ) AS clean
        FROM f
        """
    )
    # Plans below join the registry's tables to these: their statistics must be fresh (a
    # stale count of heads once made each batch scan all of them, 0.13 s a batch).
    cursor.execute(f"ANALYZE {Household._meta.db_table}, {Person._meta.db_table}")
    for column in ("dtks_id", "nik", "kk_number"):
        cursor.execute(f"CREATE INDEX ON dtks_row ({column})")
    cursor.execute("ANALYZE dtks_row")
    household = ["kk_number", "region_id", "address", "rt", "rw", "desil", *dtks.CODED,
                 "floor_area", "monthly_income", *dtks.ASSETS]  # fmt: skip
    cursor.execute(
        f"""
        CREATE TEMP TABLE dtks_home AS
        SELECT row_number() OVER (ORDER BY first.line) AS home, first.dtks_id,
            {", ".join(f"first.{name}" for name in household)},
            NULL::bigint AS household_id
        FROM (
            SELECT dtks_id, min(line) AS line FROM dtks_row GROUP BY dtks_id
            HAVING bool_and(clean) AND max(line) - min(line) + 1 = count(*)
               AND count(*) FILTER (WHERE relationship = '{HEADS}') = 1
               AND count(DISTINCT coalesce(kk_number, '')) = 1
        ) AS home JOIN dtks_row first USING (line)
        WHERE NOT EXISTS (  -- a NIK given twice in the file
            SELECT FROM dtks_row r JOIN dtks_row other ON other.nik = r.nik
            WHERE r.dtks_id = home.dtks_id AND other.line <> r.line)
        AND NOT EXISTS (  -- a KK number of two registry IDs in the file
            SELECT FROM dtks_row other
            WHERE other.kk_number = first.kk_number AND other.dtks_id <> home.dtks_id)
        AND NOT EXISTS (  -- two members without NIK whom a name and a birth date can't tell apart
            SELECT FROM dtks_row r WHERE r.dtks_id = home.dtks_id AND r.nik IS NULL
            GROUP BY r.name_normalized, r.birth_date HAVING count(*) > 1)
        """
    )
    households = Household._meta.db_table
    cursor.execute("CREATE UNIQUE INDEX ON dtks_home (dtks_id)")
    cursor.execute(
        f"UPDATE dtks_home m SET household_id = h.id FROM {households} h "
        "WHERE h.dtks_id = m.dtks_id"
    )
    # The registry's KK number names another household than the registry ID: Python says why.
    cursor.execute(
        f"""DELETE FROM dtks_home m USING {households} h
        WHERE h.kk_number = m.kk_number AND (h.id <> m.household_id
              OR (m.household_id IS NULL AND h.dtks_id IS NOT NULL))"""
    )
    cursor.execute(
        f"UPDATE dtks_home m SET household_id = h.id FROM {households} h "
        "WHERE m.household_id IS NULL AND h.kk_number = m.kk_number"
    )
    if area:  # a household registered elsewhere, or a NIK of a person elsewhere: Python refuses
        cursor.execute(
            f"""DELETE FROM dtks_home m USING {households} h WHERE h.id = m.household_id
            AND NOT {_within("h.region_id", area)}"""
        )
        cursor.execute(
            f"""DELETE FROM dtks_home m WHERE EXISTS (
                SELECT FROM dtks_row r JOIN {Person._meta.db_table} x ON x.nik = r.nik
                JOIN {households} h ON h.id = x.household_id
                WHERE r.dtks_id = m.dtks_id AND NOT {_within("h.region_id", area)})"""
        )
    cursor.execute("CREATE UNIQUE INDEX ON dtks_home (home)")
    cursor.execute(
        """
        CREATE TEMP TABLE dtks_person AS
        SELECT r.line, m.home, r.nik, r.name, r.name_normalized, r.sex, r.birth_date,
            r.birth_place, r.relationship, r.disability, r.chronic_illness,
            NULL::bigint AS person_id, false AS moved
        FROM dtks_row r JOIN dtks_home m USING (dtks_id)
        """
    )
    persons = Person._meta.db_table
    cursor.execute(
        f"""UPDATE dtks_person p SET person_id = x.id,
            moved = x.household_id IS DISTINCT FROM m.household_id
        FROM {persons} x, dtks_home m WHERE x.nik = p.nik AND m.home = p.home"""
    )
    cursor.execute(
        f"""UPDATE dtks_person p SET person_id = x.id FROM dtks_home m, {persons} x
        WHERE p.person_id IS NULL AND m.home = p.home AND x.household_id = m.household_id
          AND x.nik IS NULL AND x.name_normalized = p.name_normalized
          AND x.birth_date = p.birth_date"""
    )
    cursor.execute("CREATE INDEX ON dtks_person (home)")
    cursor.execute("CREATE UNIQUE INDEX ON dtks_person (line)")
    cursor.execute("ANALYZE dtks_home")
    cursor.execute("ANALYZE dtks_person")
    cursor.execute("RESET jit")


# --- 3. writing ---

HOUSEHOLD_COLUMNS = ["dtks_id", "kk_number", "region_id", "address", "rt", "rw", "desil",
                     *dtks.CODED, "floor_area", "monthly_income", *dtks.ASSETS]  # fmt: skip
PERSON_COLUMNS = ["nik", "name", "name_normalized", "sex", "birth_date", "birth_place",
                  "relationship", "disability", "chronic_illness"]  # fmt: skip


def _write(cursor, first: int, last: int, result: ImportResult, today: datetime.date) -> int:
    """Upsert the households numbered `first` to `last` and their members, in one
    transaction; return the number of rows. A household's head changes last, so that it
    never has two."""
    households, persons = Household._meta.db_table, Person._meta.db_table
    batch = [first, last]
    with transaction.atomic():
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(
            f"""
            UPDATE {households} h SET
                {", ".join(f"{name} = m.{name}" for name in HOUSEHOLD_COLUMNS)},
                desil_source = CASE WHEN h.desil IS NOT DISTINCT FROM m.desil
                                    THEN h.desil_source WHEN m.desil IS NULL THEN ''
                                    ELSE 'DTKS' END,
                desil_date = CASE WHEN h.desil IS NOT DISTINCT FROM m.desil THEN h.desil_date
                                  WHEN m.desil IS NULL THEN NULL ELSE %s::date END,
                updated_at = now()
            FROM dtks_home m
            WHERE m.home BETWEEN %s AND %s AND h.id = m.household_id
              AND ({", ".join(f"h.{name}" for name in HOUSEHOLD_COLUMNS)})
                  IS DISTINCT FROM ({", ".join(f"m.{name}" for name in HOUSEHOLD_COLUMNS)})
            """,
            [today, *batch],
        )
        updated = cursor.rowcount
        cursor.execute(
            f"""
            WITH new AS (
                INSERT INTO {households} ({", ".join(HOUSEHOLD_COLUMNS)}, desil_source,
                                          desil_date, created_at, updated_at)
                SELECT {", ".join(HOUSEHOLD_COLUMNS)},
                    CASE WHEN desil IS NULL THEN '' ELSE 'DTKS' END,
                    CASE WHEN desil IS NULL THEN NULL ELSE %s::date END, now(), now()
                FROM dtks_home WHERE home BETWEEN %s AND %s AND household_id IS NULL
                ORDER BY home
                RETURNING id, dtks_id
            )
            UPDATE dtks_home m SET household_id = new.id FROM new WHERE m.dtks_id = new.dtks_id
            """,
            [today, *batch],
        )
        created = cursor.rowcount
        homes = _scalar(cursor, "SELECT count(*) FROM dtks_home WHERE home BETWEEN %s AND %s",
                        batch)  # fmt: skip
        result.households_created += created
        result.households_updated += updated
        result.households_unchanged += homes - created - updated

        # Whoever heads these households and is not the file's head there steps down first.
        cursor.execute(
            f"""
            UPDATE {persons} x SET relationship = '{Relationship.OTHER.value}', updated_at = now()
            FROM dtks_home m
            WHERE m.home BETWEEN %s AND %s AND x.household_id = m.household_id
              AND x.relationship = '{HEADS}'
              AND NOT EXISTS (SELECT FROM dtks_person p WHERE p.home = m.home
                              AND p.person_id = x.id AND p.relationship = '{HEADS}')
            """,
            batch,
        )
        cursor.execute(
            f"""
            UPDATE {persons} x SET household_id = m.household_id,
                {", ".join(f"{name} = p.{name}" for name in PERSON_COLUMNS)},
                updated_at = now()
            FROM dtks_person p JOIN dtks_home m USING (home)
            WHERE p.home BETWEEN %s AND %s AND x.id = p.person_id
              AND (x.household_id, {", ".join(f"x.{name}" for name in PERSON_COLUMNS)})
                  IS DISTINCT FROM (m.household_id,
                                    {", ".join(f"p.{name}" for name in PERSON_COLUMNS)})
            """,
            batch,
        )
        persons_updated = cursor.rowcount
        history = Person.history.model._meta.db_table
        kept = [f.column for f in Person._meta.concrete_fields]
        cursor.execute(
            f"""
            INSERT INTO {history} ({", ".join(kept)}, history_date, history_change_reason,
                                   history_type)
            SELECT {", ".join(f"x.{column}" for column in kept)}, now(), %s, '~'
            FROM {persons} x JOIN dtks_person p ON p.person_id = x.id
            WHERE p.home BETWEEN %s AND %s AND p.moved
            """,
            [str(dtks.MOVED_REASON), *batch],
        )
        cursor.execute(
            f"""
            INSERT INTO {persons} (household_id, {", ".join(PERSON_COLUMNS)}, marital_status,
                schooling, school_participation, occupation, is_pregnant, created_at,
                updated_at)
            SELECT m.household_id, {", ".join(f"p.{name}" for name in PERSON_COLUMNS)},
                '', '', '', '', false, now(), now()
            FROM dtks_person p JOIN dtks_home m USING (home)
            WHERE p.home BETWEEN %s AND %s AND p.person_id IS NULL
            ORDER BY p.line
            """,
            batch,
        )
        persons_created = cursor.rowcount
        members = _scalar(cursor, "SELECT count(*) FROM dtks_person WHERE home BETWEEN %s AND %s",
                          batch)  # fmt: skip
        result.persons_created += persons_created
        result.persons_updated += persons_updated
        result.persons_unchanged += members - persons_created - persons_updated
    return members
