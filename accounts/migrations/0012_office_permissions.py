"""Roles' permissions on offices: administrators keep their office's settings, supervisors
read them."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "supervisor": ["accounts.view_office"],
    "admin": [
        "accounts.view_office",
        "accounts.add_office",
        "accounts.change_office",
    ],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_offices")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
