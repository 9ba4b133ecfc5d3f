"""Referral numbers count per complaint: `…/R1`, `…/R2`, in the order the complaint's
referrals were made, instead of the referral's id across the whole system. Existing
referrals are numbered the same way (oldest first), so that every complaint's referrals run
1, 2, … without a gap. The field becomes required in the next migration: on PostgreSQL a
table whose rows were just updated is altered in a transaction of its own."""

from django.db import connections, migrations, models


def number_existing(apps, schema_editor):
    """One statement, whatever the number of referrals: each one's place among its
    complaint's referrals, oldest first (PostgreSQL, and SQLite from 3.33)."""
    Referral = apps.get_model("referrals", "Referral")
    connection = schema_editor.connection if schema_editor else connections["default"]
    table = connection.ops.quote_name(Referral._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET sequence = numbered.place FROM ("
            f"  SELECT id, row_number() OVER (PARTITION BY complaint_id ORDER BY created_at, id)"
            f"  AS place FROM {table}"
            f") AS numbered WHERE {table}.id = numbered.id"
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0006_constraint_messages")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="sequence",
            field=models.PositiveIntegerField(
                editable=False, null=True, verbose_name="number within the complaint"
            ),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop, elidable=True),
    ]
