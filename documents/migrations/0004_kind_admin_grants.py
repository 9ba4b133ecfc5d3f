"""Administrators keep the document kinds (add, change); supervisors read them. Documents
themselves are read in the admin by the registry's supervising roles, within their area."""

from django.db import migrations

from accounts.roles import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        {
            "admin": [
                "documents.add_documentkind",
                "documents.change_documentkind",
                "documents.view_documentkind",
                "documents.view_document",
            ],
            "supervisor": ["documents.view_documentkind", "documents.view_document"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_document_storage"),
        ("accounts", "0013_field_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
