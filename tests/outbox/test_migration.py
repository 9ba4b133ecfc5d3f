"""The outbox's rows moved from `referrals` to `outbox` keeping every message: ids, keys,
statuses, attempts and times, each referral's message now about its referral; and the
move undoes."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from outbox.models import Dispatch
from referrals.services import referrals_create

BEFORE = [("referrals", "0011_referral_file_note_and_document_request"), ("outbox", None)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_dispatches_keeps_them_in_the_outbox(assessed, back_office, catalogue):
    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    (written,) = referral.dispatches.values_list("pk", "idempotency_key", "kind", "channel")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # back: the rows return to referrals' table
    try:
        old = executor.loader.project_state(BEFORE[:1]).apps.get_model("referrals", "Dispatch")
        assert list(old.objects.values_list("pk", "idempotency_key", "kind", "channel")) == [
            written
        ]
        long_ago = timezone.now() - datetime.timedelta(days=30)
        failed = old.objects.create(
            referral_id=referral.pk, kind="reminder", channel="webhook", status="failed",
            attempts=7, last_error="pengiriman gagal (HTTP 503)", payload={"event": "x"},
            idempotency_key=uuid.uuid4(),
        )  # fmt: skip
        old.objects.filter(pk=failed.pk).update(created_at=long_ago)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Dispatch.objects.get(pk=failed.pk)
    assert (moved.topic, moved.subject_id) == ("referral", referral.pk)
    assert (moved.kind, moved.channel, moved.status, moved.attempts) == (
        "reminder", "webhook", "failed", 7,
    )  # fmt: skip
    assert moved.idempotency_key == failed.idempotency_key
    assert moved.created_at == long_ago and moved.payload == {"event": "x"}
    assert moved.last_error == "pengiriman gagal (HTTP 503)"
    assert set(referral.dispatches.values_list("pk", flat=True)) == {written[0], failed.pk}
    # New rows take ids after the copied ones (the sequence followed them).
    later = Dispatch.objects.create(topic="referral", subject_id=referral.pk, kind="referral",
                                    channel="email")  # fmt: skip
    assert later.pk > failed.pk
