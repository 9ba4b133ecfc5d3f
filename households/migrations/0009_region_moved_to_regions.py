"""`Region` now lives in the `regions` app, in the same table (`households_region`), rows
untouched: the foreign keys here point to `regions.Region` and the model leaves this app's
state. Its content type moves too, so the roles keep their region permissions
(`regions.view_region`, `regions.change_region`) and the admin's history of regions keeps
pointing at them."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, from_label: str, to_label: str) -> None:
    """Relabel the region content type. If the permission pass of an earlier migration has
    already made one under the new label (a new database), its grants go to the old rows,
    which the roles hold, and it is removed."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    old = ContentType.objects.filter(app_label=from_label, model="region").first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=to_label, model="region").first()
    if new is not None:
        for permission in Permission.objects.filter(content_type=new):
            twin = Permission.objects.filter(content_type=old, codename=permission.codename)
            twin = twin.first()
            if twin is None:
                permission.content_type = old
                permission.save(update_fields=["content_type"])
                continue
            for group in permission.group_set.all():
                group.permissions.add(twin)
            for user in permission.user_set.all():
                user.user_permissions.add(twin)
            permission.delete()
        new.delete()
    old.app_label = to_label
    old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    move_content_type(apps, "households", "regions")


def backwards(apps, schema_editor):
    move_content_type(apps, "regions", "households")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0008_registry_import_job"),
        ("regions", "0001_initial"),
        ("accounts", "0010_scope_region_moved"),
        ("programs", "0007_region_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="registryimport",
                    name="area",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="area",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalhousehold",
                    name="region",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        limit_choices_to={"level": 4},
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regions.region",
                        verbose_name="village",
                    ),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="region",
                    field=models.ForeignKey(
                        limit_choices_to={"level": 4},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="households",
                        to="regions.region",
                        verbose_name="village",
                    ),
                ),
                migrations.DeleteModel(name="Region"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
