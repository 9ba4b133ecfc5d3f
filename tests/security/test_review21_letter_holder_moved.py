"""Review of the letter register (issue 21) from another area: a draft whose holder has
since moved to a household of another district (an approved transfer) is not issued by the
old district. Its page would certify an address, a KK and a desil the holder no longer has,
numbered by an office that no longer serves them, out of sight of the district they live in
now; by the page, the API and a batch alike."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.roles import Role
from households import lifecycle
from letters.models import Letter, LetterBatch
from letters.services import letter_batch_execute, letter_batch_request, letter_draft, letter_issue
from programs.models import Program
from tests.factories import HouseholdFactory, PersonFactory, staff_user


@pytest.fixture
def household_elsewhere(kota_bima):
    """A household of Rasanae Timur (52.72.02), with a desil."""
    household = HouseholdFactory(region_id="52.72.02.1008", desil=3, kk_number="5272020101200001")
    PersonFactory(household=household, name="Orang Timur", relationship="head")
    return household


def moved_away(person, to_household, head_of_office):
    """`person` joins `to_household` of another district, by an approved transfer."""
    transfer = lifecycle.person_transfer_request(
        actor=staff_user(Role.BACK_OFFICE, scope="52.72.02"), person=person,
        to_household=to_household, relationship="other",
    )  # fmt: skip
    lifecycle.person_transfer_decide(actor=head_of_office, transfer=transfer, approve=True)
    person.refresh_from_db()
    return person


def test_a_draft_whose_holder_moved_to_another_district_is_not_issued(
    kinds, registered, household_elsewhere, back_office, head_of_office
):
    letter = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered)
    moved_away(registered, household_elsewhere, head_of_office)

    with pytest.raises(ValidationError) as refused:
        letter_issue(actor=staff_user(Role.SUPERVISOR, scope="52.72.01"), letter=letter)

    assert refused.value.message_dict == {
        "person": ["Siti Rahmah tidak lagi tinggal di rumah tangga ini."]
    }
    letter.refresh_from_db()
    assert (letter.status, letter.number, letter.content) == ("draft", None, {})


def test_nor_through_the_api_nor_in_a_batch(
    kinds, registered, household_elsewhere, back_office, head_of_office
):
    by_api = letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered)
    in_batch = letter_draft(actor=back_office, kind=kinds["rekomendasi"], person=registered,
                            program=Program.objects.get(code="PBI-JK"))  # fmt: skip
    issuer = staff_user(Role.SUPERVISOR, scope="52.72.01")
    batch = letter_batch_request(actor=issuer, letters=[in_batch])
    moved_away(registered, household_elsewhere, head_of_office)
    client = APIClient()
    client.force_authenticate(issuer)

    answer = client.post(f"/api/v1/letters/{by_api.pk}/issue/")
    letter_batch_execute(batch.pk)

    assert answer.status_code == 400
    assert answer.json() == {"person": ["Siti Rahmah tidak lagi tinggal di rumah tangga ini."]}
    batch = LetterBatch.objects.get(pk=batch.pk)
    assert batch.issued_count == 0
    assert batch.refused == [
        {"letter": in_batch.pk, "message": "Siti Rahmah tidak lagi tinggal di rumah tangga ini."}
    ]
    assert not Letter.objects.filter(status="issued").exists()
