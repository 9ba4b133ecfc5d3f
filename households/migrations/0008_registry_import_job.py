"""The registry import becomes a background job (`slrt.jobs.Job`): its uploader is the one who
requested it, and its rows are its progress. Renamed, so existing imports keep their values."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0007_registry_import"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("registryimport", "uploaded_by", "requested_by"),
        migrations.RenameField("registryimport", "uploaded_at", "requested_at"),
        migrations.RenameField("registryimport", "rows_done", "progress_done"),
        migrations.RenameField("registryimport", "rows_total", "progress_total"),
        migrations.AlterModelOptions(
            name="registryimport",
            options={
                "ordering": ["-requested_at", "-pk"],
                "verbose_name": "registry import",
                "verbose_name_plural": "registry imports",
            },
        ),
        migrations.AlterField(
            model_name="registryimport",
            name="requested_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="requested by",
            ),
        ),
        migrations.AlterField(
            model_name="registryimport",
            name="requested_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="requested at"
            ),
        ),
        migrations.AlterField(
            model_name="registryimport",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="done so far"),
        ),
        migrations.AlterField(
            model_name="registryimport",
            name="progress_total",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="to do in all"),
        ),
    ]
