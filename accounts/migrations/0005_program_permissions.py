"""Roles' permissions on programmes and enrolments."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "front_office": ["programs.view_program", "programs.view_enrollment"],
    "back_office": ["programs.view_program", "programs.view_enrollment"],
    "supervisor": ["programs.view_program", "programs.view_enrollment"],
    "agency_officer": ["programs.view_program"],
    "admin": [
        "programs.view_program",
        "programs.add_program",
        "programs.change_program",
        "programs.view_enrollment",
        "programs.add_enrollment",
        "programs.change_enrollment",
    ],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_complaint_permissions"),
        ("programs", "0002_programs_and_enrollments"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
