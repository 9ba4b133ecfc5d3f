"""Supervisors and administrators read the access log; nobody may change it."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "supervisor": ["accounts.view_accesslog"],
    "admin": ["accounts.view_accesslog"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_access_log")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
