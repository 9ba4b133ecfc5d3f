from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letter register")

    def ready(self) -> None:
        from letters import checks  # noqa: F401  (registers the number pattern's check)
        from letters.services import recommendation_missing
        from referrals.services import REACTIVATION_NEEDS

        if recommendation_missing not in REACTIVATION_NEEDS:
            REACTIVATION_NEEDS.append(recommendation_missing)
