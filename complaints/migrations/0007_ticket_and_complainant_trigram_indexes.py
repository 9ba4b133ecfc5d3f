"""The lists' search box on PostgreSQL: a part of a ticket number (`LIKE '%…%'`) and a
caller's written name (trigram word similarity) are looked up through GIN trigram indexes
rather than by reading every complaint of the user's area.

pg_trgm is created by households' migration 0003; other databases (SQLite for the demo)
skip this and read the list.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS complaint_ticket_trgm_idx "
    "ON complaints_complaint USING gin (ticket_number gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS complaint_complainant_name_trgm_idx "
    "ON complaints_complaint USING gin (complainant_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS complaint_ticket_trgm_idx",
    "DROP INDEX IF EXISTS complaint_complainant_name_trgm_idx",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_constraint_messages"),
        ("households", "0003_person_name_trigram_index"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
