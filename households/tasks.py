"""Background jobs of the registry."""

from celery import shared_task

from households.services import regions_load, registry_import_execute


@shared_task(acks_late=True)
def load_regions(prefix: str | None = None) -> dict[str, int]:
    """Load the shipped region codes (idempotent, so safe to run again after a crash)."""
    result = regions_load(prefix=prefix)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@shared_task(acks_late=True)
def registry_import_run(import_id: int) -> str:
    """Import an uploaded registry extract (a task delivered again does nothing: see
    `slrt.jobs`)."""
    return registry_import_execute(import_id).status
