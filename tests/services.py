"""Real PostgreSQL, Redis and RabbitMQ for the tests that need them.

A test names what it needs with `@pytest.mark.services("postgresql", "redis")`; the check
runs before its fixtures (see conftest), so a transactional test is never set up for nothing.
Without `SLRT_REQUIRE_SERVICES=1` a test whose service is missing is skipped (a laptop with
SQLite only); with it, the test fails, so CI cannot pass without really running it.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection


def _missing(reason: str) -> None:
    if os.environ.get("SLRT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"SLRT_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        _missing("the tests run on SQLite: set DATABASE_URL to a PostgreSQL database")


def require_redis() -> str:
    """The broker URL of a Redis that answers."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        _missing("CELERY_BROKER_URL is not a Redis URL")
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                _missing(f"Redis at {parsed.hostname} does not answer PING")
    except OSError as error:
        _missing(f"Redis at {parsed.hostname}:{parsed.port or 6379} is unreachable: {error}")
    return url


# RabbitMQ, for the tests that run on both brokers (its default guest account, local only).
AMQP_URL = os.environ.get("SLRT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def require_rabbitmq() -> str:
    """The broker URL of a RabbitMQ that accepts a connection."""
    from kombu import Connection

    try:
        with Connection(AMQP_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:  # any failure to connect is the same: not there
        _missing(f"RabbitMQ at {urlparse(AMQP_URL).hostname} does not answer: {error}")
    return AMQP_URL


def require_chromium() -> None:
    if not os.path.exists("/usr/bin/chromium"):
        _missing("Debian's Chromium is not installed (apt-get install chromium)")


# The brokers the project runs on, each with the check that gives its URL.
BROKERS = {"redis": require_redis, "rabbitmq": require_rabbitmq}

REQUIREMENTS = {
    "postgresql": require_postgresql,
    "redis": require_redis,
    "rabbitmq": require_rabbitmq,
    "chromium": require_chromium,
}


def require_marked(item: pytest.Item) -> None:
    """Skip (or fail) a test marked `services(...)` whose services are not there."""
    for marker in item.iter_markers("services"):
        if not marker.args:
            raise pytest.UsageError(f"{item.nodeid}: name the services, e.g. services('redis')")
        for name in marker.args:
            REQUIREMENTS[name]()
