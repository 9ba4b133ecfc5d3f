"""Background jobs of referrals: the SLA sweep.

The outbox's tasks were here until its rows moved to `outbox`; the two old names stay for
one release, so that messages already queued under them (and a beat schedule an admin
has not updated) still run: they hand over to `outbox.tasks`.
"""

from celery import shared_task

from outbox import services as outbox_services
from outbox import tasks as outbox_tasks
from referrals import services


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=outbox_tasks.MAX_RETRIES,
             time_limit=60, soft_time_limit=45)  # fmt: skip
def deliver_dispatch(self, dispatch_id: int) -> str:
    """Deprecated name of `outbox.tasks.deliver_dispatch` (the ids are kept): the same
    delivery, retried the same way."""
    return outbox_tasks.deliver_as(self, dispatch_id)


@shared_task(acks_late=True, ignore_result=True, time_limit=120)
def sweep_outbox() -> int:
    """Deprecated name of `outbox.tasks.sweep_outbox`."""
    return outbox_services.outbox_sweep()


@shared_task(acks_late=True, ignore_result=True, time_limit=600)
def sla_sweep() -> dict[str, int]:
    """Reminders and escalations of referrals not acknowledged in time."""
    return services.sla_sweep()


@shared_task(acks_late=True, ignore_result=True, time_limit=300)
def emergency_sla_sweep() -> dict[str, int]:
    """The emergency lane's reminders (at half time) and escalations (past the deadline)."""
    return services.emergency_sweep()
