"""Background jobs of objections: the e-mail escalating one close to its deadline, and the
sweep that escalates and settles them (beat runs it hourly).

Both are safe to run twice: the sweep claims each escalation with a unique event and settles
a locked objection still open; a notice is sent for an event that exists once."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from proposals import objections
from proposals.models import ObjectionEvent


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=6, time_limit=60,
             soft_time_limit=45)  # fmt: skip
def send_objection_notice(self, event_id: int) -> int:
    """E-mail the supervisors covering the village that an objection nears its deadline;
    retried with backoff while the mail server is unreachable. The objector is not named."""
    event = ObjectionEvent.objects.select_related("objection").filter(pk=event_id).first()
    if event is None or event.action != ObjectionEvent.Action.ESCALATION:
        return 0
    objection = event.objection
    recipients = objections.supervisors_of(objection)
    if not recipients:
        return 0
    url = settings.SITE_URL + reverse("proposals:objection_detail", args=[objection.pk])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[SLRT] Objection %(id)s: deadline %(day)s") % {
            "id": objection.pk, "day": f"{objection.deadline:%d-%m-%Y}"}  # fmt: skip
        body = _(
            "The objection %(id)s to a recipient household of village %(village)s must be "
            "verified by %(day)s and is not decided yet. When its deadline passes it is "
            "settled by the office's rule.\n\nOpen it (after signing in): %(url)s\n"
        ) % {"id": objection.pk, "village": objection.region_id,
             "day": f"{objection.deadline:%d-%m-%Y}", "url": url}  # fmt: skip
    try:
        send_mail(subject, body, None, recipients)
    except OSError as error:
        raise self.retry(countdown=10 * 2**self.request.retries, exc=error) from error
    return len(recipients)


@shared_task(acks_late=True, ignore_result=True, time_limit=600)
def objection_sla_sweep() -> dict[str, int]:
    """Escalations of objections near their deadline, settlement of those past it."""
    return objections.objection_sla_sweep()
