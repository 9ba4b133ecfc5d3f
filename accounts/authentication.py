"""API tokens: issued for `API_TOKEN_LIFETIME` seconds, with a two-factor code for the roles
that need one, and revoked when what the user may do changes.

One rule, in one place, for every API call (`ExpiringTokenAuthentication`):

- a token older than `API_TOKEN_LIFETIME` is refused (401) and deleted;
- a token of a user who must give a two-factor code (`accounts.two_factor`) is accepted only
  if it was issued with one (`TokenGrant.verified_with_otp`); a token issued before two-factor
  sign-in was required, or before the user became a supervisor, is refused.

A change of what the user may do deletes their token at once (`connect_token_revocation`):
roles (groups) added or removed, the account deactivated or made superuser or staff, the
password changed, the working area or agency changed, the authenticator app removed
(two-factor sign-in reset). These are signal receivers, not a service, because roles change
in many places (the admin, `seed_demo`, the shell, a data migration, either side of the
group relation) and every one of them must revoke.
"""

import datetime
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, pre_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import BaseThrottle

from accounts.models import StaffProfile, TokenGrant
from accounts.two_factor import needs_two_factor


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.API_TOKEN_LIFETIME)


@transaction.atomic
def issue_token(user, *, verified_with_otp: bool) -> Token:
    """A new token for `user`, replacing the one they had (one token per user)."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    TokenGrant.objects.create(token=token, verified_with_otp=verified_with_otp)
    return token


def revoke_tokens_of(user_ids: Iterable[int]) -> None:
    user_ids = [pk for pk in user_ids if pk is not None]
    if user_ids:
        Token.objects.filter(user_id__in=user_ids).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """`Authorization: Token …`, refused when expired or issued without a needed code."""

    def authenticate_credentials(self, key: str):
        try:
            token = Token.objects.select_related("user", "grant").get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if token.created + token_lifetime() <= timezone.now():
            token.delete()
            raise AuthenticationFailed(
                _("The token has expired. Ask for a new one at /api/v1/auth/token/.")
            )
        if needs_two_factor(user) and not _issued_with_otp(token):
            raise AuthenticationFailed(
                _(
                    "This token was issued without a two-factor code. Ask for a new one "
                    "with the code of your authenticator app (otp)."
                )
            )
        return user, token


def _issued_with_otp(token: Token) -> bool:
    try:
        return token.grant.verified_with_otp
    except TokenGrant.DoesNotExist:
        return False


def client_address(request: HttpRequest) -> str:
    """The caller's address as the token endpoint's rate limit counts it: `REMOTE_ADDR`,
    or with `TRUSTED_PROXY_COUNT` proxies in front, the address the outermost trusted proxy
    saw (DRF's `NUM_PROXIES` rule). django-axes counts lockouts by the same address. What
    the caller wrote there may be no address at all: such callers, and those whose address
    the server was not told, are counted together, as 0.0.0.0 (the columns that keep the
    address take nothing else)."""
    try:
        return str(ipaddress.ip_address(BaseThrottle().get_ident(request).strip()))
    except (AttributeError, ValueError):
        return "0.0.0.0"  # noqa: S104  (a bucket, not a bind address)


# --- revocation ---------------------------------------------------------------------------


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action in ("post_add", "post_remove"):
        if reverse:  # group.user_set.add(…): pk_set are users
            revoke_tokens_of(pk_set or ())
        elif pk_set:
            revoke_tokens_of([instance.pk])
    elif action == "pre_clear":
        if reverse:
            revoke_tokens_of(instance.user_set.values_list("pk", flat=True))
        else:
            revoke_tokens_of([instance.pk])


USER_FIELDS = ("password", "is_active", "is_superuser", "is_staff")


def _user_changing(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(USER_FIELDS):
        return  # such as last_login on every sign-in
    stored = sender.objects.filter(pk=instance.pk).values(*USER_FIELDS).first()
    if stored and any(stored[name] != getattr(instance, name) for name in USER_FIELDS):
        revoke_tokens_of([instance.pk])


def _profile_changing(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    stored = (
        StaffProfile.objects.filter(pk=instance.pk).values("scope_id", "agency_id").first()
        if instance.pk
        else None
    )
    if stored != {"scope_id": instance.scope_id, "agency_id": instance.agency_id}:
        revoke_tokens_of([instance.user_id])


def _device_removed(sender, instance, **kwargs) -> None:
    """Two-factor sign-in reset (the app lost or replaced): tokens issued with its codes go."""
    revoke_tokens_of([instance.user_id])


def connect_token_revocation() -> None:
    """Called once from `AccountsConfig.ready`."""
    user_model = get_user_model()
    post_delete.connect(_device_removed, sender=TOTPDevice, dispatch_uid="slrt-token-device")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="slrt-token-groups"
    )
    pre_save.connect(_user_changing, sender=user_model, dispatch_uid="slrt-token-user")
    pre_save.connect(_profile_changing, sender=StaffProfile, dispatch_uid="slrt-token-profile")
