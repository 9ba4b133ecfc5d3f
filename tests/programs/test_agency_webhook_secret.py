"""An agency's webhook signing secret: required with a webhook, and long enough to sign.

A `whsec_` secret that is not base64 decodes to no bytes at all, and an HMAC with an empty
key is one anyone can compute: such deliveries could be forged by anyone."""

import base64

import pytest
from django.db.models import URLField
from django.forms import modelform_factory

from programs.models import Agency
from tests.factories import AgencyFactory

STRONG = "whsec_" + base64.b64encode(b"k" * 32).decode()


def secret_errors(url: str, secret: str) -> list[str]:
    agency = AgencyFactory()
    form_class = modelform_factory(
        Agency,
        fields=["webhook_url", "webhook_secret"],
        formfield_callback=lambda field, **kwargs: field.formfield(
            **kwargs, **({"assume_scheme": "https"} if isinstance(field, URLField) else {})
        ),
    )
    form = form_class({"webhook_url": url, "webhook_secret": secret}, instance=agency)
    form.is_valid()
    agency.refresh_from_db()
    assert agency.webhook_secret == ""  # nothing saved by a check
    return form.errors.get("webhook_secret", [])


@pytest.mark.parametrize(
    "secret",
    ["", "whsec_", "whsec_!!!!", "whsec_" + base64.b64encode(b"short").decode(), "rahasia"],
    ids=["none", "whsec-empty", "whsec-not-base64", "whsec-short", "plain-short"],
)
def test_a_webhook_with_a_missing_or_weak_secret_is_refused_by_the_field(catalogue, secret):
    errors = secret_errors("http://127.0.0.1:8000/hook", secret)

    assert len(errors) == 1 and "rahasia" in errors[0], errors


@pytest.mark.parametrize("secret", [STRONG, "the-ministrys-signing-secret"])
def test_a_strong_secret_is_accepted(catalogue, secret):
    assert secret_errors("http://127.0.0.1:8000/hook", secret) == []


def test_an_agency_without_a_webhook_needs_no_secret(catalogue):
    assert secret_errors("", "") == []
