"""Background jobs of referrals: delivering the outbox, sweeping it, and the SLA sweep.

Every task is safe to run twice: a delivery checks and claims its outbox row first, and the
sweeps claim each reminder or escalation with a conditional UPDATE.
"""

import random

from celery import shared_task

from referrals import services
from referrals.delivery import DeliveryError, dispatch_deliver

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
    """Deliver one outbox row (e-mail or webhook), retrying with exponential backoff."""
    last = self.request.is_eager or self.request.retries >= self.max_retries
    try:
        return dispatch_deliver(dispatch_id, attempt_id=self.request.id or "", last_attempt=last)
    except DeliveryError as error:
        raise self.retry(countdown=backoff(self.request.retries), exc=error) from error


@shared_task(acks_late=True, ignore_result=True, time_limit=120)
def sweep_outbox() -> int:
    """Queue again the outbox rows left pending (a worker died, the broker was down)."""
    return services.outbox_sweep()


@shared_task(acks_late=True, ignore_result=True, time_limit=600)
def sla_sweep() -> dict[str, int]:
    """Reminders and escalations of referrals not acknowledged in time."""
    return services.sla_sweep()


@shared_task(acks_late=True, ignore_result=True, time_limit=300)
def emergency_sla_sweep() -> dict[str, int]:
    """The emergency lane's reminders (at half time) and escalations (past the deadline)."""
    return services.emergency_sweep()
