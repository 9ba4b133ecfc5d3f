"""Residents' messages against the real services: real workers fed through Redis, and
through RabbitMQ, post to an HTTP SMS gateway on 127.0.0.1 that honours the
Idempotency-Key; a worker killed mid-send still leaves every message received, each once.

These need PostgreSQL, Redis and RabbitMQ (skipped without them, failing with
SLRT_REQUIRE_SERVICES=1 as in CI). Rows are committed (`transactional_db`) so that the
worker processes see them."""

import datetime
import json
import time

import pytest
from django.utils import timezone

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from outbox.models import Dispatch
from outbox.services import outbox_sweep
from slrt.brokers import is_amqp
from tests.factories import staff_user
from tests.workers import (
    IdempotentReceiver,
    new_queue,
    publishing_to,
    start_worker,
    stop_worker,
    wait_for,
)

pytestmark = [
    pytest.mark.services("postgresql", "redis"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TOKEN = "token-gerbang-uji"


def check_token(headers) -> None:
    assert headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.fixture
def gateway():
    gateway = IdempotentReceiver("/sms", check=check_token)
    yield gateway
    gateway.close()


def register(household, number: int):
    return complaint_register(
        actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01"),
        household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
        channel="walk_in",
        description=f"Keluhan {number}.",
        complainant=household.members.first(),
        phone=f"+62812345678{number:02d}",
        contact_channel="sms",
        contact_consent=True,
    )


def test_a_worker_killed_mid_send_leaves_every_message_received_once(
    broker, gateway, poor_household
):
    queue = new_queue()
    gateway.hold.clear()  # the provider keeps the first request waiting
    env = {"SLRT_SMS_GATEWAY": "http", "SLRT_SMS_GATEWAY_URL": gateway.url,
           "SLRT_SMS_GATEWAY_TOKEN": TOKEN, "SLRT_DISPATCH_CLAIM_SECONDS": 2}  # fmt: skip
    first = start_worker(queue, broker, **env)
    try:
        with publishing_to(broker, queue):
            complaints = [register(poor_household, number) for number in range(3)]
            messages = Dispatch.objects.filter(
                topic="complaint", subject_id__in=[c.pk for c in complaints]
            )
            assert messages.count() == 3
            assert gateway.arrived.wait(45), "the first worker never posted"
            stop_worker(first, kill=True)  # SIGKILL while the request is in flight
            gateway.hold.set()
            assert messages.filter(status="pending").exists()

            second = start_worker(queue, broker, **env)
            try:
                time.sleep(2.5)  # the dead worker's claim runs out
                messages.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
                swept = outbox_sweep()
                # Redis keeps the dead worker's task hidden for its visibility timeout: the
                # sweep sends it again. RabbitMQ gives it back when the worker's channel
                # closes: the second worker may already hold it, and the sweep finds none.
                assert swept >= 1 or (is_amqp(broker) and swept == 0)
                wait_for(lambda: messages.filter(status="sent").count() == 3,
                         what="every message sent")  # fmt: skip
            finally:
                output = stop_worker(second)
    finally:
        gateway.hold.set()
        if first.poll() is None:
            stop_worker(first, kill=True)
    keys = {str(key) for key in messages.values_list("idempotency_key", flat=True)}
    assert set(gateway.received) == keys, output  # every message received
    assert len(gateway.requests) > len(keys)  # the killed worker's one was posted again
    assert set(gateway.requests) == keys  # every attempt carried its message's key
    for key, body in gateway.received.items():
        row = messages.get(idempotency_key=key)
        assert json.loads(body) == {
            "to": row.recipients[0], "channel": "sms", "text": row.payload["text"], "id": key,
        }  # fmt: skip
