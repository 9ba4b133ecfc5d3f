"""Background jobs of the outbox: delivering one message, and sweeping what was left pending.

Every task is safe to run twice: a delivery checks and claims its outbox row first."""

import random

from celery import shared_task

from outbox import services
from outbox.delivery import DeliveryError, dispatch_deliver

MAX_RETRIES = 6  # 10 s, 20 s, 40 s … about ten minutes in all before a dispatch is failed


def backoff(retries: int) -> float:
    """Seconds before the next attempt: doubling from 10, with jitter so that retries of
    many dispatches to one dead receiver do not arrive together."""
    return 10 * 2**retries * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not a secret


# Results are never read (the outbox row is the state), and asking for one makes a
# publisher with Redis down wait for the result store's reconnection: ignore_result.
@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_RETRIES,
             time_limit=60, soft_time_limit=45)  # fmt: skip
def deliver_dispatch(self, dispatch_id: int) -> str:
    """Deliver one outbox row (e-mail, webhook, SMS or WhatsApp), retrying with exponential
    backoff."""
    return deliver_as(self, dispatch_id)


def deliver_as(task, dispatch_id: int) -> str:
    """The delivery `task` (bound: its request and retries) makes of one row."""
    last = task.request.is_eager or task.request.retries >= task.max_retries
    try:
        return dispatch_deliver(dispatch_id, attempt_id=task.request.id or "", last_attempt=last)
    except DeliveryError as error:
        raise task.retry(countdown=backoff(task.request.retries), exc=error) from error


@shared_task(acks_late=True, ignore_result=True, time_limit=120)
def sweep_outbox() -> int:
    """Queue again the outbox rows left pending (a worker died, the broker was down)."""
    return services.outbox_sweep()
