"""Facilitators read the programme catalogue, as agency officers do: the programmes a
household receives and a visit checks are named by it."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {"facilitator": ["programs.view_program"]}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_field_roles"),
        ("programs", "0002_programs_and_enrollments"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
