"""An agency's webhook address: in production `https` to a public address only, checked
when saved (a field message), the name resolved."""

import socket

import pytest
from django.forms import modelform_factory

from programs.models import Agency
from tests.factories import AgencyFactory

PRIVATE = "Alamat ini mengarah ke jaringan lokal atau privat"
HTTPS_ONLY = "Gunakan alamat https://."


@pytest.fixture
def production(settings, monkeypatch):
    """Production's rule, with a DNS that knows two names: a public one, and one that
    resolves to the server itself."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    names = {"rujukan.dinsos.example": "8.8.8.8", "internal.dinsos.example": "127.0.0.1"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port or 443))]
        if host in ("localhost",):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port or 443))]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def save_errors(url: str) -> list[str]:
    """What the agency form says about `url` as the webhook address (nothing: accepted)."""
    agency = AgencyFactory()
    form_class = modelform_factory(
        Agency,
        fields=["webhook_url"],
        formfield_callback=lambda field, **kwargs: field.formfield(assume_scheme="https"),
    )
    form = form_class({"webhook_url": url}, instance=agency)
    form.is_valid()
    agency.refresh_from_db()
    assert agency.webhook_url == ""  # nothing saved by a check
    return form.errors.get("webhook_url", [])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/hook", HTTPS_ONLY),
        ("http://rujukan.dinsos.example/hook", HTTPS_ONLY),  # http, even when public
        ("ftp://rujukan.dinsos.example/hook", HTTPS_ONLY),
        ("https://127.0.0.1:8443/hook", PRIVATE),
        ("https://[::1]/hook", PRIVATE),
        ("https://localhost:6379/", PRIVATE),
        ("https://169.254.169.254/latest/meta-data/", PRIVATE),  # the cloud's metadata
        ("https://10.0.0.1/hook", PRIVATE),
        ("https://192.168.1.10/hook", PRIVATE),
        ("https://100.64.0.1/hook", PRIVATE),  # carrier-grade NAT
        ("https://224.0.0.1/hook", PRIVATE),  # multicast
        ("https://240.0.0.1/hook", PRIVATE),  # reserved
        ("https://0.0.0.0/hook", PRIVATE),
        ("https://[::ffff:127.0.0.1]/hook", PRIVATE),  # IPv4-mapped IPv6
        ("https://[2002:7f00:1::]/hook", PRIVATE),  # 6to4 of 127.0.0.1
        ("https://[64:ff9b::a00:1]/hook", PRIVATE),  # NAT64 of 10.0.0.1
        ("https://[fe80::1]/hook", PRIVATE),
        ("https://[fc00::1]/hook", PRIVATE),
        ("https://internal.dinsos.example/hook", PRIVATE),  # a name resolving to 127.0.0.1
        ("https://nowhere.dinsos.example/hook", "Nama host ini tidak ditemukan."),
        ("https://user:sandi@rujukan.dinsos.example/hook", "Jangan cantumkan nama pengguna"),
    ],
)
def test_in_production_a_webhook_to_anything_but_a_public_https_address_is_refused(
    catalogue, production, url, message
):
    errors = save_errors(url)

    assert len(errors) == 1 and message in errors[0], errors


@pytest.mark.parametrize("url", ["https://rujukan.dinsos.example/slrt", "https://8.8.8.8/hook", ""])
def test_in_production_a_public_https_webhook_or_none_is_accepted(catalogue, production, url):
    assert save_errors(url) == []


def test_the_demo_and_tests_may_send_to_a_local_http_receiver(catalogue, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True

    assert save_errors("http://127.0.0.1:8000/hook") == []
    assert HTTPS_ONLY in save_errors("ftp://127.0.0.1/hook")[0]
