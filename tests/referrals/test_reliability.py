"""Referrals against the real services: a real worker fed through Redis, and through
RabbitMQ, delivers to a webhook receiver on 127.0.0.1; two workers on one queue and a worker
killed mid delivery still make one delivery per idempotency key, on either broker; nothing
is lost while Redis is down; concurrent answers conflict.

These need PostgreSQL and Redis (skipped without them, failing with
SLRT_REQUIRE_SERVICES=1 as in CI). Rows are committed (`transactional_db`) so that the
worker processes see them.
"""

import datetime
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from outbox.models import Dispatch
from outbox.services import enqueue_dispatches, outbox_sweep
from programs.models import Agency
from referrals.services import ReferralConflict, referral_transition, referrals_create
from slrt.brokers import is_amqp
from tests.services import require_postgresql, require_redis
from tests.workers import (
    IdempotentReceiver,
    new_queue,
    publishing_to,
    start_worker,
    stop_worker,
    wait_for,
)

# Committed rows, and the migrations' rows (roles, categories) put back after each test.
pytestmark = [
    pytest.mark.services("postgresql", "redis"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def services():
    require_postgresql()
    return require_redis()


@pytest.fixture
def receiver(catalogue):
    receiver = IdempotentReceiver("/rujukan")
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(
        email="", webhook_url=receiver.url, webhook_secret="rahasia"
    )
    yield receiver
    receiver.close()


def age(referral) -> None:
    """Make the referral's messages two minutes old: what the sweep waits for."""
    referral.dispatches.update(created_at=timezone.now() - datetime.timedelta(minutes=2))


def webhook_of(referral) -> Dispatch:
    return referral.dispatches.get(channel="webhook")


def refer(back_office, complaint, catalogue):
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["JAMKESDA"]]
    )
    return referral


def test_a_real_worker_delivers_a_referral_to_the_agencys_webhook(
    broker, receiver, assessed, back_office, catalogue
):
    queue = new_queue()
    worker = start_worker(queue, broker)
    try:
        with publishing_to(broker, queue):
            referral = refer(back_office, assessed(), catalogue)
            wait_for(lambda: webhook_of(referral).status == "sent", what="the delivery")
    finally:
        output = stop_worker(worker)
    assert list(receiver.received) == [str(webhook_of(referral).idempotency_key)], output
    assert referral.events.filter(action="delivered").count() == 1


def test_two_workers_on_one_broker_deliver_each_message_once(
    broker, receiver, assessed, back_office, catalogue
):
    """As a province runs it: several workers on one broker. Each message is queued twice
    at once (after commit, and as the sweep would), so that while one worker's delivery is
    still waiting for the agency's answer the other worker takes the copy; and a third time
    once sent. The agency still receives each message once."""
    queue = new_queue()
    workers = [start_worker(queue, broker), start_worker(queue, broker)]
    receiver.hold.clear()  # the agency is slow to answer
    try:
        with publishing_to(broker, queue):
            ids = []
            for _ in range(6):
                ids.append(webhook_of(refer(back_office, assessed(), catalogue)).pk)
                enqueue_dispatches(ids[-1:])  # the copy, right behind the first
            wait_for(receiver.arrived.is_set, what="a first delivery")
            time.sleep(3)  # the other worker meanwhile takes the copy of the held message
            receiver.hold.set()
            wait_for(
                lambda: Dispatch.objects.filter(pk__in=ids, status="sent").count() == len(ids),
                what="every delivery",
            )
            enqueue_dispatches(ids)  # once more, messages already sent
            time.sleep(2)
    finally:
        outputs = [stop_worker(worker) for worker in workers]
    keys = Dispatch.objects.filter(pk__in=ids).values_list("idempotency_key", flat=True)
    assert sorted(receiver.requests) == sorted(str(key) for key in keys), outputs
    assert all("succeeded" in output for output in outputs), "both workers took a share"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: _answers(port), timeout=15, what="redis-server to start")
    return process


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_with_redis_down_a_referral_is_saved_and_the_sweep_delivers_it_later(
    services, receiver, assessed, back_office, catalogue
):
    require_redis()
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    redis.terminate()  # Redis goes down before the referral is made
    redis.wait(10)
    queue = new_queue()

    with publishing_to(broker, queue):
        started = time.monotonic()
        referral = refer(back_office, assessed(), catalogue)  # must not fail, nor hang
        took = time.monotonic() - started
        assert webhook_of(referral).status == "pending"

        redis = start_redis(port)  # Redis is back, and a worker with it
        worker = start_worker(queue, broker)
        try:
            age(referral)
            assert outbox_sweep() == 1
            wait_for(lambda: webhook_of(referral).status == "sent", what="the delivery")
        finally:
            output = stop_worker(worker)
            print(output)  # shown when the test fails
            redis.terminate()
            redis.wait(10)
    assert took < 10, f"creating the referral took {took:.1f} s with Redis down"
    assert list(receiver.received) == [str(webhook_of(referral).idempotency_key)], output


def test_a_worker_killed_mid_delivery_leads_to_one_delivery_per_key(
    broker, receiver, assessed, back_office, catalogue
):
    queue = new_queue()
    receiver.hold.clear()  # the receiver keeps the first request waiting
    first = start_worker(queue, broker, SLRT_DISPATCH_CLAIM_SECONDS=2)
    try:
        with publishing_to(broker, queue):
            referral = refer(back_office, assessed(), catalogue)
            assert receiver.arrived.wait(45), "the first worker never posted"
            stop_worker(first, kill=True)  # SIGKILL while the request is in flight
            receiver.hold.set()
            assert webhook_of(referral).status == "pending"

            second = start_worker(queue, broker, SLRT_DISPATCH_CLAIM_SECONDS=2)
            try:
                time.sleep(2.5)  # the dead worker's claim runs out
                age(referral)
                swept = outbox_sweep()
                # Redis keeps the dead worker's task hidden for its visibility timeout: the
                # sweep sends it again. RabbitMQ gives it back when the worker's channel
                # closes: the second worker may already hold it, and the sweep finds none.
                assert swept == 1 or (is_amqp(broker) and swept == 0)
                wait_for(lambda: webhook_of(referral).status == "sent", what="the re-delivery")
            finally:
                output = stop_worker(second)
    finally:
        receiver.hold.set()
        if first.poll() is None:
            stop_worker(first, kill=True)
    key = str(webhook_of(referral).idempotency_key)
    assert set(receiver.requests) == {key}, output  # every attempt carried the same key
    assert len(receiver.requests) >= 2
    assert list(receiver.received) == [key]


def test_two_concurrent_answers_give_one_success_and_one_conflict(
    services, assessed, back_office, catalogue, officer_of
):
    referral = refer(back_office, assessed(), catalogue)
    officers = [officer_of("JAMKESDA"), officer_of("JAMKESDA")]
    moves = [("received", ""), ("rejected", "Kuota habis.")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(officer, to, note):
        try:
            barrier.wait(10)
            referral_transition(actor=officer, referral=referral, to=to, note=note, version=1)
            outcomes.append("ok")
        except ReferralConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(officer, to, note))
        for officer, (to, note) in zip(officers, moves, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["conflict", "ok"]
    referral.refresh_from_db()
    assert referral.version == 2
    assert referral.events.filter(action="status").count() == 2  # sent, and the one winner
