from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self) -> None:
        from documents.owners import register_owner, register_reader
        from visits.selectors import open_visits_of, visit_documents_q

        # A visit's documents are the facilitator's evidence (the sheet and the verdict's
        # check take the newest photo of each kind): only the facilitator it is assigned to
        # files them, while it is open. The office files its papers under the household,
        # the complaint or the referral.
        register_owner("visit", records_for=open_visits_of, household_path="household_id")
        register_reader(visit_documents_q)
