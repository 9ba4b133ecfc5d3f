"""Tasks that only the tests' workers load (`--include tests.worker_tasks`)."""

from celery import shared_task
from django.db import connection


@shared_task(name="tests.database_backend")
def database_backend() -> int:
    """The process id of the PostgreSQL backend serving this worker's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
