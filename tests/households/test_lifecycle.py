"""People and households that change: each change of `households.lifecycle` writes its state
and its event; bad input is refused at its field, in Indonesian, with nothing written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from households import lifecycle
from households.models import Household, HouseholdEvent, Person, PersonTransfer
from regions.models import Region
from regions.time_zones import local_date_in
from tests.factories import HouseholdFactory, PersonFactory, staff_user

DAY = datetime.date(2026, 10, 1)
NEW_KK = "5272010101309999"


@pytest.fixture
def family(kota_bima):
    """Abdul heads Siti, Putri and Budi in Paruga (Rasanae Barat)."""
    home = HouseholdFactory(region_id="52.72.01.1001", address="Jalan Lama 1")
    people = {
        "abdul": PersonFactory(household=home, name="Abdul", relationship="head"),
        "siti": PersonFactory(household=home, name="Siti", relationship="spouse", sex="F"),
        "putri": PersonFactory(household=home, name="Putri", sex="F",
                               birth_date=datetime.date(2010, 5, 1)),
        "budi": PersonFactory(household=home, name="Budi", birth_date=datetime.date(2004, 5, 1)),
    }  # fmt: skip
    return home, people


@pytest.fixture
def clerk(kota_bima):
    return staff_user(Role.FRONT_OFFICE, "52.72.01")


def refused(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def unchanged(home: Household, people: dict) -> None:
    assert not HouseholdEvent.objects.exists()
    for person in people.values():
        fresh = Person.objects.get(pk=person.pk)
        assert (fresh.status, fresh.household_id, fresh.relationship) == (
            "active", home.pk, person.relationship,
        )  # fmt: skip


# --- death and moving out ---------------------------------------------------------------


def test_a_death_is_recorded_with_its_document_and_event(family, clerk):
    home, people = family

    event = lifecycle.person_record_death(
        actor=clerk, person=people["budi"], date=DAY, evidence_kind="akta_kematian",
        evidence_number="5272-KM-01102026-0001", note="Dilaporkan keluarga",
    )  # fmt: skip

    budi = Person.objects.get(pk=people["budi"].pk)
    assert (budi.status, budi.status_date, budi.household_id) == ("deceased", DAY, home.pk)
    assert event.kind == "died" and event.person == budi and event.actor == clerk
    assert event.details["evidence_number"] == "5272-KM-01102026-0001"
    assert event.day == DAY and event.evidence_label
    assert budi.history.first().history_change_reason.startswith("Meninggal")


def test_a_move_out_says_where_to(family, clerk):
    _home, people = family

    event = lifecycle.person_move_out(
        actor=clerk, person=people["putri"], date=DAY, destination="Kota Mataram"
    )

    putri = Person.objects.get(pk=people["putri"].pk)
    assert (putri.status, putri.status_date) == ("moved_out", DAY)
    assert event.details["destination"] == "Kota Mataram"
    assert not Person.objects.active().filter(pk=putri.pk).exists()


def test_the_head_who_dies_hands_over_to_the_new_head(family, clerk):
    home, people = family

    lifecycle.person_record_death(
        actor=clerk, person=people["abdul"], date=DAY, evidence_kind="surat_desa",
        evidence_number="474/12/2026", new_head=people["siti"],
    )  # fmt: skip

    assert Person.objects.get(pk=people["siti"].pk).relationship == "head"
    abdul = Person.objects.get(pk=people["abdul"].pk)
    assert (abdul.status, abdul.relationship) == ("deceased", "other")
    assert set(home.events.values_list("kind", flat=True)) == {"died", "head_changed"}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"date": timezone.localdate() + datetime.timedelta(days=2)}, "date", "masa depan"),
        ({"date": None}, "date", "tanggal"),
        ({"date": datetime.date(1970, 1, 1)}, "date", "lahir"),
        ({"evidence_kind": "ktp"}, "evidence_kind", "dokumen"),
        ({"evidence_number": "  "}, "evidence_number", "nomor"),
    ],
)
def test_bad_input_to_a_death_is_refused_at_its_field(family, clerk, change, field, says):
    home, people = family
    values = {"date": DAY, "evidence_kind": "akta_kematian", "evidence_number": "1"} | change

    errors = refused(lambda: lifecycle.person_record_death(
        actor=clerk, person=people["budi"], **values))  # fmt: skip

    assert says in " ".join(errors[field]).lower()
    unchanged(home, people)


def test_the_head_cannot_leave_without_a_new_head(family, clerk):
    home, people = family

    errors = refused(lambda: lifecycle.person_move_out(
        actor=clerk, person=people["abdul"], date=DAY, destination="Dompu"))  # fmt: skip

    assert "kepala keluarga baru" in errors["new_head"][0]
    unchanged(home, people)


def test_a_new_head_who_leaves_too_is_refused(family, clerk):
    home, people = family

    errors = refused(lambda: lifecycle.person_move_out(
        actor=clerk, person=people["abdul"], date=DAY, destination="Dompu",
        new_head=people["abdul"]))  # fmt: skip

    assert "new_head" in errors
    unchanged(home, people)


def test_the_dead_cannot_move_or_die_again(family, clerk):
    home, people = family
    lifecycle.person_record_death(actor=clerk, person=people["budi"], date=DAY,
                                  evidence_kind="akta_kematian", evidence_number="1")  # fmt: skip

    errors = refused(lambda: lifecycle.person_move_out(
        actor=clerk, person=people["budi"], date=DAY, destination="Dompu"))  # fmt: skip

    assert "meninggal" in errors["person"][0]
    assert home.events.count() == 1


def test_the_last_member_leaving_keeps_the_headship(family, clerk):
    home = HouseholdFactory()
    alone = PersonFactory(household=home, relationship="head")

    lifecycle.person_move_out(actor=clerk, person=alone, date=DAY, destination="Bali")

    assert Person.objects.get(pk=alone.pk).relationship == "head"


# --- scope and roles ----------------------------------------------------------------------


@pytest.fixture
def mataram(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")


@pytest.mark.parametrize("scope", ["52.72.02", "52.71"], ids=["other district", "other city"])
def test_staff_of_another_area_find_no_household(family, mataram, scope):
    home, people = family
    elsewhere = staff_user(Role.BACK_OFFICE, scope)

    with pytest.raises(Http404):
        lifecycle.person_move_out(actor=elsewhere, person=people["budi"], date=DAY,
                                  destination="Dompu")  # fmt: skip
    with pytest.raises(Http404):
        lifecycle.household_dissolve(actor=elsewhere, household=home, reason="x")
    unchanged(home, people)


def test_a_facilitator_records_no_change(family):
    _home, people = family
    facilitator = staff_user(Role.FACILITATOR, "52.72.01")

    with pytest.raises(PermissionDenied):
        lifecycle.person_move_out(actor=facilitator, person=people["budi"], date=DAY,
                                  destination="Dompu")  # fmt: skip


# --- pecah KK, merge, dissolve ----------------------------------------------------------------


def test_a_split_founds_a_household_with_its_members(family, clerk):
    home, people = family

    founded = lifecycle.household_split(
        actor=clerk, household=home, members=[people["budi"], people["putri"]],
        new_kk_number=NEW_KK, new_head=people["budi"], address="Jalan Baru 2", rt="3",
    )  # fmt: skip

    assert founded.kk_number == NEW_KK and founded.region_id == home.region_id
    assert founded.rt == "003"
    assert dict(founded.members.values_list("name", "relationship")) == {
        "Budi": "head", "Putri": "child",
    }  # fmt: skip
    assert set(home.members.values_list("name", flat=True)) == {"Abdul", "Siti"}
    assert home.events.get().kind == "split_from"
    assert founded.events.get().details["household"] == home.pk


def test_the_head_founding_a_new_kk_names_who_heads_those_who_stay(family, clerk):
    home, people = family

    errors = refused(lambda: lifecycle.household_split(
        actor=clerk, household=home, members=[people["abdul"]], new_kk_number=NEW_KK,
        new_head=people["abdul"], address="Jalan Baru 2"))  # fmt: skip
    assert "remaining_head" in errors
    assert Household.objects.count() == 1

    founded = lifecycle.household_split(
        actor=clerk, household=home, members=[people["abdul"]], new_kk_number=NEW_KK,
        new_head=people["abdul"], address="Jalan Baru 2", remaining_head=people["siti"],
    )  # fmt: skip

    assert founded.members.get().relationship == "head"
    assert home.members.get(relationship="head").name == "Siti"


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"new_kk_number": "123"}, "new_kk_number", "16"),
        ({"new_kk_number": ""}, "new_kk_number", "nomor kk"),
        ({"address": ""}, "address", "alamat"),
        ({"rt": "12345"}, "rt", "tiga angka"),
        ({"members": []}, "members", "anggota"),
        ({"new_head": None}, "new_head", "kepala"),
    ],
)
def test_bad_input_to_a_split_is_refused_at_its_field(family, clerk, change, field, says):
    home, people = family
    values = {"members": [people["budi"]], "new_kk_number": NEW_KK, "new_head": people["budi"],
                  "address": "Jalan Baru 2"} | change  # fmt: skip

    errors = refused(lambda: lifecycle.household_split(actor=clerk, household=home, **values))

    assert says in " ".join(errors[field]).lower()
    assert Household.objects.count() == 1
    unchanged(home, people)


def test_a_kk_number_already_used_is_refused(family, clerk):
    home, people = family
    HouseholdFactory(kk_number=NEW_KK)

    errors = refused(lambda: lifecycle.household_split(
        actor=clerk, household=home, members=[people["budi"]], new_kk_number=NEW_KK,
        new_head=people["budi"], address="Jalan Baru 2"))  # fmt: skip

    assert "sudah terdaftar" in errors["new_kk_number"][0]
    unchanged(home, people)


def test_splitting_every_member_is_refused(family, clerk):
    home, people = family

    errors = refused(lambda: lifecycle.household_split(
        actor=clerk, household=home, members=list(people.values()), new_kk_number=NEW_KK,
        new_head=people["budi"], address="Jalan Baru 2"))  # fmt: skip

    assert "members" in errors
    unchanged(home, people)


def test_a_merge_moves_the_members_under_the_other_head_and_ends_the_household(family, clerk):
    home, people = family
    other = HouseholdFactory()
    PersonFactory(household=other, name="Hasan", relationship="head")

    lifecycle.household_merge(actor=clerk, source=home, target=other)

    assert other.members.count() == 5
    assert other.members.get(relationship="head").name == "Hasan"
    assert Person.objects.get(pk=people["abdul"].pk).relationship == "other"
    home.refresh_from_db()
    assert home.dissolved_on is not None
    assert home.events.get().kind == "merged_into"
    assert other.events.get().kind == "merged_from"


def test_a_merge_into_itself_or_nowhere_is_refused(family, clerk):
    home, people = family

    assert "target" in refused(lambda: lifecycle.household_merge(
        actor=clerk, source=home, target=home))  # fmt: skip
    assert "target" in refused(lambda: lifecycle.household_merge(
        actor=clerk, source=home, target=None))  # fmt: skip
    unchanged(home, people)


def test_a_household_dissolves_once_no_one_lives_there(family, clerk):
    home, people = family

    errors = refused(lambda: lifecycle.household_dissolve(actor=clerk, household=home,
                                                          reason="Semua pindah"))  # fmt: skip
    assert "household" in errors
    for person in people.values():
        if person.relationship != "head":
            lifecycle.person_move_out(actor=clerk, person=person, date=DAY, destination="Bali")
    lifecycle.person_move_out(actor=clerk, person=people["abdul"], date=DAY, destination="Bali")

    assert "reason" in refused(lambda: lifecycle.household_dissolve(
        actor=clerk, household=home, reason=""))  # fmt: skip
    lifecycle.household_dissolve(actor=clerk, household=home, reason="Semua pindah")

    home.refresh_from_db()
    assert home.dissolved_on == local_date_in(home.region_id)  # the village's day
    assert "household" in refused(lambda: lifecycle.household_dissolve(
        actor=clerk, household=home, reason="lagi"))  # fmt: skip


# --- a member from another area -------------------------------------------------------------


@pytest.fixture
def elsewhere(kota_bima):
    """Rina lives in Rasanae Timur (52.72.02) with her father."""
    home = HouseholdFactory(region_id="52.72.02.1008", kk_number="5272020101200001")
    PersonFactory(household=home, name="Ayah Rina", relationship="head")
    rina = PersonFactory(household=home, name="Rina", sex="F", nik="5272024101950001",
                         birth_date=datetime.date(1995, 1, 1))  # fmt: skip
    return home, rina


def test_a_transfer_moves_the_person_once_a_supervisor_of_both_areas_approves(
    family, clerk, elsewhere
):
    home, _people = family
    old_home, rina = elsewhere
    transfer = lifecycle.person_transfer_request(
        actor=clerk, person=rina, to_household=home, relationship="child_in_law", note="Menikah"
    )
    assert Person.objects.get(pk=rina.pk).household_id == old_home.pk  # nothing moved yet
    for scope in ("52.72.01", "52.72.02"):  # a supervisor of one of the two areas only
        with pytest.raises(Http404):
            lifecycle.person_transfer_decide(actor=staff_user(Role.SUPERVISOR, scope),
                                             transfer=transfer, approve=True)  # fmt: skip
    with pytest.raises(PermissionDenied):  # covers both, but no supervisor
        lifecycle.person_transfer_decide(actor=staff_user(Role.BACK_OFFICE, "52.72"),
                                         transfer=transfer, approve=True)  # fmt: skip

    lifecycle.person_transfer_decide(
        actor=staff_user(Role.SUPERVISOR, "52.72"), transfer=transfer, approve=True
    )

    moved = Person.objects.get(pk=rina.pk)
    assert (moved.household_id, moved.relationship) == (home.pk, "child_in_law")
    assert moved.history.count() >= 2  # the same record, its history with it
    assert PersonTransfer.objects.get().status == "approved"
    assert old_home.events.get().kind == "transferred_out"
    assert set(home.events.values_list("kind", flat=True)) == {
        "transfer_requested", "transferred_in",
    }  # fmt: skip
    assert "transfer" in refused(lambda: lifecycle.person_transfer_decide(
        actor=staff_user(Role.SUPERVISOR, "52.72"), transfer=transfer, approve=False,
        note="x"))  # fmt: skip


def test_a_refused_transfer_says_why_and_moves_nothing(family, clerk, elsewhere):
    home, _people = family
    old_home, rina = elsewhere
    transfer = lifecycle.person_transfer_request(
        actor=clerk, person=rina, to_household=home, relationship="other"
    )
    supervisor = staff_user(Role.SUPERVISOR, "52.72")

    assert "note" in refused(lambda: lifecycle.person_transfer_decide(
        actor=supervisor, transfer=transfer, approve=False))  # fmt: skip
    lifecycle.person_transfer_decide(actor=supervisor, transfer=transfer, approve=False,
                                     note="Bukan anggota keluarga")  # fmt: skip

    assert Person.objects.get(pk=rina.pk).household_id == old_home.pk
    assert PersonTransfer.objects.get().status == "refused"


@pytest.mark.parametrize(
    ("who", "relationship", "field"),
    [
        ("nobody", "other", "nik"),
        ("member", "other", "nik"),
        ("head", "other", "nik"),
        ("rina", "head", "relationship"),
        ("rina", "", "relationship"),
    ],
)
def test_bad_transfer_requests_are_refused(family, clerk, elsewhere, who, relationship, field):
    home, people = family
    old_home, rina = elsewhere
    person = {"nobody": None, "member": people["budi"], "rina": rina,
              "head": old_home.members.get(relationship="head")}[who]  # fmt: skip

    errors = refused(lambda: lifecycle.person_transfer_request(
        actor=clerk, person=person, to_household=home, relationship=relationship))  # fmt: skip

    assert field in errors
    assert not PersonTransfer.objects.exists()


def test_one_transfer_waits_at_a_time(family, clerk, elsewhere):
    home, _people = family
    _old_home, rina = elsewhere
    lifecycle.person_transfer_request(actor=clerk, person=rina, to_household=home,
                                      relationship="other")  # fmt: skip

    errors = refused(lambda: lifecycle.person_transfer_request(
        actor=clerk, person=rina, to_household=home, relationship="other"))  # fmt: skip

    # Rina lives in another district: the clerk learns only that she cannot be moved in.
    assert errors["nik"] == [
        "Orang ini tidak dapat dipindahkan masuk dari sini; tanyakan ke kantor wilayahnya."
    ]
    supervisor = staff_user(Role.SUPERVISOR, "52.72")  # sees her: the reason is said
    errors = refused(lambda: lifecycle.person_transfer_request(
        actor=supervisor, person=rina, to_household=home, relationship="other"))  # fmt: skip
    assert "menunggu" in errors["nik"][0]


def test_a_dead_person_is_not_transferred(family, clerk, elsewhere):
    home, _people = family
    _old_home, rina = elsewhere
    Person.objects.filter(pk=rina.pk).update(status="deceased", status_date=DAY)

    assert "nik" in refused(lambda: lifecycle.person_transfer_request(
        actor=clerk, person=rina, to_household=home, relationship="other"))  # fmt: skip
