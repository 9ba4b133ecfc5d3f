from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self) -> None:
        from accounts.roles import REGISTRY_ROLES, Role, user_roles
        from documents.owners import register_owner, register_reader
        from visits.models import Visit
        from visits.selectors import open_visits_of, visit_documents_q, visits_for

        def records_for(user):
            """A facilitator attaches photos to their own open visits; the registry's roles
            to the visits of their area."""
            roles = user_roles(user)
            if not roles.isdisjoint(REGISTRY_ROLES):
                return visits_for(user)
            if Role.FACILITATOR in roles:
                return open_visits_of(user)
            return Visit.objects.none()

        register_owner("visit", records_for=records_for, household_path="household_id")
        register_reader(visit_documents_q)
