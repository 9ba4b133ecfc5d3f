from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letter register")

    def ready(self) -> None:
        from letters import checks  # noqa: F401  (registers the number pattern's check)
