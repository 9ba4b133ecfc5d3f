"""The register's pages: the list of the area (filtered), drafting from pasted NIKs, a
letter's page with the moves its reader may make, the print view, and a batch issued by
the head of office, with its progress and one printable page of all its letters."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from letters.models import Letter, LetterBatch
from letters.services import letter_draft, letter_issue
from tests.factories import HouseholdFactory, PersonFactory, staff_user


@pytest.fixture
def three(kota_bima):
    people = []
    for number in range(1, 4):
        household = HouseholdFactory(region_id="52.72.01.1001", desil=number)
        people.append(
            PersonFactory(household=household, name=f"Warga {number}", relationship="head",
                          nik=f"527201010180000{number}")
        )  # fmt: skip
    return people


def test_back_office_drafts_registry_letters_from_pasted_niks(kinds, three, back_office, as_user):
    client = as_user(back_office)

    answer = client.post(
        reverse("letters:create"),
        {"kind": "suket_dtsen", "niks": "\n".join(person.nik for person in three)},
    )

    assert answer.status_code == 302
    assert Letter.objects.filter(status="draft", drafted_by=back_office).count() == 3


def test_a_nik_of_another_area_is_refused_on_its_field(kinds, three, as_user):
    client = as_user(staff_user(Role.BACK_OFFICE, scope="52.72.02"))

    answer = client.post(reverse("letters:create"), {"kind": "suket_dtsen", "niks": three[0].nik})

    assert answer.status_code == 400
    messages = answer.context["form"].errors["niks"]
    assert "••••0001" in messages[0] and three[0].nik not in messages[0]
    assert not Letter.objects.exists()


def test_a_household_without_a_desil_is_refused_with_a_clear_message(
    kinds, unregistered, back_office, as_user
):
    answer = as_user(back_office).post(
        reverse("letters:create"), {"kind": "suket_dtsen", "persons": [unregistered.pk]}
    )

    assert answer.status_code == 400
    assert "desil" in answer.content.decode()


def test_the_list_keeps_to_the_area_and_filters_by_status(kinds, three, back_office, as_user):
    letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=three[0])
    elsewhere = PersonFactory(
        household=HouseholdFactory(region_id="52.72.02.1008", desil=1), name="Orang Timur"
    )
    letter_draft(
        actor=staff_user(Role.BACK_OFFICE, scope="52.72.02"), kind=kinds["suket_dtsen"],
        person=elsewhere,
    )  # fmt: skip
    client = as_user(back_office)

    listing = client.get(reverse("letters:list")).content.decode()
    issued = client.get(reverse("letters:list"), {"status": "issued"}).content.decode()

    assert "Warga 1" in listing and "Orang Timur" not in listing
    assert "Warga 1" not in issued


def test_the_head_of_office_issues_drafts_as_a_batch_and_prints_them_all(
    kinds, three, back_office, head_of_office, as_user, django_capture_on_commit_callbacks
):
    drafts = [letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=p) for p in three]
    client = as_user(head_of_office)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("letters:batch_create"), {"letters": [letter.pk for letter in drafts]}
        )
    batch = LetterBatch.objects.get()
    page = client.get(answer.url).content.decode()
    printed = client.get(reverse("letters:batch_print", args=[batch.pk])).content.decode()

    batch.refresh_from_db()
    assert batch.status == "done" and batch.issued_count == 3
    assert "3 surat diterbitkan" in page or "3 letters issued" in page
    numbers = sorted(Letter.objects.values_list("serial", flat=True))
    assert numbers == [1, 2, 3]
    for letter in Letter.objects.all():
        assert letter.page in printed


def test_the_drafter_sees_no_issue_button_and_the_batch_refuses_their_own(
    kinds, three, head_of_office, as_user
):
    own = letter_draft(actor=head_of_office, kind=kinds["suket_dtsen"], person=three[0])
    client = as_user(head_of_office)

    detail = client.get(reverse("letters:detail", args=[own.pk])).content.decode()
    client.post(reverse("letters:batch_create"), {"letters": [own.pk]})

    assert reverse("letters:issue", args=[own.pk]) not in detail
    assert not LetterBatch.objects.exists()


def test_revoking_on_the_page_needs_a_reason(kinds, three, back_office, head_of_office, as_user):
    letter = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=three[0]),
    )
    client = as_user(head_of_office)

    refused = client.post(reverse("letters:revoke", args=[letter.pk]), {"reason": ""})
    done = client.post(reverse("letters:revoke", args=[letter.pk]), {"reason": "Keliru"})

    assert refused.status_code == 400
    assert done.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "revoked" and letter.revoke_reason == "Keliru"


def test_the_printed_referral_letter_carries_its_register_number_and_qr(
    kinds, assessed, back_office, catalogue, head_of_office, as_user
):
    from referrals.services import referral_transition, referrals_create

    complaint = assessed()
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["BPNT"]]
    )
    if referral.status == "draft":
        referral_transition(actor=back_office, referral=referral, to="sent")
    referral.refresh_from_db()
    client = as_user(back_office)
    client.post(reverse("letters:create"), {"kind": "surat_rujukan", "referral": referral.pk})
    letter = Letter.objects.get(referral=referral)
    before = client.get(reverse("referrals:letter", args=[referral.pk])).content.decode()
    letter_issue(actor=head_of_office, letter=letter)
    after = client.get(reverse("referrals:letter", args=[referral.pk])).content.decode()

    letter.refresh_from_db()
    assert letter.number not in before
    assert letter.number in after and "<svg" in after and letter.token in after


def test_pages_take_a_phone_width(kinds, three, back_office, as_user):
    letter = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=three[0])
    client = as_user(back_office)

    for url in (reverse("letters:list"), reverse("letters:detail", args=[letter.pk])):
        page = client.get(url).content.decode()
        assert 'name="viewport" content="width=device-width' in page
        assert "style=" not in page


def test_a_households_page_leads_to_drafting_for_its_members(kinds, three, back_office, as_user):
    client = as_user(back_office)
    household = three[0].household

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    form = client.get(reverse("letters:create"), {"household": household.pk}).content.decode()

    assert f"{reverse('letters:create')}?household={household.pk}" in page
    assert f'value="{three[0].pk}"' in form and "Warga 1" in form


@pytest.mark.parametrize(
    "lookup", ["content__holder__nik__startswith", "token__startswith", "page__contains"]
)
def test_the_admins_letter_list_refuses_lookups_on_the_frozen_content_and_token(
    kinds, three, back_office, lookup, as_user
):
    from django.contrib.auth.models import User

    letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=three[0])
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72.01")
    User.objects.filter(pk=supervisor.pk).update(is_staff=True)
    client = as_user(User.objects.get(pk=supervisor.pk))

    answer = client.get(reverse("admin:letters_letter_changelist"), {lookup: "5"})

    assert answer.status_code == 400


def test_a_batch_holding_a_letter_of_another_district_is_not_a_district_supervisors(
    kinds, three, back_office, head_of_office, as_user, django_capture_on_commit_callbacks
):
    household = HouseholdFactory(region_id="52.72.02.1008", desil=1)  # Lampe, Rasanae Timur
    elsewhere = PersonFactory(household=household, name="Jamilah Timur", relationship="head",
                              nik="5272024101800009")  # fmt: skip
    city_back_office = staff_user(Role.BACK_OFFICE, scope="52.72", username="bo_kota")
    drafts = [letter_draft(actor=city_back_office, kind=kinds["suket_dtsen"], person=person)
              for person in [three[0], elsewhere]]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        as_user(head_of_office).post(
            reverse("letters:batch_create"), {"letters": [letter.pk for letter in drafts]}
        )
    batch = LetterBatch.objects.get()
    district = as_user(staff_user(Role.SUPERVISOR, scope="52.72.01", username="sup_barat"))

    for page in ("letters:batch_detail", "letters:batch_print"):
        answer = district.get(reverse(page, args=[batch.pk]))
        assert answer.status_code == 404, page
        assert "Jamilah" not in answer.content.decode()
    whole_city = as_user(head_of_office).get(reverse("letters:batch_detail", args=[batch.pk]))
    assert whole_city.status_code == 200 and "Jamilah Timur" in whole_city.content.decode()


def test_a_person_id_no_database_holds_is_refused_at_its_field(kinds, three, as_user):
    client = as_user(staff_user(Role.BACK_OFFICE, scope="52.72.01", username="bo_barat"))

    answer = client.post(reverse("letters:create"), {"kind": "suket_dtsen", "persons": ["9" * 23]})

    assert answer.status_code in (200, 400)
    assert "persons" in answer.context["form"].errors
    assert not Letter.objects.exists()


@pytest.mark.parametrize(
    "typed",
    [
        "5272010101800001999",  # a digit too many: not the NIK of its first sixteen
        "52720101018000015272010101800002",  # two NIKs run together: not the first alone
        "5272010101800001abc",
        "５２７２０１０１０１８００００１",  # full-width digits
    ],
)
def test_a_pasted_nik_that_is_not_sixteen_digits_is_refused_at_its_field(
    kinds,
    three,
    back_office,
    client,
    typed,
):
    client.force_login(back_office)

    answer = client.post(reverse("letters:create"), {"kind": "suket_dtsen", "niks": typed})

    assert answer.status_code == 400
    (message,) = answer.context["form"].errors["niks"]
    assert message.startswith("NIK terdiri atas 16 angka:"), message
    assert not Letter.objects.exists()


def test_a_nik_written_with_dots_or_dashes_is_read(kinds, three, back_office, client):
    client.force_login(back_office)
    nik = three[0].nik

    answer = client.post(
        reverse("letters:create"),
        {"kind": "suket_dtsen", "niks": f"{nik[:6]}.{nik[6:12]}.{nik[12:]}\n{nik[:8]}-{nik[8:]}"},
    )

    assert answer.status_code == 302
    assert Letter.objects.get().person == three[0]
