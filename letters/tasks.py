from celery import shared_task

from letters.services import letter_batch_execute


@shared_task(acks_late=True, ignore_result=True)
def letter_batch_run(batch_id: int) -> None:
    """Issue a batch of letters (`letters.services.letter_batch_execute`); run once per batch."""
    letter_batch_execute(batch_id)
