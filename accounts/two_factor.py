"""Two-factor sign-in for the roles that read a whole area's households.

A supervisor or administrator signs in with their password, then with a six-digit code from
an authenticator app (TOTP, django-otp). The first time, the app is set up from a QR code.
Until the code is given, every page leads to the code page and the API answers 403; a token
for the API is given only with a current code (`otp`), and a token issued without one (before
the code was required, or before the user's role needed it) is refused
(`accounts.authentication`). With `TWO_FACTOR_REQUIRED` off (the demo) it is offered, not
required.
"""

import base64
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role, user_roles
from slrt.middleware import is_api_request

TWO_FACTOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def needs_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether `user` must give a code after the password."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or not user_roles(user).isdisjoint(TWO_FACTOR_ROLES)


def confirmed_device_of(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def device_to_set_up(user: AbstractBaseUser) -> TOTPDevice:
    """The app being set up: one unconfirmed device, kept until a code confirms it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="SLRT", confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg_of(device: TOTPDevice) -> str:
    """The `otpauth://` address as an inline SVG QR code for the app to scan."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


class RequireTwoFactorMiddleware:
    """Lead a signed-in supervisor or administrator without a code to the code page."""

    OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            needs_two_factor(user)
            and not user.is_verified()
            and not request.path.startswith(self.OPEN)
        ):
            if is_api_request(request):
                return JsonResponse(
                    {"detail": _("Give the code of your authenticator app first.")}, status=403
                )
            code_page = reverse("accounts:two_factor")
            return redirect(f"{code_page}?next={quote(request.get_full_path())}")
        return self.get_response(request)
