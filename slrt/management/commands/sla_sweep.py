"""`python manage.py sla_sweep`: the reminders and escalations of referrals, home visits and
objections, once (beat runs each sweep hourly). It sits at the top because it runs every
app's."""

from django.core.management.base import BaseCommand

from outbox.services import outbox_sweep
from proposals.objections import objection_sla_sweep
from referrals.services import sla_sweep
from visits.services import visit_sla_sweep


class Command(BaseCommand):
    help = (
        "Remind agencies of referrals not acknowledged within the programme's response days, "
        "escalate to the supervisors those still unacknowledged after the grace period (each "
        "once), queue again messages left pending in the outbox, remind facilitators of home "
        "visits due today or tomorrow and escalate overdue visits to the supervisors; escalate "
        "objections three working days before their deadline and settle those past it by "
        "the office's rule."
    )

    def handle(self, *args, **options):
        counts = sla_sweep()
        requeued = outbox_sweep()
        visits = visit_sla_sweep()
        objection_counts = objection_sla_sweep()
        self.stdout.write(
            f"{counts['reminders']} reminders, {counts['escalations']} escalations; "
            f"{requeued} pending messages queued again; "
            f"{visits['visit_reminders']} visit reminders, "
            f"{visits['visit_escalations']} visit escalations; "
            f"{objection_counts['objection_escalations']} objection escalations, "
            f"{objection_counts['objections_settled']} objections settled."
        )
