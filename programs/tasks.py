"""Background jobs of the programmes app."""

from celery import shared_task

from programs.services import screening_run_execute


@shared_task(acks_late=True, ignore_result=True)  # the run's row is its result
def screen_program(run_id: int) -> str:
    """Run one screening (a task delivered again does nothing: see `slrt.jobs`)."""
    return screening_run_execute(run_id).status
