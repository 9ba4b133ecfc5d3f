"""The benchmarks' throwaway database: the configured name plus `_bench`, with Kota Bima's
regions and a generated registry, dropped at the end unless kept (and then reused)."""

import io
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from households.models import Household
from programs.models import Program

REGION = "52.72"


@contextmanager
def bench_registry(*, households: int, keep: bool, catalogue: bool = False) -> Iterator[None]:
    """Inside: a database with `households` generated households of Kota Bima (and, with
    `catalogue`, the programme catalogue and its enrolments), analysed for the planner."""
    database = settings.DATABASES["default"]
    database["TEST"]["NAME"] = f"{database['NAME']}_bench"
    # No serialisation of the whole database for test rollbacks: it is large here.
    old = setup_databases(verbosity=0, interactive=False, keepdb=keep, serialized_aliases=set())
    try:
        if not Household.objects.exists():
            started = time.perf_counter()
            call_command("load_regions", prefix=REGION, verbosity=0, stdout=io.StringIO())
            if catalogue:
                call_command("seed_programs", region=REGION, stdout=io.StringIO())
            call_command(
                "generate_households",
                count=households,
                region=REGION,
                seed=1,
                no_enrolments=not catalogue,
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"generated the registry in {time.perf_counter() - started:.0f} s")
        if catalogue and not Program.objects.exists():  # a kept database made without it
            call_command("seed_programs", region=REGION, stdout=io.StringIO())
        yield
    finally:
        if not keep:
            teardown_databases(old, verbosity=0)


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmark is about PostgreSQL.")


def postgresql_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return version.split()[0]


def database_url() -> str:
    """The URL of the database the benchmark is connected to (the throwaway one), for the
    processes it starts."""
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
