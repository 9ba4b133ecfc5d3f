"""`Region` moves here from `households`, keeping its table (`households_region`) and its
rows: this migration only tells Django's state that the model is now `regions.Region`.
On a new database the table is made by `households.0001_initial`; `households.0008`
takes the model out of that app's state and moves its content type and permissions here.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("households", "0007_registry_import"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                max_length=13,
                                primary_key=True,
                                serialize=False,
                                verbose_name="code",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "level",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (1, "province"),
                                    (2, "regency/city"),
                                    (3, "district"),
                                    (4, "village"),
                                ],
                                verbose_name="level",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="regions.region",
                                verbose_name="part of",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "region",
                        "verbose_name_plural": "regions",
                        "db_table": "households_region",
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("level__gte", 1), ("level__lte", 4)),
                                name="region_level_range",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
