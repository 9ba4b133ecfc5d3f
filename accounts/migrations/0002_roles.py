"""The five roles as groups, with the model permissions of the models that exist so far.

Later migrations that add models grant their permissions the same way.
"""

from django.db import migrations

from accounts.roles import grant_role_permissions

VIEW_REGISTRY = ["households.view_region", "households.view_household"]

GRANTS = {
    "front_office": [*VIEW_REGISTRY, "households.add_household", "households.change_household"],
    "back_office": [*VIEW_REGISTRY, "households.change_household"],
    "supervisor": [
        *VIEW_REGISTRY,
        "programs.view_agency",
        "accounts.view_staffprofile",
        "auth.view_user",
    ],
    "agency_officer": ["programs.view_agency"],
    "admin": [
        *VIEW_REGISTRY,
        "households.change_region",
        "programs.view_agency",
        "programs.add_agency",
        "programs.change_agency",
        "accounts.view_staffprofile",
        "accounts.add_staffprofile",
        "accounts.change_staffprofile",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ],
}


def create_roles(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GRANTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("households", "0001_initial"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
