"""Roles' permissions on complaints, added with the complaints app."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "front_office": [
        "complaints.view_complaint",
        "complaints.add_complaint",
        "complaints.view_complaintcategory",
    ],
    "back_office": [
        "complaints.view_complaint",
        "complaints.add_complaint",
        "complaints.change_complaint",
        "complaints.view_complaintcategory",
    ],
    "supervisor": [
        "complaints.view_complaint",
        "complaints.change_complaint",
        "complaints.view_complaintcategory",
    ],
    "admin": [
        "complaints.view_complaint",
        "complaints.view_complaintcategory",
        "complaints.add_complaintcategory",
        "complaints.change_complaintcategory",
    ],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_person_permissions"),
        ("complaints", "0002_categories"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
