"""A task that does nothing, with the options of `deliver_dispatch`: what the queue itself
costs. bench/routing.py starts its workers with `--include bench.noop`."""

from celery import shared_task


@shared_task(name="bench.noop", acks_late=True, ignore_result=True, time_limit=60,
             soft_time_limit=45)  # fmt: skip
def noop(dispatch_id: int) -> None:
    return None
