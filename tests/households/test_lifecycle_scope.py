"""What a household's changes give away across areas, and the transfers that end a head's
absence: a person asked in from another area is known there only by the NIK typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from households import lifecycle
from households.models import Person, PersonTransfer
from tests.factories import HouseholdFactory, PersonFactory, staff_user

DAY = datetime.date(2026, 10, 1)
NIK = "5272024101950001"


@pytest.fixture
def home(kota_bima):
    household = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272010101200007")
    PersonFactory(household=household, name="Abdul Haris", relationship="head")
    return household


@pytest.fixture
def clerk(kota_bima):
    return staff_user(Role.FRONT_OFFICE, "52.72.01")


@pytest.fixture
def rina(kota_bima):
    """Rina lives in Rasanae Timur (52.72.02), outside the clerk's district."""
    household = HouseholdFactory(region_id="52.72.02.1008", kk_number="5272020101200001")
    return PersonFactory(
        household=household,
        name="Rina Wati",
        sex="F",
        nik=NIK,
        relationship="head",
        birth_date=datetime.date(1995, 1, 1),
    )


def _ask(as_user, clerk, home, nik=NIK):
    return as_user(clerk).post(
        reverse("households:transfer_request", args=[home.pk]),
        {"nik": nik, "relationship": "other"},
    )


def _nik_message(response) -> str:
    return str(response.context["form"].errors["nik"])


@pytest.mark.parametrize("state", ["deceased", "heads_others", "pending"])
def test_a_refused_nik_of_another_area_says_nothing_of_the_person(
    home, clerk, rina, as_user, state
):
    if state == "deceased":
        Person.objects.filter(pk=rina.pk).update(status="deceased", status_date=DAY)
    elif state == "heads_others":
        PersonFactory(household=rina.household, name="Anak Rina", relationship="child")
    else:
        other = HouseholdFactory(region_id="52.72.02.1008")
        PersonFactory(household=other, relationship="head")
        PersonTransfer.objects.create(
            person=rina,
            from_household=rina.household,
            to_household=other,
            relationship="other",
            requested_by=clerk,
        )
    other_village = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=other_village, relationship="head")
    stranger = PersonFactory(household=rina.household, nik="5272024101950002", relationship="other")
    Person.objects.filter(pk=stranger.pk).update(status="moved_out", status_date=DAY)

    refused = _ask(as_user, clerk, home)
    # The same words for any refusal of a person outside the clerk's area: neither whether
    # they died or moved, nor whether they head a family, nor whether a transfer waits.
    reference = _ask(as_user, clerk, home, nik="5272024101950002")

    assert refused.status_code == reference.status_code == 400
    assert _nik_message(refused) == _nik_message(reference)
    assert "Rina" not in refused.content.decode()


def test_the_name_of_a_person_asked_in_stays_in_their_area_until_approved(
    home, clerk, rina, as_user
):
    Person.objects.filter(pk=rina.pk).update(relationship="other")
    PersonFactory(household=rina.household, relationship="head")

    assert _ask(as_user, clerk, home).status_code == 302

    page = as_user(clerk).get(reverse("households:detail", args=[home.pk])).content.decode()
    assert "Rina Wati" not in page  # the NIK typed tells nobody else's name
    supervisor = as_user(staff_user(Role.SUPERVISOR, "52.72"))
    assert "Rina Wati" in supervisor.get(reverse("households:transfers")).content.decode()
    supervisor.post(
        reverse("households:transfers"),
        {"transfer": PersonTransfer.objects.get().pk, "decision": "approve"},
    )
    page = as_user(clerk).get(reverse("households:detail", args=[home.pk])).content.decode()
    assert "Rina Wati" in page  # a member now


def test_a_person_moves_in_as_head_of_a_household_whose_head_died(clerk, rina, as_user, kota_bima):
    home = HouseholdFactory(region_id="52.72.01.1001")
    widow = PersonFactory(household=home, name="Almarhum", relationship="head")
    lifecycle.person_record_death(
        actor=clerk, person=widow, date=DAY, evidence_kind="akta_kematian", evidence_number="KM-1"
    )
    transfer = lifecycle.person_transfer_request(
        actor=clerk, person=rina, to_household=home, relationship="head"
    )

    response = as_user(staff_user(Role.SUPERVISOR, "52.72")).post(
        reverse("households:transfers"), {"transfer": transfer.pk, "decision": "approve"}
    )

    assert response.status_code == 302
    moved = Person.objects.get(pk=rina.pk)
    assert (moved.household_id, moved.relationship) == (home.pk, "head")
    assert Person.objects.get(pk=widow.pk).relationship == "other"


def test_a_second_head_asked_in_meanwhile_is_refused_at_the_transfer(clerk, rina, kota_bima):
    home = HouseholdFactory(region_id="52.72.01.1001")
    late = PersonFactory(household=home, relationship="head")
    lifecycle.person_move_out(actor=clerk, person=late, date=DAY, destination="Mataram")
    other = PersonFactory(
        household=HouseholdFactory(region_id="52.72.02.1008"),
        nik="5272024101950003",
        relationship="head",
    )
    first, second = (
        lifecycle.person_transfer_request(
            actor=clerk, person=p, to_household=home, relationship="head"
        )
        for p in (rina, other)
    )
    supervisor = staff_user(Role.SUPERVISOR, "52.72")
    lifecycle.person_transfer_decide(actor=supervisor, transfer=first, approve=True)

    with pytest.raises(ValidationError) as caught:
        lifecycle.person_transfer_decide(actor=supervisor, transfer=second, approve=True)

    assert "transfer" in caught.value.message_dict
    assert Person.objects.get(pk=other.pk).household_id != home.pk


def test_a_kk_number_taken_meanwhile_is_said_at_the_new_kk_field(home, clerk, as_user, monkeypatch):
    """Two splits at once giving the same new KK: the check passed for both, the database
    refuses the second; the clerk reads it at the KK field."""
    from households import services

    taken = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272010101309999")
    PersonFactory(household=taken, relationship="head")
    son = PersonFactory(household=home, name="Budi", birth_date=datetime.date(2004, 5, 1))
    monkeypatch.setattr(services, "validate_household_input", lambda **kwargs: None)

    response = as_user(clerk).post(
        reverse("households:split", args=[home.pk]),
        {
            "members": [son.pk],
            "new_head": son.pk,
            "new_kk_number": taken.kk_number,
            "address": "Jalan Baru 2",
        },
    )

    assert response.status_code == 400
    assert "new_kk_number" in response.context["form"].errors
    assert Person.objects.get(pk=son.pk).household_id == home.pk
