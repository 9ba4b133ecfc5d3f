"""Routing referrals: creation to delivery by real Celery workers through Redis to a
webhook, against a task that does nothing, in the same run, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/routing.py [--referrals 5000] [--workers 2] [--desks 2]

Builds a throwaway database (the configured name plus `_bench`, dropped at the end unless
`--keep`) with Kota Bima's regions, a generated registry and assessed complaints, starts a
webhook receiver on 127.0.0.1 (its own process; it checks every signature and counts each
idempotency key) and `--workers` Celery worker processes on a queue of their own, then:

1. Capacity. With the workers paused, queues `--referrals` no-op tasks (bench/noop.py, the
   options of `deliver_dispatch`), resumes them and times the queue until it is empty; then
   the same with as many referrals (`referrals_create` from `--desks` processes, as the back
   office does: each outbox row is queued after its commit). Prints both rates and their
   ratio: what two workers deliver, against what the queue alone carries.
2. Latency. Refers as many complaints again while the workers run, and reports, for each
   outbox row, the time from its creation to its delivery (p50, p95, max) and the rate at
   which the desks created them.

Goal: ≥ 200 referrals/s delivered and p95 ≤ 2 s.
"""

import argparse
import hashlib
import hmac
import io
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import StaffProfile  # noqa: E402
from accounts.roles import Role  # noqa: E402
from bench.noop import noop  # noqa: E402
from bench.registry import database_url, postgresql_version, require_postgresql  # noqa: E402
from complaints.models import Complaint, ComplaintCategory  # noqa: E402
from households.models import Household  # noqa: E402
from outbox.models import Dispatch  # noqa: E402
from programs.models import Agency, Program  # noqa: E402
from referrals.models import Referral  # noqa: E402
from referrals.services import referrals_create  # noqa: E402
from slrt.celery import app  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
REGION = "52.72"
User = get_user_model()
SECRET = "bench-signing-secret"  # noqa: S105 - signs messages to the benchmark's own receiver
GOAL_RATE, GOAL_P95 = 200, 2.0


# --- the agency's receiver -----------------------------------------------------------------


def serve_receiver(port_out) -> None:
    """An agency endpoint: refuses a bad signature, records each idempotency key once."""
    seen: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            signed = f"{self.headers['X-SLRT-Timestamp']}.".encode() + body
            expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("X-SLRT-Signature", "")):
                self.send_response(401)
                self.end_headers()
                return
            with lock:
                key = self.headers["Idempotency-Key"]
                seen[key] = seen.get(key, 0) + 1
            self.send_response(200)
            self.end_headers()

        def do_GET(self):  # the tally, for the benchmark at the end
            with lock:
                tally = json.dumps(seen).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(tally)))
            self.end_headers()
            self.wfile.write(tally)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.request_queue_size = 128
    port_out.send(server.server_address[1])
    server.serve_forever()


def receiver_tally(url: str) -> dict[str, int]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own receiver
        return json.load(response)


# --- workers ---------------------------------------------------------------------------------


def start_workers(count: int, queue: str, broker: str, log_dir: str) -> list[subprocess.Popen]:
    """`count` workers as deployed (prefork), each with one process running tasks."""
    workers = []
    for index in range(count):
        log = open(Path(log_dir) / f"worker{index}.log", "w")  # noqa: SIM115 - kept open
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "slrt", "worker", "--loglevel", "warning",
                 "--concurrency", "1", "--queues", queue, "--include", "bench.noop",
                 "--hostname", f"bench{index}-{queue}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=BASE_DIR,
                env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
                     "DEBUG": "false", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true"},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
    return workers


def wait_until_drained(broker: redis.Redis, queue: str, *, timeout: float) -> float:
    """Poll until no message of `queue` waits or is being worked on; the time it was seen."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if broker.llen(queue) == 0 and not any(
            json.loads(entry)[2] == queue for entry in broker.hvals("unacked")
        ):  # delivered but not acknowledged: [message, exchange, routing key]
            return time.perf_counter()
        time.sleep(0.005)
    sys.exit(f"the queue {queue} did not drain in {timeout:.0f} s: see the worker logs")


# --- the run ---------------------------------------------------------------------------------


def prepare(count: int) -> tuple[User, Program, list[int]]:
    call_command("load_regions", prefix=REGION, verbosity=0, stdout=io.StringIO())
    call_command("generate_households", count=count, region=REGION, seed=1, no_enrolments=True,
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    back_office = User.objects.create_user("bench-bo", password=uuid.uuid4().hex)
    back_office.groups.add(Group.objects.get(name=Role.BACK_OFFICE))
    StaffProfile.objects.create(user=back_office, scope_id=REGION)
    category = ComplaintCategory.objects.filter(is_active=True).first()
    now, today = timezone.now(), timezone.localdate()
    Complaint.objects.bulk_create(
        Complaint(
            ticket_number=f"SLRT-5272-{today.year}-{index:06d}", household_id=household,
            complainant_name="Warga", channel=Complaint.Channel.WALK_IN, category=category,
            description="Butuh bantuan", consent_given=True, consent_recorded_by=back_office,
            consent_recorded_at=now, status=Complaint.Status.ASSESSED,
            registered_by=back_office, first_action_due=today, resolution_due=today,
        )
        for index, household in enumerate(Household.objects.values_list("pk", flat=True), 1)
    )  # fmt: skip
    agency = Agency.objects.create(
        name="Lembaga uji", level=Agency.Level.MUNICIPAL, region_id=REGION,
        webhook_secret=SECRET,
    )  # fmt: skip
    program = Program.objects.create(
        code="UJI", name="Program uji", level=Agency.Level.MUNICIPAL, agency=agency
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return back_office, program, list(Complaint.objects.values_list("pk", flat=True))


def refer(actor: User, program: Program, complaints: list[int]) -> None:
    """One back-office desk: refer each complaint, one after the other."""
    connection.close()  # a connection of this process's own
    for complaint in Complaint.objects.filter(pk__in=complaints).select_related("household"):
        referrals_create(actor=actor, complaint=complaint, programs=[program])
    connection.close()


def refer_all(actor: User, program: Program, complaints: list[int], desks: int) -> float:
    """Refer every complaint from `desks` processes at once; the seconds it took."""
    connection.close()
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    processes = [
        context.Process(target=refer, args=(actor, program, complaints[index::desks]))
        for index in range(desks)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    if any(process.exitcode for process in processes):
        sys.exit("creating referrals failed: see the traceback above")
    return time.perf_counter() - started


def wait_for_workers(count: int, log_dir: str) -> None:
    deadline = time.perf_counter() + 120
    while len(app.control.ping(timeout=1, limit=count)) < count:
        if time.perf_counter() > deadline:
            sys.exit(f"the workers did not start in 120 s: see the logs in {log_dir}")


def paused(queue: str, workers: int) -> None:
    """Workers stop taking `queue` (what each holds already, it finishes)."""
    replies = app.control.cancel_consumer(queue, reply=True, timeout=10, limit=workers)
    if len(replies) != workers:
        sys.exit(f"only {len(replies)} of {workers} workers answered: {replies}")


def resume(queue: str, workers: int) -> float:
    """Workers take `queue` again: the moment they all said so."""
    replies = app.control.add_consumer(queue, reply=True, timeout=10, limit=workers)
    if len(replies) != workers:
        sys.exit(f"only {len(replies)} of {workers} workers answered: {replies}")
    return time.perf_counter()


def delivered(complaints: list[int], log_dir: str) -> list[tuple]:
    """Wait until the outbox is empty; (created_at, sent_at) of the referrals of `complaints`."""
    deadline = time.perf_counter() + 600
    while Dispatch.objects.filter(status=Dispatch.Status.PENDING).exists():  # its index
        if time.perf_counter() > deadline:
            sys.exit(f"dispatches still pending after 600 s: see the logs in {log_dir}")
        time.sleep(0.02)
    referrals = Referral.objects.filter(complaint__in=complaints).values("pk")
    rows = Dispatch.objects.filter(topic=Referral.OUTBOX_TOPIC, subject_id__in=referrals)
    found = list(rows.values_list("status", "created_at", "sent_at"))
    failed = sum(status != Dispatch.Status.SENT for status, _, _ in found)
    if failed or len(found) != len(complaints):
        sys.exit(f"{len(found)} dispatches, {failed} not sent: see the logs in {log_dir}")
    return [(created, sent) for _, created, sent in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, default=5000, help="in each part (5000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--desks", type=int, default=2, help="processes creating referrals (2)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    require_postgresql()
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL to a Redis URL: the benchmark is about the real queue.")

    n = options.referrals
    broker_url = settings.CELERY_BROKER_URL
    broker = redis.Redis.from_url(broker_url)
    database = settings.DATABASES["default"]
    database["TEST"]["NAME"] = f"{database['NAME']}_bench"
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    receiving, sending = multiprocessing.Pipe(duplex=False)
    receiver = multiprocessing.Process(target=serve_receiver, args=(sending,), daemon=True)
    receiver.start()
    receiver_url = f"http://127.0.0.1:{receiving.recv()}/"
    log_dir = tempfile.mkdtemp(prefix="slrt-bench-")
    workers = []
    try:
        started = time.perf_counter()
        actor, program, complaints = prepare(2 * n)
        Agency.objects.filter(pk=program.agency_id).update(webhook_url=receiver_url)
        program.agency.webhook_url = receiver_url
        backlog, live = complaints[:n], complaints[n:]
        print(f"prepared {len(complaints):,} assessed complaints in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        workers = start_workers(options.workers, queue, broker_url, log_dir)
        wait_for_workers(options.workers, log_dir)
        pg_version = postgresql_version()
        print(
            f"{n:,} referrals in each part, to a webhook on 127.0.0.1; {options.workers} "
            f"workers of one process each, {options.desks} back-office processes; PostgreSQL "
            f"{pg_version}, Redis {broker.info()['redis_version']}, "
            f"{os.cpu_count()} CPUs"
        )

        paused(queue, options.workers)
        for index in range(n):
            noop.apply_async(args=[index])
        begun = resume(queue, options.workers)
        noop_rate = n / (wait_until_drained(broker, queue, timeout=600) - begun)
        paused(queue, options.workers)
        refer_all(actor, program, backlog, options.desks)
        begun = resume(queue, options.workers)
        wait_until_drained(broker, queue, timeout=600)
        rate = n / (time.perf_counter() - begun)
        delivered(backlog, log_dir)
        print(f"capacity   no-op tasks {noop_rate:6.0f}/s, referrals delivered {rate:6.0f}/s: "
              f"ratio {rate / noop_rate:.2f}×")  # fmt: skip

        creating = refer_all(actor, program, live, options.desks)
        latencies = sorted(
            (sent - created).total_seconds() for created, sent in delivered(live, log_dir)
        )
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"latency    created at {n / creating:.0f}/s, creation → delivery "
              f"p50 {statistics.median(latencies):.3f} s, p95 {p95:.3f} s, "
              f"max {latencies[-1]:.3f} s")  # fmt: skip

        tally = receiver_tally(receiver_url)
        repeats = sum(count - 1 for count in tally.values())
        if len(tally) != 2 * n:
            sys.exit(f"the receiver saw {len(tally)} idempotency keys for {2 * n} dispatches")
        print(f"receiver   {len(tally):,} keys, every signature valid, {repeats} repeats")
        met = rate >= GOAL_RATE and p95 <= GOAL_P95
        print(f"goal ≥ {GOAL_RATE} referrals/s and p95 ≤ {GOAL_P95:.0f} s: "
              f"{'met' if met else 'NOT met'}")  # fmt: skip
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        receiver.terminate()
        broker.delete(queue)
        connection.close()
        if not options.keep:
            teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
