from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import hashers  # noqa: F401  (registers the parameters' check)
        from accounts.authentication import connect_token_revocation
        from slrt.middleware import SessionLimitsMiddleware

        user_logged_in.connect(SessionLimitsMiddleware.start, dispatch_uid="slrt-session-start")
        connect_token_revocation()
