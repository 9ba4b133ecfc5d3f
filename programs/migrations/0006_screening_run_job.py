"""The screening run becomes a background job (`slrt.jobs.Job`): it gains the job's progress
(the findings written so far, for a run already done its findings), and its request time a
default in place of auto_now_add."""

import django.utils.timezone
from django.db import migrations, models


def findings_as_progress(apps, schema_editor):
    ScreeningRun = apps.get_model("programs", "ScreeningRun")
    ScreeningRun.objects.update(
        progress_done=models.F("exclusion_count") + models.F("inclusion_count")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_agency_webhook_url"),
    ]

    operations = [
        migrations.AddField(
            model_name="screeningrun",
            name="progress_done",
            field=models.PositiveIntegerField(default=0, verbose_name="done so far"),
        ),
        migrations.AddField(
            model_name="screeningrun",
            name="progress_total",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="to do in all"),
        ),
        migrations.AlterField(
            model_name="screeningrun",
            name="requested_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="requested at"
            ),
        ),
        migrations.RunPython(findings_as_progress, migrations.RunPython.noop, elidable=True),
    ]
