"""How to reach the complainant: the member's phone, channel and consent by default, or
those the desk types, judged by the registry's rules; masked in lists and in the admin."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint
from households.models import Person
from tests.complaints.test_api import body
from tests.complaints.test_pages import intake
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

E164 = "+6281234567890"


@pytest.fixture
def reachable(household):
    """The household's head, with a phone and the consent to be contacted by WhatsApp."""
    Person.objects.filter(household=household).update(
        phone=E164, contact_channel="whatsapp", contact_consent=True
    )
    return household


def test_the_intake_form_is_prefilled_with_the_members_contact(as_user, front_office, reachable):
    client = as_user(front_office)

    form = client.get(reverse("complaints:create", args=[reachable.pk])).context["form"]

    assert form["phone"].value() == E164
    assert form["contact_channel"].value() == "whatsapp"
    assert form["contact_consent"].value() is True
    assert 'inputmode="tel"' in str(form["phone"])


def test_the_form_stores_a_typed_number_in_e164_with_the_consents_moment(
    as_user, front_office, household
):
    client = as_user(front_office)
    fields = {"phone": "0813 1111 2222", "contact_channel": "sms", "contact_consent": "on"}

    response = client.post(
        reverse("complaints:create", args=[household.pk]), intake(household, **fields)
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.phone, complaint.contact_channel) == ("+6281311112222", "sms")
    assert complaint.contact_consent and complaint.contact_consent_at is not None


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"phone": "0812", "contact_channel": "sms", "contact_consent": "on"}, "phone",
         "Nomor telepon tidak valid"),
        ({"contact_channel": "sms", "contact_consent": "on"}, "phone", "Tulis nomor telepon"),
        ({"phone": "081234567890", "contact_channel": "whatsapp"}, "contact_consent",
         "persetujuan warga"),
    ],
)  # fmt: skip
def test_the_form_refuses_a_bad_contact_at_its_field_and_registers_nothing(
    as_user, front_office, household, fields, field, words
):
    client = as_user(front_office)

    response = client.post(
        reverse("complaints:create", args=[household.pk]), intake(household, **fields)
    )

    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors[field])
    assert not Complaint.objects.exists()


def test_the_api_takes_the_members_contact_when_left_out(client, front_office, reachable):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"), body(reachable), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["phone"], data["contact_channel"], data["contact_consent"]) == (
        E164, "whatsapp", True
    )  # fmt: skip


def test_the_api_refuses_a_number_that_is_not_one_and_registers_nothing(
    client, front_office, household
):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        body(household, phone="bukan nomor", contact_channel="sms", contact_consent=True),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Nomor telepon tidak valid" in " ".join(response.json()["phone"])
    assert not Complaint.objects.exists()


def test_the_api_refuses_a_number_sent_as_a_json_number(client, front_office, household):
    """The schema says a string: 6281234567890 as a number was taken (and a leading 0 a
    client's JSON cannot carry is how numbers are written here)."""
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        body(household, phone=6281234567890, contact_channel="sms", contact_consent=True),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["phone"] == ["Bukan teks yang sah."]
    assert not Complaint.objects.exists()


def test_the_api_refuses_a_channel_without_consent_at_its_field(client, front_office, household):
    client.force_login(front_office)

    response = client.post(
        reverse("api:complaint-list"),
        body(household, phone="0812-3456-7890", contact_channel="sms", contact_consent=False),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "persetujuan warga" in " ".join(response.json()["contact_consent"])
    assert not Complaint.objects.exists()


def test_the_list_masks_the_number_and_the_complaint_shows_it_whole(
    client, front_office, reachable, register
):
    complaint = register(complainant=reachable.members.get())
    client.force_login(front_office)

    listed = client.get(reverse("api:complaint-list")).json()["results"][0]
    whole = client.get(reverse("api:complaint-detail", args=[complaint.pk])).json()
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert listed["phone"] == "+62812••••7890"
    assert whole["phone"] == E164
    assert E164 in page


def test_the_admin_shows_the_number_masked_and_lists_no_lookup_on_it(as_user, register, reachable):
    complaint = register(complainant=reachable.members.get())
    client = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72", is_staff=True))

    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    lookup = client.get(
        reverse("admin:complaints_complaint_changelist"), {"phone__startswith": "+62812"}
    )

    assert page.status_code == 200
    assert "+62812••••7890" in page.content.decode()
    assert E164 not in page.content.decode()
    assert lookup.status_code == 400
