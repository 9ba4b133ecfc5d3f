from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Registry proposals")

    def ready(self) -> None:
        from documents.owners import register_owner, register_reader
        from households.registry_import import register_import_watcher
        from proposals.selectors import (
            batches_taking_minutes_for,
            objections_for,
            proposal_documents_q,
            proposals_for,
        )
        from proposals.settlement import proposals_watched, settle_on_import

        # A proposal's evidence (a death certificate, the papers of a correction) is filed
        # by whoever may see the proposal.
        register_owner("proposal", records_for=proposals_for, household_path="household_id")
        # The photo of the house an objector sends (foto_depan), filed with the objection.
        register_owner("objection", records_for=objections_for, household_path="household_id")
        # A batch's minutes (berita acara, SPTJM) are uploaded by the village's operator
        # on the batch page. A document needs a household: it is filed under one of the
        # batch's, which puts it in the same village's scope.
        register_owner(
            "batch",
            records_for=batches_taking_minutes_for,
            household_path="proposals__household_id",
        )
        # A village operator (and a facilitator who proposed) reads what it filed there.
        register_reader(proposal_documents_q)
        # The next national extract answers the sent proposals of the villages it covers.
        register_import_watcher("proposals", watching=proposals_watched, notify=settle_on_import)
