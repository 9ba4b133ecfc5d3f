"""`python manage.py sla_sweep`: the reminders and escalations, once (beat runs it hourly)."""

from django.core.management.base import BaseCommand

from referrals.services import outbox_sweep, sla_sweep


class Command(BaseCommand):
    help = (
        "Remind agencies of referrals not acknowledged within the programme's response days, "
        "escalate to the supervisors those still unacknowledged after the grace period (each "
        "once), and queue again messages left pending in the outbox."
    )

    def handle(self, *args, **options):
        counts = sla_sweep()
        requeued = outbox_sweep()
        self.stdout.write(
            f"{counts['reminders']} reminders, {counts['escalations']} escalations; "
            f"{requeued} pending messages queued again."
        )
