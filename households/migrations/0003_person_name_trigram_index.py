"""Fuzzy name search on PostgreSQL: pg_trgm and a GIN trigram index on normalised names.

Other databases (SQLite for the demo) skip it; search falls back to a slower ranking there.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_trgm_idx "
    "ON households_person USING gin (name_normalized gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS person_name_trgm_idx"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("households", "0002_registry")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
