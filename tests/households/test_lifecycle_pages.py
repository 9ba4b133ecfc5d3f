"""The pages of a household's changes: what the household page offers and shows, each
change's form (saved, or refused at its field), and the supervisors' queue of transfers."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import Household, HouseholdEvent, Person, PersonTransfer
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, staff_user

NEW_KK = "5272010101309999"


@pytest.fixture
def family(kota_bima):
    home = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272010101200007")
    head = PersonFactory(household=home, name="Abdul Haris", relationship="head")
    son = PersonFactory(household=home, name="Budi Santoso", birth_date=datetime.date(2004, 5, 1))
    return home, head, son


@pytest.fixture
def clerk(kota_bima):
    return staff_user(Role.FRONT_OFFICE, "52.72.01")


def test_the_household_page_greys_those_who_left_and_offers_the_changes(family, clerk, as_user):
    home, head, son = family
    Person.objects.filter(pk=son.pk).update(
        status="moved_out", status_date=datetime.date(2026, 9, 3)
    )

    page = as_user(clerk).get(reverse("households:detail", args=[home.pk])).content.decode()

    assert "pindah keluar · 03-09-2026" in page.lower()
    assert "opacity-75" in page
    death = reverse("households:record_death", args=[home.pk])
    assert f"{death}?member={head.pk}" in page
    assert f"{death}?member={son.pk}" not in page  # no second leaving
    for name in ("split", "merge", "dissolve", "transfer_request"):
        assert reverse(f"households:{name}", args=[home.pk]) in page
    assert "Perubahan keluarga" in page


def test_a_facilitator_reads_the_page_without_the_changes(family, as_user):
    home, _head, _son = family

    page = (
        as_user(staff_user(Role.FACILITATOR, "52.72.01"))
        .get(reverse("households:detail", args=[home.pk]))
        .content.decode()
    )

    assert reverse("households:split", args=[home.pk]) not in page
    assert reverse("households:record_death", args=[home.pk]) not in page


def test_a_death_recorded_on_its_page(family, clerk, as_user):
    home, _head, son = family
    client = as_user(clerk)
    url = reverse("households:record_death", args=[home.pk])

    form = client.get(url, {"member": son.pk}).content.decode()
    assert f'value="{son.pk}" selected' in form
    assert reverse("documents:upload", args=["person", son.pk]) in form

    response = client.post(url, {
        "person": son.pk, "date": "01-10-2026", "evidence_kind": "akta_kematian",
        "evidence_number": "KM-0001",
    })  # fmt: skip

    assert response.status_code == 302
    son.refresh_from_db()
    assert (son.status, son.status_date) == ("deceased", datetime.date(2026, 10, 1))
    page = client.get(reverse("households:detail", args=[home.pk])).content.decode()
    assert "anggota meninggal" in page.lower() and "akta kematian KM-0001" in page


def test_a_death_in_the_future_is_refused_at_the_date(family, clerk, as_user):
    home, _head, son = family

    response = as_user(clerk).post(reverse("households:record_death", args=[home.pk]), {
        "person": son.pk, "date": "01-10-2099", "evidence_kind": "surat_desa",
        "evidence_number": "474/1",
    })  # fmt: skip

    assert response.status_code == 400
    assert "Tanggal tidak boleh di masa depan." in response.content.decode()
    assert Person.objects.get(pk=son.pk).status == "active"
    assert not HouseholdEvent.objects.exists()


def test_the_head_moving_out_without_a_new_head_is_refused(family, clerk, as_user):
    home, head, _son = family

    response = as_user(clerk).post(reverse("households:record_move_out", args=[home.pk]), {
        "person": head.pk, "date": "01-10-2026", "destination": "Dompu",
    })  # fmt: skip

    assert response.status_code == 400
    assert "pilih kepala keluarga baru" in response.content.decode()
    assert Person.objects.get(pk=head.pk).status == "active"


def test_pecah_kk_on_its_page(family, clerk, as_user):
    home, _head, son = family

    response = as_user(clerk).post(reverse("households:split", args=[home.pk]), {
        "members": [son.pk], "new_head": son.pk, "new_kk_number": NEW_KK,
        "address": "Jalan Baru 2", "rt": "4", "rw": "",
    })  # fmt: skip

    founded = Household.objects.get(kk_number=NEW_KK)
    assert response.url == reverse("households:detail", args=[founded.pk])
    assert founded.members.get().pk == son.pk


def test_a_kk_number_taken_elsewhere_is_refused_without_saying_where(family, clerk, as_user):
    home, _head, son = family
    HouseholdFactory(region_id="52.72.02.1008", kk_number=NEW_KK, address="Jalan Rahasia 9")

    response = as_user(clerk).post(reverse("households:split", args=[home.pk]), {
        "members": [son.pk], "new_head": son.pk, "new_kk_number": NEW_KK,
        "address": "Jalan Baru 2",
    })  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 400
    assert "sudah terdaftar" in page and "Jalan Rahasia" not in page
    assert Household.objects.count() == 2


def test_a_merge_with_a_household_of_another_district_finds_none(family, clerk, as_user):
    home, _head, _son = family
    HouseholdFactory(region_id="52.72.02.1008", kk_number=NEW_KK)

    response = as_user(clerk).post(
        reverse("households:merge", args=[home.pk]), {"target_kk_number": NEW_KK}
    )

    assert response.status_code == 400
    assert "Isi nomor KK keluarga di wilayah kerja Anda." in response.content.decode()
    assert Household.objects.get(pk=home.pk).dissolved_on is None


def test_a_merge_and_the_dissolved_page(family, clerk, as_user):
    home, _head, _son = family
    target = HouseholdFactory(kk_number=NEW_KK)
    PersonFactory(household=target, relationship="head", name="Hasan")
    client = as_user(clerk)

    response = client.post(
        reverse("households:merge", args=[home.pk]), {"target_kk_number": NEW_KK}
    )

    assert response.url == reverse("households:detail", args=[target.pk])
    page = client.get(reverse("households:detail", args=[home.pk])).content.decode()
    assert "dibubarkan pada" in page
    assert reverse("households:split", args=[home.pk]) not in page  # it changes no more


def test_dissolving_a_household_with_members_is_refused(family, clerk, as_user):
    home, _head, _son = family

    response = as_user(clerk).post(
        reverse("households:dissolve", args=[home.pk]), {"reason": "Pindah semua"}
    )

    assert response.status_code == 400
    assert "Masih ada anggota yang tinggal di sini" in response.content.decode()


@pytest.fixture
def mataram(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")


@pytest.mark.parametrize("scope", ["52.72.02", "52.71"], ids=["other district", "other city"])
@pytest.mark.parametrize("name", ["record_death", "split", "merge", "dissolve", "transfer_request"])
def test_staff_of_another_area_get_404(family, mataram, as_user, scope, name):
    home, _head, _son = family

    client = as_user(staff_user(Role.SUPERVISOR, scope))
    assert client.get(reverse(f"households:{name}", args=[home.pk])).status_code == 404
    assert client.post(reverse(f"households:{name}", args=[home.pk]), {}).status_code == 404


@pytest.fixture
def rina(kota_bima):
    """Rina lives in Rasanae Timur (52.72.02)."""
    home = HouseholdFactory(region_id="52.72.02.1008", kk_number="5272020101200001",
                            address="Jalan Timur 5")  # fmt: skip
    PersonFactory(household=home, name="Ayah Rina", relationship="head")
    return PersonFactory(household=home, name="Rina Wati", sex="F", nik="5272024101950001",
                         birth_date=datetime.date(1995, 1, 1))  # fmt: skip


def test_a_transfer_asked_on_its_page_and_decided_in_the_queue(family, clerk, rina, as_user):
    home, _head, _son = family
    page = as_user(clerk).post(
        reverse("households:transfer_request", args=[home.pk]),
        {"nik": rina.nik, "relationship": "child_in_law", "note": "Menikah"},
    )
    assert page.status_code == 302
    transfer = PersonTransfer.objects.get()
    detail = as_user(clerk).get(reverse("households:detail", args=[home.pk])).content.decode()
    assert "Jalan Timur" not in detail  # where the person lived is not this area's to see

    one_side = as_user(staff_user(Role.SUPERVISOR, "52.72.01")).get(reverse("households:transfers"))
    assert "Rina Wati" not in one_side.content.decode()  # covers only one of the two
    supervisor = as_user(staff_user(Role.SUPERVISOR, "52.72"))
    queue = supervisor.get(reverse("households:transfers")).content.decode()
    assert "Rina Wati" in queue

    refused = supervisor.post(reverse("households:transfers"),
                              {"transfer": transfer.pk, "decision": "refuse"})  # fmt: skip
    assert refused.status_code == 400
    assert "Tuliskan alasan permintaan pindah ditolak." in refused.content.decode()

    approved = supervisor.post(reverse("households:transfers"),
                               {"transfer": transfer.pk, "decision": "approve"})  # fmt: skip
    assert approved.status_code == 302
    assert Person.objects.get(pk=rina.pk).household_id == home.pk


def test_a_supervisor_of_one_area_cannot_decide_by_posting(family, clerk, rina, as_user):
    home, _head, _son = family
    as_user(clerk).post(
        reverse("households:transfer_request", args=[home.pk]),
        {"nik": rina.nik, "relationship": "other"},
    )
    transfer = PersonTransfer.objects.get()

    response = as_user(staff_user(Role.SUPERVISOR, "52.72.01")).post(
        reverse("households:transfers"), {"transfer": transfer.pk, "decision": "approve"}
    )

    assert response.status_code == 404
    assert PersonTransfer.objects.get().status == "pending"


def test_an_unknown_nik_is_said_at_the_nik(family, clerk, as_user):
    home, _head, _son = family

    response = as_user(clerk).post(
        reverse("households:transfer_request", args=[home.pk]),
        {"nik": "5272024101950009", "relationship": "other"},
    )

    assert response.status_code == 400
    assert "Tidak ada orang terdaftar dengan NIK ini." in response.content.decode()
