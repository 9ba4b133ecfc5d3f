"""Reaching the resident: a phone number typed as Indonesians write it is stored in E.164,
anything else refused in Indonesian at its field; contact by SMS or WhatsApp needs the
number and the resident's consent; lists show the number masked, the household's own page
whole; scope is as for every other field."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from households.masking import mask_phone
from households.models import Household, Person
from households.phones import normalize_phone
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from tests.households.test_api import NEW_HOUSEHOLD
from tests.households.test_register import FAMILY_OF_FOUR, form_post

pytestmark = pytest.mark.usefixtures("kota_bima")

E164 = "+6281234567890"


@pytest.mark.parametrize(
    "typed",
    ["0812-3456-7890", "0812 3456 7890", "812 3456 7890", "+62 812 3456 7890", "6281234567890",
     "+62-812-3456-7890", " 081234567890 "],
)  # fmt: skip
def test_an_indonesian_mobile_number_as_typed_is_kept_in_e164(typed):
    assert normalize_phone(typed) == E164


@pytest.mark.parametrize("typed", ["abc", "0812", "12345", "0812-3456-7890-1234", "+62 000"])
def test_what_is_not_a_phone_number_is_refused_in_indonesian(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)

    assert refused.value.messages[0].startswith("Nomor telepon tidak valid: ")


@pytest.mark.parametrize(
    "typed",
    ["08123456789O", "O8123456789", "0812-3456-78AB", "0812 3456 ABCD", "0812 3456 7890 x",
     "tel:+6281234567890"],
)  # fmt: skip
def test_a_number_with_letters_is_refused_not_read_as_another(typed):
    """The library drops a trailing letter (an O typed for a zero gave a number a digit
    short) and reads letters as a keypad's digits (ABCD as 2223): a stranger's number."""
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)

    assert refused.value.messages[0].startswith("Nomor telepon tidak valid: ")


@pytest.mark.parametrize("typed", ["٠٨١٢٣٤٥٦٧٨٩٠", "(0812) 3456.7890", "0812/3456/7890"])
def test_other_digits_and_separators_are_read(typed):
    assert normalize_phone(typed) == E164


def test_a_valid_number_of_another_country_is_kept_in_e164():
    assert normalize_phone("+65 6123 4567") == "+6561234567"


def test_a_landline_is_a_number_but_takes_no_message():
    from households.phones import contact_errors

    landline = normalize_phone("(0374) 43210")

    assert landline == "+6237443210"
    assert contact_errors(phone=landline, channel="none", consent=False) == {}
    assert "phone" in contact_errors(phone=landline, channel="sms", consent=True)
    assert contact_errors(phone=E164, channel="sms", consent=True) == {}


def test_a_toll_free_number_takes_no_message_either():
    """A toll-free number (0800) was taken for SMS: only a landline was refused."""
    from households.phones import contact_errors

    toll_free = normalize_phone("0800-1-234-567")

    assert toll_free == "+628001234567"
    assert contact_errors(phone=toll_free, channel="none", consent=False) == {}
    (message,) = contact_errors(phone=toll_free, channel="sms", consent=True)["phone"]
    assert "bebas pulsa" in message and "nomor seluler" in message


def test_no_number_is_no_number():
    assert normalize_phone("") == normalize_phone(None) == normalize_phone("  ") == ""


def test_a_masked_number_keeps_the_country_the_prefix_and_the_last_four():
    assert mask_phone(E164) == "+62812••••7890"
    assert mask_phone("") == ""


@pytest.fixture
def front_office():
    return staff_user(role=Role.FRONT_OFFICE, scope="52.72.01")


def contact(**fields) -> dict:
    return {"phone": "0812-3456-7890", "contact_channel": "whatsapp", "contact_consent": "on",
            **fields}  # fmt: skip


def test_the_page_stores_the_number_in_e164_with_the_consents_moment(as_user, front_office):
    client = as_user(front_office)
    head = {**FAMILY_OF_FOUR[0], **contact()}

    response = client.post(reverse("households:register"), form_post(head, FAMILY_OF_FOUR[1]))

    assert response.status_code == 302
    person = Person.objects.get(name="Muhammad Yusuf")
    assert (person.phone, person.contact_channel, person.contact_consent) == (
        E164, "whatsapp", True
    )  # fmt: skip
    assert person.contact_consent_at is not None
    assert Person.objects.get(name="Siti Aminah").contact_channel == "none"


def test_the_member_form_asks_for_a_phone_with_the_phones_keyboard(as_user, front_office):
    page = as_user(front_office).get(reverse("households:register")).content.decode()

    assert 'name="members-0-phone"' in page
    assert 'inputmode="tel"' in page
    assert "0812-3456-7890" in page  # the example, in the help text
    assert "Nomor telepon" in page


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (contact(phone="0812"), "phone", "Nomor telepon tidak valid"),
        (contact(phone="bukan nomor"), "phone", "Nomor telepon tidak valid"),
        (contact(phone=""), "phone", "Tulis nomor telepon"),
        (contact(phone="(0374) 43210"), "phone", "nomor seluler"),  # a landline of Kota Bima
        (contact(contact_consent=""), "contact_consent", "persetujuan warga"),
        (contact(contact_channel="sms", phone="", contact_consent=""), "contact_consent",
         "persetujuan warga"),
    ],
)  # fmt: skip
def test_the_page_refuses_a_bad_contact_at_its_field_and_saves_nothing(
    as_user, front_office, fields, field, words
):
    client = as_user(front_office)
    head = {**FAMILY_OF_FOUR[0], **{k: v for k, v in fields.items() if v != ""}}

    response = client.post(reverse("households:register"), form_post(head, FAMILY_OF_FOUR[1]))

    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors
    assert words in " ".join(errors[field])
    assert Household.objects.count() == Person.objects.count() == 0


def test_withdrawing_the_consent_forgets_its_moment_and_needs_do_not_contact(front_office):
    from households.services import household_update
    from tests.households.test_register import head, household

    saved = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    person = PersonFactory(
        household=saved, relationship="head", nik="5272011205780001", phone=E164,
        contact_channel="sms", contact_consent=True,
    )  # fmt: skip
    member = head(id=person.pk, phone=E164, contact_channel="sms", contact_consent=False)

    with pytest.raises(ValidationError) as refused:
        household_update(actor=front_office, instance=saved, household=household(),
                         members=[member])  # fmt: skip
    assert "members[0].contact_consent" in refused.value.message_dict

    household_update(
        actor=front_office, instance=saved, household=household(),
        members=[{**member, "contact_channel": "none"}],
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.contact_consent, person.contact_consent_at) == (False, None)


# --- the API ------------------------------------------------------------------------------------


def api_post(client, **head_fields):
    body = {**NEW_HOUSEHOLD, "members": [{**NEW_HOUSEHOLD["members"][0], **head_fields}]}
    return client.post(reverse("api:household-list"), body, content_type="application/json")


def test_the_api_stores_the_number_in_e164(as_user, front_office):
    response = api_post(
        as_user(front_office), phone="+62 812-3456-7890", contact_channel="sms",
        contact_consent=True,
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    assert response.json()["members"][0]["phone"] == E164
    assert Person.objects.get().phone == E164


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"phone": "123"}, "phone", "Nomor telepon tidak valid"),
        ({"contact_channel": "sms"}, "phone", "Tulis nomor telepon"),
        ({"phone": "081234567890", "contact_channel": "whatsapp"}, "contact_consent",
         "persetujuan warga"),
        ({"contact_channel": "pigeon"}, "contact_channel", ""),
    ],
)  # fmt: skip
def test_the_api_refuses_a_bad_contact_at_the_members_field_and_saves_nothing(
    as_user, front_office, fields, field, words
):
    response = api_post(as_user(front_office), **fields)

    assert response.status_code == 400
    errors = response.json()["members"]["0"][field]
    assert words in " ".join(errors)
    assert Household.objects.count() == 0


@pytest.fixture
def reachable():
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, relationship="head", phone=E164,
                  contact_channel="whatsapp", contact_consent=True)  # fmt: skip
    return household


def test_the_list_masks_the_number_and_the_household_shows_it_whole(
    as_user, front_office, reachable
):
    client = as_user(front_office)

    listed = client.get(reverse("api:household-list")).json()["results"][0]["members"][0]
    whole = client.get(reverse("api:household-detail", args=[reachable.pk])).json()
    page = client.get(reverse("households:detail", args=[reachable.pk])).content.decode()

    assert listed["phone"] == "+62812••••7890"
    assert E164 not in str(listed)
    assert whole["members"][0]["phone"] == E164
    assert E164 in page and "WhatsApp" in page


def test_another_districts_user_neither_sees_nor_sets_the_number(as_user, reachable):
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72.02"))
    head = reachable.members.get()

    detail = client.get(reverse("api:household-detail", args=[reachable.pk]))
    page = client.get(reverse("households:detail", args=[reachable.pk]))
    changed = client.patch(
        reverse("api:household-detail", args=[reachable.pk]),
        {"members": [{"id": head.pk, "phone": "0813-1111-2222"}]},
        content_type="application/json",
    )

    assert (detail.status_code, page.status_code, changed.status_code) == (404, 404, 404)
    assert E164 not in str(client.get(reverse("api:household-list")).json())
    head.refresh_from_db()
    assert head.phone == E164
