from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        """The registry's own records carry documents: a household, and one of its members.
        The apps above register theirs from their own `ready()`."""
        from documents.owners import register_owner
        from documents.selectors import households_documented_by, persons_documented_by

        register_owner("household", records_for=households_documented_by, household_path="id")
        register_owner("person", records_for=persons_documented_by, household_path="household_id")
