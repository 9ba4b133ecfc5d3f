"""Background jobs of complaints: forgetting the public status page's look-ups once their
days are past (beat runs it daily). Safe to run twice or at once."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from complaints.models import StatusLookup


def status_lookups_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the look-ups older than `SLRT_STATUS_LOG_DAYS` (they hold callers' addresses;
    the rate limits read only the last minutes). Returns how many went."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.SLRT_STATUS_LOG_DAYS)
    deleted, _by_model = StatusLookup.objects.filter(at__lt=before).delete()
    return deleted


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=240)
def purge_status_lookups() -> int:
    return status_lookups_purge()
