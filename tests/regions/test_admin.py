"""The regions' admin: names are everyone's to read, an administrator renames those of
their own area only."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from regions.models import Region
from tests.factories import staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def test_a_district_admin_renames_the_regions_of_their_district_only(client):
    client.force_login(staff_user(role=Role.ADMIN, scope="52.72.01", is_staff=True))
    own, other = (Region.objects.get(code=c) for c in ("52.72.01.1001", "52.72.02.1008"))

    renamed = client.post(
        reverse("admin:regions_region_change", args=[own.pk]),
        {"name": "Kelurahan Baru", "level": own.level},
    )
    refused = client.post(
        reverse("admin:regions_region_change", args=[other.pk]),
        {"name": "Taken", "level": other.level},
    )
    city = client.post(
        reverse("admin:regions_region_change", args=["52.72"]), {"name": "Taken", "level": 2}
    )

    assert renamed.status_code == 302
    assert refused.status_code == 403 and city.status_code == 403
    assert Region.objects.get(pk=own.pk).name == "Kelurahan Baru"
    assert Region.objects.get(pk=other.pk).name == other.name
    assert Region.objects.get(pk="52.72").name != "Taken"


def test_an_admin_cannot_change_the_level_of_a_region_its_code_gives(client):
    # A village turned into a "district" would drop out of every village picker and its
    # households could no longer be saved; a district turned into a "village" could be chosen
    # as a household's village. The level follows the code, as the registry's file has it.
    client.force_login(staff_user(role=Role.ADMIN, scope="52.72.01", is_staff=True))
    village, district = (Region.objects.get(code=c) for c in ("52.72.01.1001", "52.72.01"))

    for region, level in [(village, Region.Level.DISTRICT), (district, Region.Level.VILLAGE)]:
        client.post(
            reverse("admin:regions_region_change", args=[region.pk]),
            {"name": region.name, "level": level},
        )

    assert Region.objects.get(pk=village.pk).level == Region.Level.VILLAGE
    assert Region.objects.get(pk=district.pk).level == Region.Level.DISTRICT


def test_the_history_of_a_region_outside_the_area_does_not_name_who_renamed_it(client):
    # Names are everyone's to read; who renamed a region, and when, is its area's: the users
    # list of a district admin does not show the administrators of another district.
    renamer = staff_user(role=Role.ADMIN, scope="52.72.02", is_staff=True, username="admin_asakota")
    client.force_login(renamer)
    client.post(reverse("admin:regions_region_change", args=["52.72.02"]), {"name": "Asakota Baru"})
    client.force_login(staff_user(role=Role.ADMIN, scope="52.72.01", is_staff=True))

    outside = client.get(reverse("admin:regions_region_history", args=["52.72.02"]))
    own = client.get(reverse("admin:regions_region_history", args=["52.72.01"]))

    assert Region.objects.get(pk="52.72.02").name == "Asakota Baru"
    assert outside.status_code == 403
    assert "admin_asakota" not in outside.content.decode()
    assert own.status_code == 200
