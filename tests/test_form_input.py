"""Whatever staff type into the household, complaint and referral forms — over-long text,
NULs, any Unicode, HTML and script — the answer is a page, never a server error: saved and
shown escaped, or refused with a message and nothing saved."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from households.models import Household
from referrals.models import Referral
from tests.factories import staff_user
from tests.households.test_register import form_post

pytestmark = pytest.mark.usefixtures("kota_bima")
MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "\x00"]
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(min_size=2000, max_size=6000, alphabet="abc <>&\"'"),
    st.sampled_from(MARKUP).flatmap(lambda bad: st.text(max_size=20).map(lambda t: t + bad)),
)
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


def assert_escaped(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror" not in page


@given(address=TEXT, name=TEXT, birth_place=TEXT)
@EXAMPLES
def test_the_household_form_saves_or_refuses_any_text(as_user, address, name, birth_place):
    client = as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.01"))
    before = Household.objects.count()
    head = {"name": name, "relationship": "head", "sex": "M", "birth_date": "1980-01-01",
            "birth_place": birth_place, "disability": "0", "chronic_illness": "0"}  # fmt: skip

    response = client.post(
        reverse("households:register"), form_post(head, kk_number="", address=address)
    )

    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert Household.objects.count() == before
        assert_escaped(response.content.decode())
    else:
        assert Household.objects.count() == before + 1
        assert_escaped(client.get(response.url).content.decode())


@given(description=TEXT, complainant_name=TEXT)
@EXAMPLES
def test_the_complaint_form_saves_or_refuses_any_text(
    as_user,
    poor_household,
    description,
    complainant_name,
):
    client = as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.01"))
    before = Complaint.objects.count()

    response = client.post(
        reverse("complaints:create", args=[poor_household.pk]),
        {"complainant_name": complainant_name, "channel": "walk_in",
         "category": ComplaintCategory.objects.get(code="kesehatan-pbi").pk,
         "description": description, "urgency": "normal"},
    )  # fmt: skip

    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert Complaint.objects.count() == before + 1
        assert_escaped(client.get(response.url).content.decode())
    else:
        assert Complaint.objects.count() == before
        assert_escaped(response.content.decode())


@given(notes=TEXT)
@EXAMPLES
def test_the_referral_form_saves_or_refuses_any_notes(as_user, assessed, back_office, notes):
    complaint = assessed()
    client = as_user(back_office)
    before = Referral.objects.count()

    response = client.post(
        reverse("referrals:create", args=[complaint.pk]),
        {"program": ["RUTILAHU"], "notes_RUTILAHU": notes},
    )

    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert Referral.objects.count() == before + 1
        referral = Referral.objects.latest("pk")
        assert_escaped(client.get(reverse("referrals:detail", args=[referral.pk])).content.decode())
        assert_escaped(client.get(reverse("referrals:letter", args=[referral.pk])).content.decode())
    else:
        assert Referral.objects.count() == before
        assert_escaped(response.content.decode())
