"""Where an agency's webhook may point: in production, `https` to public addresses only.

Checked twice: when the address is saved (`validate_webhook_url`, a field message), and at
every delivery after resolving the name (`resolve_webhook_address`), so that a name which
later resolves to the server's own network (DNS rebinding) is still refused. The delivery
then connects to the very address checked here. `WEBHOOK_ALLOW_PRIVATE_NETWORKS` (tests, the
demo) lets `http` and loopback or private addresses through.

A webhook is signed with the agency's secret (`validate_webhook_secret`): a delivery signed
with a short or empty key (a `whsec_` secret that is not base64 decodes to no bytes) could
be forged by anyone.
"""

import base64
import binascii
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Translations of IPv4 into IPv6 that reach an IPv4 address chosen by whoever wrote the URL.
_IPV4_INSIDE_IPV6 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48")]


class WebhookAddressError(ValueError):
    """The webhook's address is not one SLRT sends to; `message` is for the field."""

    def __init__(self, message, detail: str = ""):
        super().__init__(detail or str(message))
        self.message = message


@dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str  # without brackets for IPv6
    port: int
    path: str  # with the query


def private_networks_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False))


def is_public_address(address: str) -> bool:
    """Whether `address` (an IP literal) is on the public internet: not private, loopback,
    link-local, multicast, reserved, unspecified, shared (100.64/10), nor an IPv4 address
    wrapped in IPv6 (mapped, 6to4, Teredo, NAT64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6:
        if ip.ipv4_mapped or ip.sixtofour or ip.teredo:
            return False
        if any(ip in network for network in _IPV4_INSIDE_IPV6):
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def webhook_target(url: str) -> WebhookTarget:
    """The parts of a webhook URL, or `WebhookAddressError` for a scheme, host or form SLRT
    does not send to. Does not resolve the name."""
    allowed_schemes = {"https", "http"} if private_networks_allowed() else {"https"}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookAddressError(_("Enter a valid URL."), str(error)) from error
    if parts.scheme not in allowed_schemes:
        raise WebhookAddressError(_("Use an https:// address."), f"scheme {parts.scheme!r}")
    if parts.username is not None or parts.password is not None:
        raise WebhookAddressError(_("Leave the user name and password out of the address."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise WebhookAddressError(_("Enter a valid URL."), "no host")
    if not private_networks_allowed() and (host == "localhost" or host.endswith(".localhost")):
        raise WebhookAddressError(_private_message(), f"host {host!r}")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return WebhookTarget(
        scheme=parts.scheme,
        host=host,
        port=port or (443 if parts.scheme == "https" else 80),
        path=path,
    )


def _private_message():
    return _(
        "This address points to a local or private network; use the agency's public https address."
    )


def resolve_webhook_address(target: WebhookTarget) -> list[str]:
    """The IP addresses `target`'s host resolves to, each of them checked, resolved once:
    the delivery connects to one of these, never resolving the name again."""
    try:
        addresses = [str(ipaddress.ip_address(target.host))]  # a literal: nothing to resolve
    except ValueError:
        addresses = _resolve(target)
    if not private_networks_allowed():
        refused = [address for address in addresses if not is_public_address(address)]
        if refused:
            raise WebhookAddressError(_private_message(), f"not public: {refused}")
    return addresses


def _resolve(target: WebhookTarget) -> list[str]:
    try:
        infos = socket.getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (OSError, UnicodeError) as error:
        raise WebhookAddressError(
            _("This host name cannot be found."), f"{type(error).__name__}: {error}"
        ) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise WebhookAddressError(_("This host name cannot be found."), "no address")
    return addresses


def validate_webhook_url(value: str) -> None:
    """The model field's validator: the same checks as at delivery, the name resolved now."""
    if not value:
        return
    try:
        target = webhook_target(value)
        if not private_networks_allowed():
            resolve_webhook_address(target)
    except WebhookAddressError as error:
        raise ValidationError(error.message, code="webhook_url") from error


# The key's length the Standard Webhooks specification advises: 24 to 64 bytes.
SECRET_MIN_BYTES = 24


def validate_webhook_secret(value: str) -> None:
    """Refuse, by the secret's field, a webhook without a signing secret or with a weak one:
    a `whsec_` secret must be base64 of at least 24 bytes, any other at least 24 bytes."""
    if value.startswith("whsec_"):
        try:
            key = base64.b64decode(value.removeprefix("whsec_"), validate=True)
        except (binascii.Error, ValueError):
            key = b""
    else:
        key = value.encode()
    if len(key) < SECRET_MIN_BYTES:
        message = _(
            "A webhook needs a signing secret of at least %(n)s characters, or a whsec_ "
            "secret (base64 of at least %(n)s bytes), so that the agency can tell deliveries "
            "are SLRT's."
        )
        raise ValidationError({"webhook_secret": message % {"n": SECRET_MIN_BYTES}})
