"""The office's roles read satisfaction surveys (the admin's list is scoped to their area);
no role changes one there: surveys are answered on the resident's page and at the desk."""

from django.db import migrations

from accounts.roles import grant_role_permissions

READ = ["complaints.view_satisfactionsurvey"]
GRANTS = {"front_office": READ, "back_office": READ, "supervisor": READ, "admin": READ}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_complaint_permissions"),
        ("complaints", "0012_satisfaction_survey"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
