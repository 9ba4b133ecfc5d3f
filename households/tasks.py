"""Background jobs of the registry."""

from celery import shared_task

from households.services import registry_import_execute


@shared_task(acks_late=True)
def registry_import_run(import_id: int) -> str:
    """Import an uploaded registry extract (a task delivered again does nothing: see
    `slrt.jobs`)."""
    return registry_import_execute(import_id).status
