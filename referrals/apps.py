from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # Documents attach to referrals, and an agency reads the files of those it handles.
        from documents.owners import register_owner, register_reader
        from referrals.selectors import agency_documents_q, referrals_attachable_by

        register_owner(
            "referral", records_for=referrals_attachable_by, household_path="household_id"
        )
        register_reader(agency_documents_q)

        # A referral's messages to its agency go through the outbox, which knows no referral.
        from outbox.topics import register_topic
        from referrals.messages import REFERRAL_TOPIC

        register_topic(REFERRAL_TOPIC)
