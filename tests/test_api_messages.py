"""Every message the API's framework answers a field or a request with reads in Indonesian.

DRF's own Indonesian catalogue lacks many ("Not a valid string.", "Ensure this field has no
more than 30 elements.", "Surrogate characters are not allowed: U+D800."); the project's
catalogue gives them. A new DRF release that adds a message fails here."""

import inspect

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework import exceptions, fields, pagination, relations, serializers, validators

from accounts.roles import Role
from tests.factories import staff_user


def drf_messages() -> set[str]:
    """The English texts of DRF's field, serializer, exception and validator messages."""
    lazy = []
    for module in (fields, serializers, relations):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            lazy += vars(cls).get("default_error_messages", {}).values()
    lazy += [getattr(cls, "default_detail", None) for _n, cls in inspect.getmembers(exceptions)]
    lazy += [getattr(cls, "message", None) for _n, cls in inspect.getmembers(validators)]
    lazy += [
        pagination.PageNumberPagination.invalid_page_message,
        fields.ProhibitSurrogateCharactersValidator.message,
        fields.ProhibitNullCharactersValidator.message,
    ]
    return {str(message._args[0]) for message in lazy if hasattr(message, "_args")}


@pytest.mark.parametrize("message", sorted(drf_messages()))
def test_every_api_framework_message_reads_in_indonesian(message):
    with translation.override("id"):
        assert translation.gettext(message) != message


@pytest.mark.usefixtures("kota_bima")
def test_a_shape_error_in_an_api_answer_reads_in_indonesian(client):
    client.force_login(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))

    response = client.post(
        reverse("api:household-list"),
        {"region": ["52.72.01.1001"], "members": {"0": {}}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["region"] == ["Bukan teks yang sah."]
    assert response.json()["members"] == {
        "non_field_errors": ['Yang diharapkan daftar, bukan "dict".']
    }
