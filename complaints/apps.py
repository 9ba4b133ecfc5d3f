from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        """A complaint carries documents (the letter a resident brings to the desk), reached
        through the complaints of the user's area."""
        from complaints.selectors import complaints_in_scope
        from documents.owners import register_owner

        register_owner("complaint", records_for=complaints_in_scope, household_path="household_id")

        # The complainant's messages go through the outbox, which knows no complaint.
        from complaints.resident_messages import COMPLAINT_TOPIC
        from outbox.topics import register_topic

        register_topic(COMPLAINT_TOPIC)
