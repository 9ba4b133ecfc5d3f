"""Real Celery workers for tests against the real services: started as subprocesses on the
test's database and a queue of their own, stopped (or killed) by the test; and the HTTP
endpoint they deliver to."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.db import connection

from slrt.brokers import broker_settings
from slrt.celery import app


def database_url() -> str:
    """The URL of the test database this process uses, for a worker to use too."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def new_queue() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"  # no other worker on this machine takes our tasks


def start_worker(queue: str, broker: str, *, concurrency: int = 1, **env) -> subprocess.Popen:
    """A worker in a process group of its own (so that a test can kill it whole)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "slrt", "worker", "--loglevel", "info",
         "--concurrency", str(concurrency), "--queues", queue, "--include", "tests.worker_tasks",
         # a name of its own: RabbitMQ gives each node's control queue to one worker only
         "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
             "DEBUG": "true", **{key: str(value) for key, value in env.items()}},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )  # fmt: skip


def stop_worker(process: subprocess.Popen, *, kill: bool = False) -> str:
    """Stop the worker (SIGTERM, or SIGKILL to the whole group) and return its output."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output


@contextlib.contextmanager
def publishing_to(broker: str, queue: str):
    """Send this process's tasks through `broker` to `queue`, instead of running them
    in-process."""
    changed = {
        "task_always_eager": False,
        "broker_url": broker,
        "task_default_queue": queue,
        # as the workers have them for this broker (quorum queues and confirms on RabbitMQ)
        **broker_settings(broker, visibility_timeout=60 * 60),
    }
    saved = {name: app.conf[name] for name in changed}
    saved_environment = os.environ.get("CELERY_BROKER_URL")
    app.conf.update(changed)
    os.environ["CELERY_BROKER_URL"] = broker  # Celery reads it before its own setting
    _forget_the_broker()
    try:
        yield
    finally:
        app.conf.update(saved)
        if saved_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_environment
        _forget_the_broker()


def _forget_the_broker() -> None:
    """Drop what Celery keeps of the broker it published to: pooled connections, and the
    queues it declares on publishing (their type: quorum on RabbitMQ, classic on Redis)."""
    app._after_fork()
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)


class IdempotentReceiver:
    """An HTTP endpoint on 127.0.0.1 (an agency's webhook, an SMS provider) that honours the
    Idempotency-Key: it takes each key's first body (`received`) and answers 200 to repeats.
    It can hold its answers back (`hold` cleared) while a test kills the worker waiting on
    one; `check(headers)` is asserted on every request."""

    def __init__(self, path: str, check=None):
        self.requests: list[str] = []  # the key of every request, repeats included
        self.received: dict[str, bytes] = {}  # key → the body taken, once
        self.arrived = threading.Event()
        self.hold = threading.Event()
        self.hold.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                if check is not None:
                    check(self.headers)
                receiver.requests.append(key)
                receiver.arrived.set()
                receiver.hold.wait(30)
                receiver.received.setdefault(key, body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.hold.set()
        self.server.shutdown()


def wait_for(condition, timeout=45.0, what="the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
