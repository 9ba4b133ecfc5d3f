"""Drafting and issuing a letter: the layout's needs, four eyes, the number of the office and
year, the page frozen with its SHA-256, issuing twice, revoking and its reason."""

import datetime
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts.roles import Role
from letters.models import Letter, LetterCounter
from letters.services import (
    letter_discard,
    letter_draft,
    letter_issue,
    letter_revoke,
    letters_draft_many,
    persons_from_niks,
)
from tests.factories import PersonFactory, staff_user


def test_a_registry_letter_is_refused_for_a_household_without_a_desil(
    kinds, back_office, unregistered
):
    with pytest.raises(ValidationError) as refused:
        letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=unregistered)

    assert "desil" in refused.value.message_dict["person"][0]
    assert not Letter.objects.exists()


def test_a_recommendation_needs_its_programme_and_one_of_its_own(
    kinds, back_office, registered, catalogue
):
    kind = kinds["rekomendasi"]
    kind.programs.set([catalogue["PBI-JK"], catalogue["JAMKESDA"]])
    with pytest.raises(ValidationError) as missing:
        letter_draft(actor=back_office, kind=kind, person=registered)
    with pytest.raises(ValidationError) as other:
        letter_draft(actor=back_office, kind=kind, person=registered, program=catalogue["PKH"])

    letter = letter_draft(
        actor=back_office, kind=kind, person=registered, program=catalogue["PBI-JK"]
    )
    assert "program" in missing.value.message_dict["program"][0]
    assert "program" in other.value.message_dict
    assert letter.status == Letter.Status.DRAFT


def test_a_person_outside_the_area_is_not_found(kinds, registered):
    elsewhere = staff_user(Role.BACK_OFFICE, scope="52.72.02")

    with pytest.raises(ValidationError) as refused:
        letter_draft(actor=elsewhere, kind=kinds["suket_dtsen"], person=registered)

    assert "person" in refused.value.message_dict


def test_whoever_drafted_a_letter_never_issues_it(kinds, registered, head_of_office):
    letter = letter_draft(actor=head_of_office, kind=kinds["suket_dtsen"], person=registered)

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=head_of_office, letter=letter)

    assert "empat mata" in refused.value.message_dict["status"][0]  # four eyes
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT and letter.number is None


def test_the_back_office_may_not_issue(kinds, registered, back_office):
    letter = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered)

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=staff_user(Role.BACK_OFFICE, scope="52.72"), letter=letter)

    assert "status" in refused.value.message_dict


def test_issuing_numbers_the_letter_in_the_offices_year_and_freezes_its_page(
    kinds, registered, back_office, head_of_office
):
    first = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered)
    second = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered)

    first = letter_issue(actor=head_of_office, letter=first)
    second = letter_issue(actor=head_of_office, letter=second)

    year = first.issued_on.year
    assert (first.number, second.number) == (f"400.9/1/Dinsos/{year}", f"400.9/2/Dinsos/{year}")
    assert first.office_region_id == "52.72"
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", first.token) and first.token != second.token
    assert first.page_sha256 == hashlib.sha256(first.page.encode()).hexdigest()
    assert "Siti Rahmah" in first.page and "<svg" in first.page
    assert first.content["desil"]["value"] == 2
    assert [e.to_status for e in first.events.all()] == ["draft", "issued"]
    assert first.events.last().actor == head_of_office


def test_the_page_stays_as_issued_when_the_register_changes(
    kinds, registered, back_office, head_of_office, client
):
    letter = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )
    kept = letter.page
    registered.name = "Siti Rahmah Berubah"
    registered.save()
    registered.household.desil = 7
    registered.household.save()

    client.force_login(back_office)
    printed = client.get(f"/letters/{letter.pk}/print/").content.decode()

    assert kept in printed
    assert "Berubah" not in printed


def test_issuing_twice_is_refused_and_changes_nothing(
    kinds, registered, back_office, head_of_office
):
    letter = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )
    before = (letter.number, letter.token, letter.page_sha256)

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=head_of_office, letter=letter)

    letter.refresh_from_db()
    assert letter.number in refused.value.message_dict["status"][0]
    assert (letter.number, letter.token, letter.page_sha256) == before
    assert LetterCounter.objects.get().last == 1


def test_a_revoked_letter_keeps_its_number_which_is_never_given_again(
    kinds, registered, back_office, head_of_office
):
    letter = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )
    with pytest.raises(ValidationError) as no_reason:
        letter_revoke(actor=head_of_office, letter=letter, reason="  ")
    letter = letter_revoke(actor=head_of_office, letter=letter, reason="Salah desil")
    with pytest.raises(ValidationError) as again:
        letter_issue(actor=head_of_office, letter=letter)
    next_one = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )

    assert "reason" in no_reason.value.message_dict
    assert "dicabut" in again.value.message_dict["status"][0]  # revoked
    letter.refresh_from_db()
    assert letter.status == Letter.Status.REVOKED and letter.number.startswith("400.9/1/")
    assert next_one.number.startswith("400.9/2/")
    assert letter.events.last().note == "Salah desil"


def test_a_discarded_draft_is_never_issued(kinds, registered, back_office, head_of_office):
    letter = letter_discard(
        actor=back_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )

    with pytest.raises(ValidationError):
        letter_issue(actor=head_of_office, letter=letter)
    assert letter.number is None


@override_settings(SLRT_LETTER_NUMBER_PATTERN="470/{office}/{n}/{year}")
def test_the_number_follows_the_offices_pattern(kinds, registered, back_office, head_of_office):
    letter = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )

    assert letter.number == f"470/5272/1/{letter.issued_on.year}"


def test_drafts_for_a_list_of_niks_are_all_or_none(kinds, back_office, registered, unregistered):
    other = PersonFactory(
        household=registered.household, name="Ani", relationship="child", nik="5272010101800002"
    )

    persons = persons_from_niks(back_office, f"{registered.nik}\n{other.nik}, {registered.nik}")
    letters = letters_draft_many(actor=back_office, kind=kinds["suket_dtsen"], persons=persons)
    with pytest.raises(ValidationError) as refused:
        letters_draft_many(
            actor=back_office, kind=kinds["suket_dtsen"], persons=[registered, unregistered]
        )
    with pytest.raises(ValidationError) as unknown:
        persons_from_niks(back_office, "5272010101900099")

    assert [letter.person for letter in letters] == [registered, other]
    assert "Budi Santoso" in refused.value.message_dict["person"][0]
    assert Letter.objects.count() == 2
    assert "0099" in unknown.value.message_dict["niks"][0]
    assert "5272010101900099" not in unknown.value.message_dict["niks"][0]


def test_a_kinds_text_takes_only_the_closed_set_of_placeholders(kinds):
    kind = kinds["suket_dtsen"]
    kind.body = "Nama {holder_name} {{ settings.SECRET_KEY }} {secret}"

    with pytest.raises(ValidationError) as refused:
        kind.full_clean()

    assert "{secret}" in refused.value.message_dict["body"][0]


def test_the_text_is_filled_as_plain_text_never_as_a_template(
    kinds, registered, back_office, head_of_office
):
    kind = kinds["suket_dtsen"]
    kind.body = "Untuk {holder_name}: {% debug %} <script>alert(1)</script>"
    kind.save()

    letter = letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kind, person=registered),
    )

    assert "Untuk Siti Rahmah: {% debug %}" in letter.page
    assert "<script>" not in letter.page and "&lt;script&gt;" in letter.page


def test_a_referral_letter_is_not_issued_once_its_referral_is_cancelled(
    kinds, assessed, back_office, catalogue, head_of_office
):
    from referrals.models import Referral
    from referrals.services import referral_transition, referrals_create

    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    if referral.status == "draft":
        referral_transition(actor=back_office, referral=referral, to="sent")
    letter = letter_draft(
        actor=back_office, kind=kinds["surat_rujukan"], person=referral.household.head,
        referral=Referral.objects.get(pk=referral.pk),
    )  # fmt: skip
    referral_transition(actor=back_office, referral=Referral.objects.get(pk=referral.pk),
                        to="cancelled", note="Salah program")  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=head_of_office, letter=letter)

    letter.refresh_from_db()
    assert "referral" in refused.value.message_dict
    assert (letter.status, letter.number, letter.token) == ("draft", None, None)


def test_a_referral_letter_is_not_issued_once_its_holder_died_or_its_kind_is_retired(
    kinds, assessed, back_office, catalogue, head_of_office
):
    from referrals.models import Referral
    from referrals.services import referrals_create

    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    holder = referral.household.head
    letter = letter_draft(
        actor=back_office, kind=kinds["surat_rujukan"], person=holder,
        referral=Referral.objects.get(pk=referral.pk),
    )  # fmt: skip
    type(holder).objects.filter(pk=holder.pk).update(
        status="deceased", status_date=datetime.date(2026, 11, 1)
    )
    with pytest.raises(ValidationError) as died:
        letter_issue(actor=head_of_office, letter=letter)
    type(holder).objects.filter(pk=holder.pk).update(status="active", status_date=None)
    kinds["surat_rujukan"].__class__.objects.filter(code="surat_rujukan").update(active=False)
    with pytest.raises(ValidationError) as retired:
        letter_issue(actor=head_of_office, letter=letter)

    assert "person" in died.value.message_dict
    assert "kind" in retired.value.message_dict
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_a_head_of_office_of_another_area_issues_nothing_even_in_a_worker(
    kinds, registered, back_office
):
    letter = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered)
    elsewhere = staff_user(Role.SUPERVISOR, scope="52.72.02")

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=elsewhere, letter=letter)

    assert refused.value.message_dict == {"status": ["Tidak ada surat ini di wilayah kerja Anda."]}
    letter.refresh_from_db()
    assert letter.status == "draft"


def test_a_letter_for_a_cancelled_referral_says_it_was_cancelled(
    kinds, assessed, back_office, catalogue
):
    """It said "not sent yet: its letter waits", as though it would be sent some day."""
    from referrals.models import Referral
    from referrals.services import referral_transition, referrals_create

    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    if referral.status == "draft":
        referral_transition(actor=back_office, referral=referral, to="sent")
    referral_transition(actor=back_office, referral=Referral.objects.get(pk=referral.pk),
                        to="cancelled", note="Salah program")  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        letter_draft(
            actor=back_office, kind=kinds["surat_rujukan"], person=referral.household.head,
            referral=Referral.objects.get(pk=referral.pk),
        )  # fmt: skip

    assert refused.value.message_dict == {
        "referral": ["Rujukan ini dibatalkan: tidak ada surat yang dibuat untuknya."]
    }
