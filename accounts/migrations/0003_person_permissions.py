"""Roles' permissions on household members (Person), added with the registry."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "front_office": ["households.view_person", "households.add_person", "households.change_person"],
    "back_office": ["households.view_person", "households.change_person"],
    "supervisor": ["households.view_person"],
    "admin": ["households.view_person"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("households", "0002_registry"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
