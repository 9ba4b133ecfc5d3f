"""Every write to the outbox: rows written in the caller's transaction and queued once it
commits, the sweep that queues again what was left pending, and a supervisor's retry."""

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.delivery import dispatch_move
from outbox.models import Dispatch
from outbox.topics import topic_of

logger = logging.getLogger(__name__)

# The namespace of the keys of messages written once per event (`event_key`).
EVENT_KEYS = uuid.UUID("1b0c5a3e-6d0e-5f8e-9a57-5c1e2d7f0b21")


def event_key(topic: str, subject_id: int, event: str) -> uuid.UUID:
    """The idempotency key of the message announcing `event` of a record: the same for the
    same event, whoever writes it and however often, so that one event makes one message."""
    return uuid.uuid5(EVENT_KEYS, f"{topic}:{subject_id}:{event}")


def dispatches_write(rows: list[Dispatch]) -> list[int]:
    """Write `rows` in the current transaction and queue them for after its commit: a message
    is never lost, and never sent for a change that was rolled back."""
    ids = [row.pk for row in Dispatch.objects.bulk_create(rows)]
    if ids:
        transaction.on_commit(lambda: enqueue_dispatches(ids))
    return ids


def dispatch_write_once(row: Dispatch) -> int | None:
    """Write `row`, whose idempotency key names its event (`event_key`), unless a message
    with that key is written already (then None): the same event never makes two messages,
    even when two transactions announce it at once (the key's unique index decides)."""
    if Dispatch.objects.filter(idempotency_key=row.idempotency_key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            (written,) = dispatches_write([row])
    except IntegrityError:
        return None
    return written


def enqueue_dispatches(ids: Iterable[int]) -> None:
    """Hand dispatches to the workers. If the broker is down they stay pending in the
    outbox, and the sweep sends them once it is back."""
    from outbox.tasks import deliver_dispatch

    for dispatch_id in ids:
        try:
            deliver_dispatch.apply_async(args=[dispatch_id], retry=False)
        except Exception:
            logger.warning("dispatch %s: broker unreachable, left for the sweep", dispatch_id,
                           exc_info=True)  # fmt: skip


# A pending dispatch not picked up this long after it was written (a worker died, the broker
# was down) is queued again by the sweep.
OUTBOX_PATIENCE = datetime.timedelta(minutes=1)


def outbox_sweep() -> int:
    """Queue again the dispatches left pending whose claim (if any) has expired."""
    now = timezone.now()
    ids = list(
        Dispatch.objects.filter(
            status=Dispatch.Status.PENDING, created_at__lt=now - OUTBOX_PATIENCE
        )
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .values_list("pk", flat=True)[:1000]
    )
    enqueue_dispatches(ids)
    return len(ids)


def dispatch_retry(*, actor: AbstractBaseUser, dispatch: Dispatch) -> Dispatch:
    """A supervisor sends a failed dispatch again (with a new round of attempts); its topic
    records the retry in its record's story."""
    with transaction.atomic():
        retried = dispatch_move(
            dispatch.pk,
            from_status=Dispatch.Status.FAILED,
            to=Dispatch.Status.PENDING,
            attempts=0,
            claimed_until=None,
        )
        if not retried:
            raise ValidationError(_("This message is not failed any more."))
        topic_of(dispatch.topic).retried(dispatch, actor)
        transaction.on_commit(lambda: enqueue_dispatches([dispatch.pk]))
    dispatch.refresh_from_db()
    return dispatch
