"""A working area is a `regions.Region` now (the same table): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_api_tokens"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalstaffprofile",
                    name="scope",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The user sees only households in this region. Empty: sees none.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regions.region",
                        verbose_name="scope",
                    ),
                ),
                migrations.AlterField(
                    model_name="staffprofile",
                    name="scope",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="The user sees only households in this region. Empty: sees none.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="scope",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
