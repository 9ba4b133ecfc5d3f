from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        """The registry's own records carry documents: a household, and one of its members.
        The apps above register theirs from their own `ready()`."""
        from documents.owners import register_owner
        from households.selectors import households_in_scope, persons_in_scope

        register_owner("household", records_for=households_in_scope, household_path="id")
        register_owner("person", records_for=persons_in_scope, household_path="household_id")
