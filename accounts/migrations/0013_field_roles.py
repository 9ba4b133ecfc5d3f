"""The field roles: facilitators, who do home visits, and village operators, who enter the
village's proposals to the national registry. Their permissions on the models they use are
granted by the migrations that make those models."""

from django.db import migrations

ROLES = ["facilitator", "village_operator"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0012_office_permissions")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
