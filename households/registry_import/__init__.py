"""Importing an extract of the national social registry (DTKS/DTSEN), one row per person.

`import_extract` is the way in (the `import_dtks` command, the supervisors' upload and its
worker): it takes the fastest path the database has. The package, from the bottom up —
each module imports only those below it (`tests/households/test_registry_import_layers.py`):

- `watchers`: who hears what an import saw (the apps the registry's answer settles);
- `result`: what an import reports (counts, refused rows by line and column, time by step);
- `extract`: the file's columns, defined once (`COLUMNS`), and reading its header and rows;
- `writer`: writing an extract from the registry (generated registries, round trips);
- `rowwise`: the row-by-row path, on any database; every message a refused row gets;
- `setwise`: the set-based path on PostgreSQL, which leaves to `rowwise` the households
  its checks do not pass;
- this module: the choice of path.
"""

import io
from collections.abc import Callable
from typing import IO

from django.db import connection

from households.registry_import.extract import (
    EXTRACT_COLUMNS,
    MissingColumns,
    UnreadableExtract,
    read_header,
    read_rows,
)
from households.registry_import.result import ImportResult, RowError
from households.registry_import.rowwise import import_row_by_row
from households.registry_import.setwise import import_set_based
from households.registry_import.watchers import (
    ImportSeen,
    Sighting,
    Sightings,
    register_import_watcher,
)
from households.registry_import.writer import write_extract
from regions.time_zones import local_date_in

__all__ = ["EXTRACT_COLUMNS", "ImportResult", "ImportSeen", "MissingColumns", "RowError",
           "Sighting", "UnreadableExtract", "import_extract", "import_row_by_row",
           "import_set_based", "read_header", "read_rows", "register_import_watcher",
           "write_extract"]  # fmt: skip


def import_extract(
    handle: IO[bytes],
    *,
    area: str | None = None,
    batch_households: int = 500,
    progress: Callable[[ImportResult], None] | None = None,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportResult:
    """Import the extract `handle` reads (binary): through `COPY` and set-based SQL on
    PostgreSQL, else a row at a time. With `area` (a region code), households elsewhere are
    refused. Raises `MissingColumns`, or `UnicodeDecodeError` for a file not in UTF-8.
    Once it has committed, the registered watchers hear what it saw (`watchers`)."""
    watch = Sightings.start(local_date_in(area))
    options = {"area": area, "batch_households": batch_households, "progress": progress,
               "on_error": on_error, "watch": watch}  # fmt: skip
    if connection.vendor == "postgresql":
        result = import_set_based(handle, **options)
    else:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            result = import_row_by_row(read_rows(text), **options)
        finally:
            text.detach()
    if watch is not None:
        watch.tell()
    return result
