"""The office serving a region: the nearest office of the region and those above it, its
settings checked as the admin checks them, and the demo's office."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Office
from accounts.roles import Role
from accounts.selectors import office_for_region, scope_code_of
from accounts.services import office_upsert
from regions.models import Region
from tests.factories import staff_user


def office(code: str, name: str) -> Office:
    return office_upsert(
        region=Region.objects.get(code=code), name=name, address="Jalan 1", head_name="Kepala"
    )


def test_a_village_is_served_by_the_nearest_office_above_it(kota_bima):
    city = office("52.72", "Dinas Sosial Kota Bima")
    district = office("52.72.01", "SLRT Rasanae Barat")

    assert office_for_region("52.72.01.1001") == district
    assert office_for_region("52.72.01") == district
    assert office_for_region("52.72.02.1008") == city
    assert office_for_region("52.71") is None
    assert office_for_region(None) is None


def test_a_users_office_is_the_one_serving_their_working_area(kota_bima):
    city = office("52.72", "Dinas Sosial Kota Bima")

    desk = staff_user(Role.FRONT_OFFICE, "52.72.01.1001")
    assert office_for_region(scope_code_of(desk)) == city
    assert office_for_region(scope_code_of(staff_user(Role.FRONT_OFFICE, None))) is None


def test_the_office_is_found_in_one_query(kota_bima, django_assert_num_queries):
    office("52.72", "Dinas Sosial Kota Bima")
    office("52.72.01", "SLRT Rasanae Barat")

    with django_assert_num_queries(1):
        assert office_for_region("52.72.01.1001").region.name


@pytest.mark.parametrize("nip", ["1970051219950310", "19700512199503100A", "1970-05-12"])
def test_a_nip_that_is_not_18_digits_is_refused(kota_bima, nip):
    with pytest.raises(ValidationError) as refused:
        office_upsert(
            region=Region.objects.get(code="52.72"), name="Dinas", address="Jalan 1",
            head_name="Kepala", head_nip=nip,
        )  # fmt: skip

    assert "18 angka" in " ".join(refused.value.message_dict["head_nip"])
    assert not Office.objects.exists()


def test_the_nip_is_printed_in_its_groups(kota_bima):
    city = office_upsert(
        region=Region.objects.get(code="52.72"), name="Dinas", address="Jalan 1",
        head_name="Kepala", head_nip="19700512 199503 1 004",
    )  # fmt: skip

    assert city.head_nip_display == "19700512 199503 1 004"


def test_seed_demo_sets_up_the_kota_bima_office_once(db):
    call_command("seed_demo", verbosity=0)
    Office.objects.update(phone="0")  # an edit the next run resets
    call_command("seed_demo", verbosity=0)

    (demo,) = Office.objects.all()
    assert (demo.region_id, demo.name) == ("52.72", "Dinas Sosial Kota Bima")
    assert demo.address and demo.phone != "0" and demo.head_name
    assert len(demo.head_nip) == 18


def test_an_administrator_sets_up_offices_of_their_own_area_only(kota_bima, client):
    client.force_login(staff_user(Role.ADMIN, "52.72.01", is_staff=True))
    data = {"name": "Kantor", "address": "Jalan 1", "head_name": "Kepala"}

    outside = client.post(reverse("admin:accounts_office_add"), {**data, "region": "52.72.02"})
    inside = client.post(reverse("admin:accounts_office_add"), {**data, "region": "52.72.01"})

    assert outside.status_code == 200 and "region" in outside.context["adminform"].form.errors
    assert inside.status_code == 302
    assert list(Office.objects.values_list("region_id", flat=True)) == ["52.72.01"]


def test_who_changed_the_city_office_is_told_in_the_citys_area_only(kota_bima, client):
    # As with a region's renaming: the history names the city's administrators, whom a
    # district's administrator does not see among the users. The letterhead itself is read.
    city_admin = staff_user(Role.ADMIN, "52.72", is_staff=True, username="admin_kota_bima")
    client.force_login(city_admin)
    data = {"name": "Dinas Sosial Kota Bima", "address": "Jalan 1", "head_name": "Kepala"}
    client.post(reverse("admin:accounts_office_add"), {**data, "region": "52.72"})
    city = Office.objects.get(region_id="52.72")
    history = reverse("admin:accounts_office_history", args=[city.pk])
    assert "admin_kota_bima" in client.get(history).content.decode()

    client.force_login(staff_user(Role.ADMIN, "52.72.01", is_staff=True))
    read = client.get(reverse("admin:accounts_office_change", args=[city.pk]))
    refused = client.get(history)

    assert read.status_code == 200
    assert refused.status_code == 403
    assert "admin_kota_bima" not in refused.content.decode()
