"""Background jobs of home visits: the e-mail announcing an assignment, a reminder or an
escalation, and the sweep of visits running late (beat runs it hourly).

Both are safe to run twice: the sweep claims each reminder and escalation with a unique
event, and a notice is sent for an event that exists once."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from regions.time_zones import time_zone_of
from visits import services
from visits.models import VisitEvent


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=6, time_limit=60,
             soft_time_limit=45)  # fmt: skip
def send_visit_notice(self, event_id: int) -> int:
    """E-mail what the event announces to whom it concerns; retried with backoff while the
    mail server is unreachable."""
    event = (
        VisitEvent.objects.select_related("visit__household", "visit__assignee")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    recipients = services.notice_recipients(event)
    if not recipients:
        return 0
    visit = event.visit
    context = {
        "visit": visit,
        "kind": event.action,
        "url": settings.SITE_URL + reverse("visits:detail", args=[visit.pk]),
    }
    # In the office's language and its zone, whoever's action caused the message.
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(time_zone_of(visit.household.region_id)),
    ):
        subject = render_to_string("visits/email/subject.txt", context).strip()
        body = render_to_string("visits/email/body.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except OSError as error:
        raise self.retry(countdown=10 * 2**self.request.retries, exc=error) from error
    return len(recipients)


@shared_task(acks_late=True, ignore_result=True, time_limit=600)
def visit_sla_sweep() -> dict[str, int]:
    """Reminders of visits due today or tomorrow, escalations of visits overdue."""
    return services.visit_sla_sweep()
