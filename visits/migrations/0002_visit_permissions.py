"""Roles' permissions on home visits (pages check roles and scope; these serve the admin,
where supervisors and administrators read the visits of their area)."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    role: ["visits.view_visit", "visits.view_visitevent", "visits.view_visitfinding"]
    for role in ("supervisor", "admin")
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_field_roles"),
        ("visits", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
