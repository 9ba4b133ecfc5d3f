"""Background jobs of regions."""

from celery import shared_task

from regions.services import regions_load


@shared_task(acks_late=True)
def load_regions(prefix: str | None = None) -> dict[str, int]:
    """Load the shipped region codes (idempotent, so safe to run again after a crash)."""
    result = regions_load(prefix=prefix)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
