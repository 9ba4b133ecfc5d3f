"""The set-based path, on PostgreSQL: the file goes into a staging table through `COPY`, and
the households whose rows all pass the checks are written with set-based SQL. Its SQL is
generated from `extract.COLUMNS` (one SQL reader per kind of column, as `rowwise` has one
Python reader per kind) and from the models' fields (their columns and defaults).

1. **Stage.** The file's bytes are streamed into an unlogged table of text columns of its
   own (parallel workers can scan it, not a temporary one), in the header's order, each
   row numbered by its line. A file PostgreSQL's CSV reader refuses
   (uneven rows, blank lines, stray quotes) is staged again through Python's CSV reader,
   which is what the row-by-row path reads with.
2. **Check.** One query types every row and checks it with the readers' rules and those of
   `household_rule_errors`, written in SQL (NIK and KK structure from `identity`, NIK
   against birth date and sex, codes, dates, numbers, lengths, one head). A household is
   written here when all its rows pass, its rows are consecutive, no NIK or KK of it is
   claimed by another household of the file, and the registry's own households agree with
   its registry ID and KK number. The SQL is stricter than Python (it takes `01-02-1990`,
   not `1-2-1990`). Households whose writing would change nothing are counted unchanged.
3. **Write.** Households and persons are upserted a batch of households at a time, one
   transaction each, by the rules of the row-by-row path: households matched by registry
   ID, else KK; people by NIK, else by name and birth date in their household; unchanged
   rows are not written. Into an empty registry, all in one transaction, with the indexes
   built after (`_write_first_load`).
4. **The rest** — the households a check did not pass — go through the row-by-row path,
   which refuses their faulty rows with a message by line and column and loads the others.
   Messages are written in one place only: Python's.
"""

import csv
import datetime
import functools
import io
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

import psycopg
from django.db import DatabaseError, connection, transaction

from households.identity import kk_number_sql, nik_for_person_sql
from households.models import Household, Person
from households.names import NORMALIZE_NAME_SQL
from households.registry_codes import Relationship
from households.registry_import.extract import (
    COLUMNS,
    DESIL_SOURCE,
    HOUSEHOLD_FIELDS,
    KEY,
    NO,
    PERSON,
    PERSON_DERIVED,
    PERSON_FIELDS,
    SEX,
    YES,
    Column,
    Kind,
    read_header,
    readable_rows,
)
from households.registry_import.result import MOVED_REASON, ImportResult, RowError
from households.registry_import.rowwise import import_row_by_row
from households.registry_import.watchers import Sightings
from households.rules import EARLIEST_BIRTH_DATE, NEIGHBOURHOOD_DIGITS
from regions.models import Region, within_sql
from regions.time_zones import local_date_in

COPY_CHUNK = 1 << 20  # bytes per write into COPY
PYTHON_ROWS = 5000  # rows per query when reading back the households Python checks
LOCK_KEY = 0x534C5254  # one import at a time (pg_advisory_xact_lock)
# What Python's str.strip() removes, so that both paths see the same values.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
HEADS = Relationship.HEAD.value
RELATIONSHIPS = list(Relationship)
STAGING_TABLES = "dtks_row, dtks_home, dtks_person"  # temporary: the session's own
# Parallel workers of the check query, beside the backend itself (which takes part).
CHECK_WORKERS = max((os.cpu_count() or 1) - 1, 1)


def import_set_based(
    handle: IO[bytes],
    *,
    area: str | None = None,
    batch_households: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
    watch: Sightings | None = None,
) -> ImportResult:
    """Load an extract (opened in binary) on PostgreSQL; return the counts. With `area`,
    households outside that region, and those naming a registry ID, KK number or NIK of a
    record outside it, are left to Python, which refuses those rows. What `watch` watches
    is noted from the staged rows (`_note_sightings`)."""
    result = ImportResult(on_error=on_error)
    # The file's table is not temporary, so that parallel workers can scan it (they cannot
    # read a session's temporary tables): unlogged, named for this import alone, dropped
    # at the end whatever happens (but a process killed mid-import leaves its
    # `dtks_staging_…` behind, as a temporary table would not; dropping one is safe).
    staging = f"dtks_staging_{uuid.uuid4().hex}"
    with connection.cursor() as cursor:
        try:
            return _import(cursor, handle, staging, area, batch_households, progress, result, watch)
        finally:
            _drop(cursor, f"{staging}, {STAGING_TABLES}")


def _drop(cursor, tables: str) -> None:
    try:
        cursor.execute(f"DROP TABLE IF EXISTS {tables}")
    except DatabaseError:
        if not connection.in_atomic_block:
            raise
        # The caller's transaction failed: rolling it back removes the tables made in it.


def _import(
    cursor,
    handle: IO[bytes],
    staging: str,
    area: str | None,
    batch_households: int,
    progress: Callable[[ImportResult], None] | None,
    result: ImportResult,
    watch: Sightings | None = None,
) -> ImportResult:
    """`import_set_based`, the file staged in the table `staging`."""
    today = local_date_in(area)
    with result.clock("staging"):
        header = _stage(cursor, handle, staging)
        result.rows = result.total = _scalar(cursor, f"SELECT count(*) FROM {staging}")
    if progress is not None:
        progress(result)
    with result.clock("checks"):
        _check(cursor, staging, header, today, area, result)
        if watch is not None:
            with result.clock("sightings", of_checks=True):
                _note_sightings(cursor, area, watch)
        with result.clock("counts", of_checks=True):
            homes = _scalar(cursor, "SELECT coalesce(max(turn), 0) FROM dtks_home")
            cursor.execute(
                "SELECT count(DISTINCT m.home), count(p.line) FROM dtks_home m "
                "JOIN dtks_person p USING (home) WHERE m.turn IS NULL"
            )
            unchanged, members = cursor.fetchone()
        result.households_unchanged += unchanged
        result.persons_unchanged += members
        result.done += members
    batch = max(batch_households, 1)
    with result.clock("writing"):
        if not (homes and _write_first_load(cursor, homes, result, today)):
            for first in range(1, homes + 1, batch):
                result.done += _write(cursor, first, first + batch - 1, result, today)
                if progress is not None:
                    progress(result)
    with result.clock("one by one"):
        rest = import_row_by_row(
            _rows_left(staging, header),
            area=area,
            batch_households=batch,
            on_error=result.on_error,
            progress=None if progress is None else lambda part: progress(result.plus(part)),
        )
    result = result.plus(rest)
    if progress is not None:
        progress(result)
    return result


def _scalar(cursor, sql: str, params=()) -> int:
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


# --- 1. staging ---


def _stage(cursor, handle: IO[bytes], staging: str) -> list[str]:
    """COPY the file into `staging (line, c0 … cN)`; return the header's column names."""
    delimiter, header = read_header(handle.readline().decode("utf-8-sig"))
    columns = ", ".join(f"c{index}" for index in range(len(header)))
    _drop(cursor, STAGING_TABLES)
    cursor.execute(
        f"CREATE UNLOGGED TABLE {staging} (line bigint GENERATED BY DEFAULT AS IDENTITY "
        f"(START 2) PRIMARY KEY, {', '.join(f'c{i} text' for i in range(len(header)))})"
    )
    start = handle.tell()
    options = f"FORMAT csv, DELIMITER '{delimiter}', ENCODING 'UTF8'"
    sql = f"COPY {staging} ({columns}) FROM STDIN ({options})"
    try:
        with transaction.atomic(), cursor.copy(sql) as copy:
            while chunk := handle.read(COPY_CHUNK):
                copy.write(chunk)
        return header
    except psycopg.DataError:  # uneven rows, blank lines, quotes or bytes COPY refuses
        pass
    # PostgreSQL's CSV reader refused the file's shape: read it as the row-by-row path does.
    handle.seek(start)
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    with cursor.copy(f"COPY {staging} (line, {columns}) FROM STDIN") as copy:
        rows = readable_rows(csv.reader(text, delimiter=delimiter), first_line=2)
        for line, cells in enumerate(rows, start=2):
            if any(cell.strip() for cell in cells):
                cells = (cells + [""] * len(header))[: len(header)]
                copy.write_row([line, *(cell.replace("\x00", "") for cell in cells)])
    text.detach()
    return header


def _rows_left(staging: str, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The staged rows of the households the checks left to Python, in the file's order."""
    names = [f"coalesce(s.c{index}, '')" for index in range(len(header))]
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.line, {', '.join(names)} FROM {staging} s "
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


# --- 2. checks: one SQL reader per kind of column ---


def _literal(values) -> str:
    """A SQL list of text literals from trusted values (codes, never the file's)."""
    return ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)


def _within(column: str, area: str | None) -> str:
    """SQL: the region code in `column` is `area` or lies below it."""
    return within_sql(column, area) if area else "true"


@dataclass
class _ColumnSql:
    """A column's SQL, step by step: expressions added to the trimmed text (`derived`, each
    step able to use the ones before), its typed value, and the condition it is clean."""

    value: str
    clean: str
    derived: tuple[list[str], ...] = ((), (), ())


def _person_column(kind: str) -> Column:
    return next(c for c in COLUMNS if c.kind == kind and c.of == PERSON)


def _code(name: str, choices, default) -> str:
    """SQL: the code `name` gives, else `default` (only a clean row's value is written)."""
    default = "NULL" if default is None else int(default)
    return f"CASE WHEN {name} IN ({_literal(choices)}) THEN {name}::smallint ELSE {default} END"


def _number_pattern(column: Column) -> str:
    digits = len(str(int(column.high)))
    return f"'^[0-9]{{1,{digits}}}([.,][0-9]{{1,2}})?$'"


def _column_sql(column: Column, area: str | None, today: datetime.date) -> _ColumnSql:
    """The SQL reader of `column`'s kind: what `rowwise.READERS` reads, in SQL."""
    n, kind = column.name, column.kind
    if kind == Kind.KEY:
        return _ColumnSql(n, f"{n} <> '' AND length({n}) <= {column.limit}")
    if kind == Kind.TEXT:
        return _ColumnSql(n, f"length({n}) <= {column.limit}")
    if kind == Kind.NEIGHBOURHOOD:
        # `households.rules.neighbourhood_number`: one to three digits, kept as three.
        digits = NEIGHBOURHOOD_DIGITS
        return _ColumnSql(f"CASE WHEN {n} = '' THEN '' ELSE lpad({n}, {digits}, '0') END",
                          f"{n} ~ '^[0-9]{{0,{digits}}}$'")  # fmt: skip
    if kind == Kind.KK:
        return _ColumnSql(f"nullif({n}, '')", kk_number_sql(n))
    if kind == Kind.REGION:
        code = (
            f"CASE WHEN {n} ~ '^[0-9]{{10}}$' THEN substr({n}, 1, 2) || '.' || substr({n}, 3, 2)"
            f" || '.' || substr({n}, 5, 2) || '.' || substr({n}, 7) ELSE {n} END AS {n}__code"
        )
        village = (
            f"EXISTS (SELECT FROM {Region._meta.db_table} r WHERE r.code = {n}__code"
            f" AND r.level = {Region.Level.VILLAGE})"
        )
        return _ColumnSql(f"{n}__code", f"{village} AND {_within(f'{n}__code', area)}",
                          ([code], [], []))  # fmt: skip
    if kind == Kind.NIK:
        date = _person_column(Kind.DATE).name
        # The birth date's digits, once it is known to be a date (NULL otherwise).
        ymd = f"CASE WHEN {date}__born IS NOT NULL THEN {date}__ymd END"
        sex = f"{_person_column(Kind.SEX).name}__code"
        return _ColumnSql(f"nullif({n}, '')", nik_for_person_sql(n, birth_ymd=ymd, sex=sex))
    if kind == Kind.SEX:
        men = _literal(sorted(code for code, sex in _sex_codes() if sex == "M"))
        women = _literal(sorted(code for code, sex in _sex_codes() if sex == "F"))
        code = f"CASE WHEN {n} IN ({men}) THEN 'M' WHEN {n} IN ({women}) THEN 'F' END AS {n}__code"
        return _ColumnSql(f"{n}__code", f"{n}__code IS NOT NULL", ([], [], [code]))
    if kind == Kind.DATE:
        ymd = (
            f"CASE WHEN {n} ~ '^[0-9]{{2}}[-/][0-9]{{2}}[-/][0-9]{{4}}$'"
            f" AND substr({n}, 3, 1) = substr({n}, 6, 1)"
            f" THEN substr({n}, 7, 4) || substr({n}, 4, 2) || substr({n}, 1, 2)"
            f" WHEN {n} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN replace({n}, '-', '')"
            f" END AS {n}__ymd"
        )
        y, m, d = f"{n}__y", f"{n}__m", f"{n}__d"
        parts = [f"substr({n}__ymd, 1, 4)::int AS {y}", f"substr({n}__ymd, 5, 2)::int AS {m}",
                 f"substr({n}__ymd, 7, 2)::int AS {d}"]  # fmt: skip
        born = (
            f"CASE WHEN {y} BETWEEN {EARLIEST_BIRTH_DATE.year} AND 9999 AND {m} BETWEEN 1 AND 12"
            f" AND {d} >= 1 AND {d} <= CASE WHEN {m} IN (4, 6, 9, 11) THEN 30"
            f" WHEN {m} <> 2 THEN 31 WHEN {y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0)"
            f" THEN 29 ELSE 28 END THEN make_date({y}, {m}, {d}) END AS {n}__born"
        )
        # The rules' "in the past" (household_rule_errors), for a birth date.
        clean = f"{n}__born IS NOT NULL AND {n}__born <= '{today.isoformat()}'::date"
        return _ColumnSql(f"{n}__born", clean, ([ymd], parts, [born]))
    if kind == Kind.RELATIONSHIP:
        codes = _literal(range(1, len(RELATIONSHIPS) + 1))
        value = (f"CASE WHEN {n} IN ({codes}) THEN (ARRAY[{_literal(RELATIONSHIPS)}])"
                 f"[{n}::int] END")  # fmt: skip
        return _ColumnSql(value, f"{n} IN ({codes})")
    if kind == Kind.CODE:
        return _ColumnSql(_code(n, column.choices, column.default),
                          f"({n} = '' OR {n} IN ({_literal(column.choices)}))")  # fmt: skip
    if kind in (Kind.DECIMAL, Kind.RUPIAH):
        pattern = _number_pattern(column)
        number = f"replace({n}, ',', '.')::numeric"
        if kind == Kind.DECIMAL:
            field = column.model_field
            value = (f"CASE WHEN {n} ~ {pattern} THEN replace({n}, ',', '.')"
                     f"::numeric({field.max_digits}, {field.decimal_places}) END")  # fmt: skip
        else:
            value = f"CASE WHEN {n} ~ {pattern} THEN trunc({number})::bigint END"
        clean = (f"CASE WHEN {n} = '' THEN true WHEN {n} ~ {pattern} THEN {number}"
                 f" BETWEEN {column.low} AND {column.high} ELSE false END")  # fmt: skip
        return _ColumnSql(value, clean)
    if kind == Kind.FLAG:
        # Most cells are 1, 0 or empty (in YES and NO): said without lower().
        yes, no = _literal(sorted(YES)), _literal(sorted(NO))
        value = (f"CASE WHEN {n} = '1' THEN true WHEN {n} IN ('0', '') THEN false"
                 f" ELSE lower({n}) IN ({yes}) END")  # fmt: skip
        return _ColumnSql(value, f"({n} IN ('0', '1', '') OR lower({n}) IN ({yes}, {no}))")
    raise ValueError(f"no SQL reader for the kind {kind!r}")


def _sex_codes():
    for code, sex in SEX.items():
        yield from ((code, sex), (code.lower(), sex))


def _check(
    cursor,
    staging: str,
    header: list[str],
    today: datetime.date,
    area: str | None,
    result: ImportResult,
) -> None:
    """Type and check every staged row (`dtks_row`), then decide which households SQL
    writes (`dtks_home`, numbered `home` in file order, and their `dtks_person` rows). The
    time of each statement goes into `result.check_seconds`, by what it decides."""
    step = functools.partial(result.clock, of_checks=True)
    where = {name: f"c{index}" for index, name in enumerate(header)}  # the last one wins
    strip = "'" + WHITESPACE.replace("'", "''") + "'"

    def text(name: str) -> str:
        """The cell as Python's str.strip() leaves it. Trimmed only when its first or last
        character may be a space (below `!` or past ASCII): btrim with the whole set of
        Unicode spaces cost more than every other check of the row."""
        if name not in where:
            return "''"
        cell = where[name]
        ends = [f"ascii({cell}) > 127", f"ascii(right({cell}, 1)) > 127",
                f"ascii({cell}) < 33", f"ascii(right({cell}, 1)) < 33"]  # fmt: skip
        return (f"CASE WHEN {' OR '.join(ends)} THEN btrim({cell}, {strip})"
                f" ELSE coalesce({cell}, '') END")  # fmt: skip

    readers = {column.name: _column_sql(column, area, today) for column in COLUMNS}
    steps = [[expression for sql in readers.values() for expression in sql.derived[step]]
             for step in range(3)]  # fmt: skip
    name = _person_column(Kind.TEXT).name  # the person's name, normalised for matching
    steps[0].append(f"{NORMALIZE_NAME_SQL % name} AS name_normalized")
    values = [f"{sql.value} AS {column.target}" for column, sql in
              zip(COLUMNS, readers.values(), strict=True)]  # fmt: skip
    clean = [f"({sql.clean})" for sql in readers.values()]
    clean.append("name_normalized <> ''")  # the rules' "a name with letters"
    # Each step a subquery of its own, kept from being folded into the next by a function
    # returning one row (`generate_series(1, 1)`): folded, the nested ones (the birth date
    # from its parts from the trimmed text) were expanded a dozen times a row. Unlike
    # materialised common table expressions (or OFFSET 0), such subqueries can be run by
    # parallel workers. Compiling this query for JIT took longer than running it.
    cursor.execute("SET jit = off")
    cursor.execute(f"SET max_parallel_workers_per_gather = {CHECK_WORKERS}")
    with step("check query"):
        cursor.execute(
            f"""
        CREATE TEMP TABLE dtks_row AS
        SELECT line, {", ".join(values)}, name_normalized,
            ({" AND ".join(clean)}) AS clean
        FROM (SELECT e.*, {", ".join(steps[2])}, generate_series(1, 1) AS once_f FROM (
              SELECT d.*, {", ".join(steps[1])}, generate_series(1, 1) AS once_e FROM (
              SELECT t.*, {", ".join(steps[0])}, generate_series(1, 1) AS once_d FROM (
              SELECT line, {", ".join(f"{text(c.name)} AS {c.name}" for c in COLUMNS)},
                  generate_series(1, 1) AS once_t
              FROM {staging}) AS t) AS d) AS e) AS f
        """
        )
    cursor.execute("RESET max_parallel_workers_per_gather")
    # Plans below join the registry's tables to these: their statistics must be fresh (a
    # stale count of heads once made each batch scan all of them, 0.13 s a batch).
    with step("statistics and staging indexes"):
        cursor.execute(
            f"ANALYZE {Household._meta.db_table} (id, dtks_id, kk_number, region_id), "
            f"{Person._meta.db_table} (id, nik, household_id, relationship, name_normalized)"
        )
        for column in ("dtks_id", "nik", "kk_number"):
            cursor.execute(f"CREATE INDEX ON dtks_row ({column})")
        cursor.execute("ANALYZE dtks_row (line, dtks_id, nik, kk_number)")  # what plans join on
    with step("households kept"):
        _keep_households(cursor)
    with step("registry matches"):
        _match_households(cursor, area)
    with step("persons matched by NIK"):
        _match_persons(cursor)
    with step("statistics and staging indexes"):
        cursor.execute("CREATE INDEX ON dtks_person (home)")
        cursor.execute("CREATE UNIQUE INDEX ON dtks_person (line)")
        cursor.execute("ANALYZE dtks_home (home, dtks_id, household_id)")
        cursor.execute("ANALYZE dtks_person (line, home, person_id)")
    with step("unchanged households"):
        _number_the_changed(cursor)
    cursor.execute("RESET jit")


def _keep_households(cursor) -> None:
    """`dtks_home`: the households whose rows all pass, are consecutive and have one head,
    and whose NIKs and KK number no other household of the file claims."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE dtks_home AS
        WITH twice AS MATERIALIZED (  -- households of a NIK given twice in the file
            SELECT DISTINCT dtks_id FROM dtks_row WHERE nik IN (
                SELECT nik FROM dtks_row WHERE nik IS NOT NULL GROUP BY nik HAVING count(*) > 1)
        ), shared AS MATERIALIZED (  -- KK numbers of two registry IDs in the file
            SELECT kk_number FROM dtks_row WHERE kk_number IS NOT NULL
            GROUP BY kk_number HAVING min(dtks_id) <> max(dtks_id)
        ), alike AS MATERIALIZED (  -- two members without NIK whom a name and a birth date
            SELECT DISTINCT dtks_id FROM dtks_row WHERE nik IS NULL  -- can't tell apart
            GROUP BY dtks_id, name_normalized, birth_date HAVING count(*) > 1
        )
        SELECT row_number() OVER (ORDER BY first.line) AS home, first.dtks_id,
            {", ".join(f"first.{name}" for name in HOUSEHOLD_FIELDS)},
            NULL::bigint AS household_id
        FROM (
            SELECT dtks_id, min(line) AS line FROM dtks_row GROUP BY dtks_id
            HAVING bool_and(clean) AND max(line) - min(line) + 1 = count(*)
               AND count(*) FILTER (WHERE relationship = '{HEADS}') = 1
               AND min(coalesce(kk_number, '')) = max(coalesce(kk_number, ''))
        ) AS home JOIN dtks_row first USING (line)
        WHERE NOT EXISTS (SELECT FROM twice t WHERE t.dtks_id = home.dtks_id)
          AND NOT EXISTS (SELECT FROM shared k WHERE k.kk_number = first.kk_number)
          AND NOT EXISTS (SELECT FROM alike a WHERE a.dtks_id = home.dtks_id)
        """
    )
    cursor.execute("CREATE UNIQUE INDEX ON dtks_home (dtks_id)")


def _match_households(cursor, area: str | None) -> None:
    """The registry's household of each kept one (by registry ID, else KK number); those
    the registry contradicts, or registered outside `area`, are left to Python."""
    households = Household._meta.db_table
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


def _match_persons(cursor) -> None:
    """`dtks_person`: the kept households' rows, each with the registry's person it is (by
    NIK, else by name and birth date in its household) and whether that one moves."""
    cursor.execute(
        f"""
        CREATE TEMP TABLE dtks_person AS
        SELECT r.line, m.home, {", ".join(f"r.{name}" for name in PERSON_COLUMNS)},
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


def _number_the_changed(cursor) -> None:
    """Number (`turn`, in file order) the households whose writing changes something; the
    others — the registry's values, every member matched and the same, no other head —
    keep `turn` NULL and are counted unchanged without a batch of their own. (A re-import
    of an unchanged file once spent its writing step running eight queries a batch that
    each wrote nothing.)"""
    households, persons = Household._meta.db_table, Person._meta.db_table
    cursor.execute("ALTER TABLE dtks_home ADD COLUMN turn bigint")
    cursor.execute(
        f"""
        UPDATE dtks_home m SET turn = c.turn FROM (
            SELECT m.home, row_number() OVER (ORDER BY m.home) AS turn
            FROM dtks_home m LEFT JOIN {households} h ON h.id = m.household_id
            WHERE h.id IS NULL
               OR ({", ".join(f"h.{name}" for name in HOUSEHOLD_COLUMNS)})
                  IS DISTINCT FROM ({", ".join(f"m.{name}" for name in HOUSEHOLD_COLUMNS)})
               OR EXISTS (
                   SELECT FROM dtks_person p LEFT JOIN {persons} x ON x.id = p.person_id
                   WHERE p.home = m.home AND (x.id IS NULL
                       OR (x.household_id, {", ".join(f"x.{name}" for name in PERSON_COLUMNS)})
                          IS DISTINCT FROM (m.household_id,
                                            {", ".join(f"p.{name}" for name in PERSON_COLUMNS)})))
               OR EXISTS (  -- a head the file does not name as the head: steps down
                   SELECT FROM {persons} x WHERE x.household_id = m.household_id
                   AND x.relationship = '{HEADS}' AND NOT EXISTS (
                       SELECT FROM dtks_person p WHERE p.home = m.home AND p.person_id = x.id
                       AND p.relationship = '{HEADS}'))
        ) AS c WHERE c.home = m.home
        """
    )
    cursor.execute("CREATE INDEX ON dtks_home (turn)")


def _note_sightings(cursor, area: str | None, watch: Sightings) -> None:
    """Note in `watch` the villages of the area the file's rows name (refused or not: the
    registry has them), and its rows naming a watched KK number or NIK, those the checks
    refuse as named only (as `rowwise` does): two queries over the typed rows, whatever
    the file's size. (`%` doubled where the query has parameters.)"""
    regions = Region._meta.db_table
    cursor.execute(
        f"""SELECT DISTINCT r.region_id FROM dtks_row r JOIN {regions} v
        ON v.code = r.region_id AND v.level = {Region.Level.VILLAGE}
        WHERE {_within("r.region_id", area)}"""
    )
    watch.seen.villages.update(code for (code,) in cursor.fetchall())
    if not (watch.kk_numbers or watch.niks):
        return
    cursor.execute(
        f"""SELECT r.kk_number, r.nik, r.desil, r.clean AND v.code IS NOT NULL
        AND {_within("r.region_id", area).replace("%", "%%")} FROM dtks_row r LEFT JOIN {regions} v
        ON v.code = r.region_id AND v.level = {Region.Level.VILLAGE}
        WHERE r.kk_number = ANY(%s) OR r.nik = ANY(%s) ORDER BY r.line""",
        [sorted(watch.kk_numbers), sorted(watch.niks)],
    )
    for kk_number, nik, desil, readable in cursor.fetchall():
        watch.saw(None, kk_number, nik, desil, readable=bool(readable))


# --- 3. writing: the models' columns, and their defaults for what the file does not set ---


def _registry_is_empty(cursor) -> bool:
    tables = [Household._meta.db_table, Person._meta.db_table]
    return not _scalar(
        cursor, "SELECT " + " OR ".join(f"EXISTS (SELECT FROM {table})" for table in tables)
    )


def _write_first_load(cursor, homes: int, result: ImportResult, today: datetime.date) -> bool:
    """Into an empty registry: write every household in one transaction, with the registry
    tables' indexes (the primary keys apart) and foreign keys dropped first and built
    after, one sort each instead of a million insertions into each. Whether it did (not
    when the registry has a household or a person).

    Safe because nobody sees the tables without them: the transaction holds the import's
    advisory lock and an ACCESS EXCLUSIVE lock on both tables from before the drop until
    its commit (a search waits, and finds the registry complete and indexed, or empty if
    anything failed: the drop is rolled back with the rows). The registry is checked
    empty under that lock, and the load is a transaction of its own (not inside a caller's).
    An empty area in a registry that has others is written batch by
    batch instead: rebuilding the whole registry's indexes would cost more, and block it."""
    if connection.in_atomic_block or not _registry_is_empty(cursor):
        return False  # inside a caller's transaction, which may hold anything: batch by batch
    households, persons = Household._meta.db_table, Person._meta.db_table
    with transaction.atomic():
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(f"LOCK TABLE {households}, {persons} IN ACCESS EXCLUSIVE MODE")
        if not _registry_is_empty(cursor):
            return False
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        dropped = _drop_indexes(cursor, [households, persons])
        result.done += _write(cursor, 1, homes, result, today)
        with result.clock("index builds"):
            for statement in dropped:
                cursor.execute(statement)
            # The planner's statistics still say empty: the searches after need the truth.
            cursor.execute(f"ANALYZE {households}, {persons}")
    return True


def _drop_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the indexes (primary keys apart), unique constraints and foreign keys of
    `tables`; return the statements that make them again, foreign keys last."""
    cursor.execute(
        """
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), i.indexrelid::regclass::text,
            pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
        WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
          AND NOT i.indisprimary
          AND NOT EXISTS (SELECT FROM pg_constraint f WHERE f.contype = 'f'
                          AND f.conindid = i.indexrelid)
        UNION ALL
        SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), NULL, NULL
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'f' AND t.relname = ANY(%s)
          AND t.relnamespace = current_schema()::regnamespace
        """,
        [tables, tables],
    )
    rows = cursor.fetchall()
    again = []
    for table, constraint, constraint_sql, index, index_sql in rows:
        if constraint:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_sql}')
        else:
            cursor.execute(f"DROP INDEX {index}")
            again.append(index_sql)
    foreign = [statement for statement in again if " FOREIGN KEY " in statement]
    return [statement for statement in again if statement not in foreign] + foreign


HOUSEHOLD_COLUMNS = [KEY.target, *HOUSEHOLD_FIELDS]
PERSON_COLUMNS = [*PERSON_FIELDS, *PERSON_DERIVED]


def _is_timestamp(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def unset_columns(model, written: list[str]) -> list[tuple[str, str, list]]:
    """(column, SQL, parameters) for each concrete field of `model` an insert does not
    write from the file: `now()` for a timestamp, else the field's own default (its
    `get_default()`, as the ORM would insert it). A new field with a default is written
    with it; one without a default and not nullable is refused here, at once."""
    unset = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in written:
            continue
        if _is_timestamp(field):
            unset.append((field.column, "now()", []))
            continue
        default = field.get_default()
        if default is None and not field.null:
            raise ValueError(f"{model.__name__}.{field.name}: no default for the import")
        unset.append((field.column, "%s", [field.get_db_prep_save(default, connection)]))
    return unset


def touched_columns(model) -> str:
    """SQL: the `auto_now` columns set to now(), for an UPDATE."""
    return ", ".join(f"{field.column} = now()" for field in model._meta.concrete_fields
                     if getattr(field, "auto_now", False))  # fmt: skip


def _insert_parts(model, written: list[str]) -> tuple[str, str, list]:
    unset = unset_columns(model, written)
    columns = ", ".join(column for column, _sql, _params in unset)
    values = ", ".join(sql for _column, sql, _params in unset)
    return columns, values, [param for _c, _s, params in unset for param in params]


def _write(cursor, first: int, last: int, result: ImportResult, today: datetime.date) -> int:
    """Upsert the households of `turn` `first` to `last` and their members, in one
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
                                    ELSE '{DESIL_SOURCE}' END,
                desil_date = CASE WHEN h.desil IS NOT DISTINCT FROM m.desil THEN h.desil_date
                                  WHEN m.desil IS NULL THEN NULL ELSE %s::date END,
                {touched_columns(Household)}
            FROM dtks_home m
            WHERE m.turn BETWEEN %s AND %s AND h.id = m.household_id
              AND ({", ".join(f"h.{name}" for name in HOUSEHOLD_COLUMNS)})
                  IS DISTINCT FROM ({", ".join(f"m.{name}" for name in HOUSEHOLD_COLUMNS)})
            """,
            [today, *batch],
        )
        updated = cursor.rowcount
        derived = ["desil_source", "desil_date"]
        columns, values, params = _insert_parts(Household, [*HOUSEHOLD_COLUMNS, *derived])
        cursor.execute(
            f"""
            WITH new AS (
                INSERT INTO {households} ({", ".join(HOUSEHOLD_COLUMNS)}, desil_source,
                                          desil_date, {columns})
                SELECT {", ".join(HOUSEHOLD_COLUMNS)},
                    CASE WHEN desil IS NULL THEN '' ELSE '{DESIL_SOURCE}' END,
                    CASE WHEN desil IS NULL THEN NULL ELSE %s::date END, {values}
                FROM dtks_home WHERE turn BETWEEN %s AND %s AND household_id IS NULL
                ORDER BY home
                RETURNING id, dtks_id
            )
            UPDATE dtks_home m SET household_id = new.id FROM new WHERE m.dtks_id = new.dtks_id
            """,
            [today, *params, *batch],
        )
        created = cursor.rowcount
        homes = _scalar(cursor, "SELECT count(*) FROM dtks_home WHERE turn BETWEEN %s AND %s",
                        batch)  # fmt: skip
        result.households_created += created
        result.households_updated += updated
        result.households_unchanged += homes - created - updated

        # Whoever heads these households and is not the file's head there steps down first.
        cursor.execute(
            f"""
            UPDATE {persons} x SET relationship = '{Relationship.OTHER.value}',
                {touched_columns(Person)}
            FROM dtks_home m
            WHERE m.turn BETWEEN %s AND %s AND x.household_id = m.household_id
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
                {touched_columns(Person)}
            FROM dtks_person p JOIN dtks_home m USING (home)
            WHERE m.turn BETWEEN %s AND %s AND x.id = p.person_id
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
            JOIN dtks_home m ON m.home = p.home
            WHERE m.turn BETWEEN %s AND %s AND p.moved
            """,
            [str(MOVED_REASON), *batch],
        )
        columns, values, params = _insert_parts(Person, ["household_id", *PERSON_COLUMNS])
        cursor.execute(
            f"""
            INSERT INTO {persons} (household_id, {", ".join(PERSON_COLUMNS)}, {columns})
            SELECT m.household_id, {", ".join(f"p.{name}" for name in PERSON_COLUMNS)},
                {values}
            FROM dtks_person p JOIN dtks_home m USING (home)
            WHERE m.turn BETWEEN %s AND %s AND p.person_id IS NULL
            ORDER BY p.line
            """,
            [*params, *batch],
        )
        persons_created = cursor.rowcount
        members = _scalar(
            cursor,
            "SELECT count(*) FROM dtks_person p JOIN dtks_home m USING (home) "
            "WHERE m.turn BETWEEN %s AND %s",
            batch,
        )
        result.persons_created += persons_created
        result.persons_updated += persons_updated
        result.persons_unchanged += members - persons_created - persons_updated
    return members
