"""The outbox's rows move from `referrals` to `outbox`: each dispatch is copied with its id,
idempotency key, status, attempts and times (a task queued with an id, and a receiver that
saw a key, find the same message), its referral becoming its subject (`topic` "referral").
`referrals.0014_dispatch_moves_to_outbox` then drops the old table. One INSERT … SELECT,
on SQLite and PostgreSQL alike; the id sequence then follows the copied ids."""

from django.core.management.color import no_style
from django.db import migrations

from accounts.roles import grant_role_permissions

COLUMNS = [
    "id", "kind", "channel", "recipients", "payload", "idempotency_key", "status", "attempts",
    "last_error", "claimed_by", "claimed_until", "created_at", "sent_at",
]  # fmt: skip


def _copy(schema_editor, source: str, target: str, *, to_outbox: bool) -> None:
    quote = schema_editor.quote_name
    columns = ", ".join(quote(column) for column in COLUMNS)
    if to_outbox:
        sql = (
            f"INSERT INTO {quote(target)} ({columns}, {quote('topic')}, {quote('subject_id')}) "
            f"SELECT {columns}, 'referral', {quote('referral_id')} FROM {quote(source)}"
        )
    else:
        sql = (
            f"INSERT INTO {quote(target)} ({columns}, {quote('referral_id')}) "
            f"SELECT {columns}, {quote('subject_id')} FROM {quote(source)} "
            f"WHERE {quote('topic')} = 'referral'"
        )
    schema_editor.execute(sql)


def _follow_ids(schema_editor, model) -> None:
    for statement in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    old = apps.get_model("referrals", "Dispatch")
    new = apps.get_model("outbox", "Dispatch")
    _copy(schema_editor, old._meta.db_table, new._meta.db_table, to_outbox=True)
    _follow_ids(schema_editor, new)
    grant_role_permissions(
        apps, {"supervisor": ["outbox.view_dispatch"], "admin": ["outbox.view_dispatch"]}
    )


def backwards(apps, schema_editor):
    old = apps.get_model("referrals", "Dispatch")
    new = apps.get_model("outbox", "Dispatch")
    _copy(schema_editor, new._meta.db_table, old._meta.db_table, to_outbox=False)
    _follow_ids(schema_editor, old)


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_outbox"),
        ("referrals", "0011_referral_file_note_and_document_request"),
        ("accounts", "0006_referral_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
