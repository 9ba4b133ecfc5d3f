"""Officers write NIK and KK numbers into free text ("NIK 5272… tidak terdaftar di PBI"):
the API's lists show that text with every such number masked, as they show the record's own
NIK and KK; one complaint's or referral's own answer (a detail, logged) shows it as typed."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_assess, complaint_register
from programs.models import Program
from referrals.services import referrals_create
from tests.factories import staff_user

NIK = "5272014308820002"
KK = "5272011203150001"
TYPED = f"NIK {NIK} dan KK 5272 0112 0315 0001 tidak terdaftar di PBI."
MASKED = "NIK ••••••••••••0002 dan KK ••••••••••••0001 tidak terdaftar di PBI."


@pytest.fixture
def referred(catalogue, back_office, poor_household):
    complaint = complaint_register(
        actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01"),
        household=poor_household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
        channel="walk_in",
        description=TYPED,
        complainant_name=f"Siti (NIK {NIK})",
        consent_given=True,
    )
    complaint = complaint_assess(
        actor=back_office, complaint=complaint, needs=[{"domain": "food", "severity": 2}]
    )
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[Program.objects.get(code="BPNT")],
        notes=TYPED,
    )  # fmt: skip
    return complaint, referral


@pytest.mark.parametrize(
    ("name", "data"),
    [("api:complaint-list", {}), ("api:referral-list", {}), ("complaints:queue", {"tab": "all"})],
)
def test_a_list_masks_the_numbers_typed_into_free_text(referred, back_office, client, name, data):
    client.force_login(back_office)

    body = client.get(reverse(name), data).content.decode()

    assert "NIK ••••••••••••0002" in body
    assert NIK not in body and KK not in body and "5272 0112 0315 0001" not in body


def test_one_complaint_shows_its_text_as_typed(referred, back_office, client):
    complaint, referral = referred
    client.force_login(back_office)

    complaint_body = client.get(reverse("api:complaint-detail", args=[complaint.pk])).json()
    referral_body = client.get(reverse("api:referral-detail", args=[referral.pk])).json()

    assert complaint_body["description"] == TYPED
    assert referral_body["notes"] == TYPED


def test_the_api_lists_mask_the_description_and_notes_themselves(referred, back_office, client):
    client.force_login(back_office)

    (complaint,) = client.get(reverse("api:complaint-list")).json()["results"]
    (referral,) = client.get(reverse("api:referral-list")).json()["results"]

    assert (complaint["description"], referral["notes"]) == (MASKED, MASKED)
