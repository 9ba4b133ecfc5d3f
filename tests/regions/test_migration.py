"""A database made before regions had their own app keeps every row: the move changes
Django's state only, and the roles keep their region permissions."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import StaffProfile
from programs.models import Agency
from regions.models import Region

# The last migrations of the apps holding a region before the move.
BEFORE_THE_MOVE = [
    ("households", "0008_registry_import_job"),
    ("accounts", "0009_api_tokens"),
    ("programs", "0006_screening_run_job"),
]


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_from_before_the_move_keeps_its_regions_and_what_points_at_them():
    migrate([("regions", None)])  # back to before the move, and what came after it
    old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
    OldRegion = old.get_model("households", "Region")
    OldRegion.objects.create(code="52", name="Nusa Tenggara Barat", level=1)
    OldRegion.objects.create(code="52.72", name="Kota Bima", level=2, parent_id="52")
    OldRegion.objects.create(code="52.72.01", name="Rasanae Barat", level=3, parent_id="52.72")
    village = OldRegion.objects.create(
        code="52.72.01.1001", name="Paruga", level=4, parent_id="52.72.01"
    )
    household = old.get_model("households", "Household").objects.create(
        region=village, address="Jl. Sumbawa 1"
    )
    user = old.get_model("auth", "User").objects.create(username="clerk")
    old.get_model("accounts", "StaffProfile").objects.create(user=user, scope_id="52.72.01")
    agency = old.get_model("programs", "Agency").objects.create(
        name="Dinas Sosial Kota Bima", level="municipal", region_id="52.72"
    )
    admin_role = old.get_model("auth", "Group").objects.get(name="admin")
    assert admin_role.permissions.filter(
        content_type__app_label="households", codename="change_region"
    ).exists()

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert list(Region.objects.values_list("code", flat=True)) == [
        "52", "52.72", "52.72.01", "52.72.01.1001",
    ]  # fmt: skip
    assert Region.objects.get(code="52.72.01.1001").parent_id == "52.72.01"
    moved = Region.objects.get(code="52.72.01.1001").households.get()
    assert moved.pk == household.pk and moved.address == "Jl. Sumbawa 1"
    assert StaffProfile.objects.get(user__username="clerk").scope.name == "Rasanae Barat"
    assert Agency.objects.get(pk=agency.pk).region.name == "Kota Bima"
    admin_role = Group.objects.get(name="admin")
    assert admin_role.permissions.filter(
        content_type__app_label="regions", codename="change_region"
    ).exists()
    assert not ContentType.objects.filter(app_label="households", model="region").exists()
