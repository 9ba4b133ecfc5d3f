"""Review of the letter register (issue 21): a recommendation names only a programme offered
in the holder's area (its agency serves the household's village), as a referral is sent only
to one; when drafted and again when issued."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from letters.models import Letter
from letters.services import letter_draft, letter_issue
from programs.models import Agency, Program
from regions.models import Region


@pytest.fixture
def programme_of_another_regency(catalogue, kinds):
    """A programme of Kabupaten Bima (52.06), its agency serving only that regency, that the
    recommendation kind is written for."""
    Region.objects.create(code="52.06", name="Kabupaten Bima", level=2, parent_id="52")
    agency = Agency.objects.create(
        name="Dinas Kesehatan Kabupaten Bima", level="municipal", region_id="52.06"
    )
    program = Program.objects.create(
        code="JAMKESDA-KB", name="Jamkesda Kabupaten Bima", level="municipal", agency=agency
    )
    kinds["rekomendasi"].programs.add(program)
    return program


def test_a_recommendation_for_a_programme_not_offered_in_the_holder_s_area_is_refused(
    kinds, registered, back_office, programme_of_another_regency
):
    with pytest.raises(ValidationError) as refused:
        letter_draft(actor=back_office, kind=kinds["rekomendasi"], person=registered,
                     program=programme_of_another_regency)  # fmt: skip

    assert refused.value.message_dict == {
        "program": ["JAMKESDA-KB tidak tersedia di wilayah rumah tangga ini."]
    }
    assert not Letter.objects.exists()


def test_the_draft_page_refuses_it_at_its_field(
    kinds, registered, back_office, programme_of_another_regency, as_user
):
    answer = as_user(back_office).post(
        reverse("letters:create"),
        {"kind": "rekomendasi", "program": "JAMKESDA-KB", "persons": [registered.pk]},
    )

    assert answer.status_code == 400
    assert answer.context["form"].errors["program"] == [
        "JAMKESDA-KB tidak tersedia di wilayah rumah tangga ini."
    ]
    assert not Letter.objects.exists()


def test_a_recommendation_drafted_before_its_programme_left_the_area_is_not_issued(
    kinds, registered, back_office, head_of_office, programme_of_another_regency
):
    agency = programme_of_another_regency.agency
    Agency.objects.filter(pk=agency.pk).update(region_id="52")  # the province's, for a while
    letter = letter_draft(actor=back_office, kind=kinds["rekomendasi"], person=registered,
                          program=Program.objects.get(code="JAMKESDA-KB"))  # fmt: skip
    Agency.objects.filter(pk=agency.pk).update(region_id="52.06")

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=head_of_office, letter=letter)

    assert refused.value.message_dict == {
        "program": ["JAMKESDA-KB tidak tersedia di wilayah rumah tangga ini."]
    }
