"""Reading from a replica: the supervisors' reports and exports, which read much and may be
a few seconds behind, read from a PostgreSQL replica when `DATABASE_REPLICA_URL` names one.

Only code inside `replica_reads()` reads there; every other read, and every write (the
access log those pages keep included), uses the primary. Without a replica, nothing changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_replica_reads = ContextVar("replica_reads", default=False)


def read_database() -> str:
    """The alias reads go to here and now."""
    if _replica_reads.get() and settings.SLRT_READ_REPLICA and REPLICA in settings.DATABASES:
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside, reads may go to the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view):
    """A view whose reads may go to the replica (its writes still go to the primary)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return read_database()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
