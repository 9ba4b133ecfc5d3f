"""Descriptions and notes have a length the server holds to, said in Indonesian beside the
field, and a counter on the page (static/js/text_counter.js) reads it from the field."""

import pytest
from django.urls import reverse

from complaints.models import DESCRIPTION_MAX_LENGTH, Complaint, ComplaintCategory
from tests.complaints.test_api import body

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * (DESCRIPTION_MAX_LENGTH + 1)


def intake(household, **fields):
    return {
        "complainant": household.members.first().pk,
        "complainant_name": "",
        "channel": "walk_in",
        "category": ComplaintCategory.objects.get(code="kesehatan-pbi").pk,
        "urgency": "normal",
        "description": "Kartu KIS tidak aktif.",
        "consent_given": "on",
        **fields,
    }


def test_a_description_too_long_is_refused_on_the_form_in_indonesian(
    as_user, front_office, household
):
    response = as_user(front_office).post(
        reverse("complaints:create", args=[household.pk]), intake(household, description=TOO_LONG)
    )

    assert response.status_code == 400
    (message,) = response.context["form"].errors["description"]
    assert "paling banyak 2000 karakter" in message
    assert not Complaint.objects.exists()


def test_a_description_too_long_is_refused_by_the_api_on_its_field(client, front_office, household):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        body(household, description=TOO_LONG),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "description" in response.json()
    assert not Complaint.objects.exists()


def test_the_description_box_carries_its_limit_and_the_page_its_counter(
    as_user, front_office, household
):
    page = as_user(front_office).get(reverse("complaints:create", args=[household.pk]))
    html = page.content.decode()

    assert f'maxlength="{DESCRIPTION_MAX_LENGTH}"' in html
    assert "js/text_counter.js" in html


def test_a_description_at_its_limit_is_taken(as_user, front_office, household):
    response = as_user(front_office).post(
        reverse("complaints:create", args=[household.pk]),
        intake(household, description="x" * DESCRIPTION_MAX_LENGTH),
    )

    assert response.status_code == 302
    assert len(Complaint.objects.get().description) == DESCRIPTION_MAX_LENGTH
