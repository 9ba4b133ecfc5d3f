"""The files an IT team deploys from say what the code reads."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_docker_compose_parses_and_names_every_service():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://")
    assert "celery" in compose["services"]["worker"]["command"]
    assert "beat" in compose["services"]["beat"]["command"]


def test_env_example_lists_every_setting_read_from_the_environment():
    code = (ROOT / "slrt" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', code))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert read, "the pattern no longer finds the settings read from the environment"
    assert read - listed == set()
    assert {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
    } <= listed


def test_production_settings_pass_the_deployment_checks():
    import subprocess
    import sys

    env = production_environment()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def production_environment(**overrides: str) -> dict[str, str]:
    """.env.example's values, as README's deployment section says, with a SECRET_KEY set,
    and without the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, which no deployment sets."""
    import os

    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in example and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        **example,
        "SECRET_KEY": "x7Vq-production-like-key-for-the-check-only-9d2LmP0sQwErTyUiOpAsDfGhJk",
        **overrides,
    }


HSTS_SENT = """
import django
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
request = RequestFactory().get("/", secure=True)
response = SecurityMiddleware(lambda request: HttpResponse())(request)
print(response["Strict-Transport-Security"])
"""


@pytest.mark.parametrize(
    ("seconds", "preload", "sent"),
    [
        ("2592000", "true", "max-age=31536000; includeSubDomains; preload"),
        ("63072000", "true", "max-age=63072000; includeSubDomains; preload"),
        ("2592000", "false", "max-age=2592000; includeSubDomains"),
    ],
)
def test_hsts_asks_for_a_year_or_more_whenever_it_asks_for_preloading(seconds, preload, sent):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", HSTS_SENT],
        cwd=ROOT,
        env=production_environment(
            DJANGO_SETTINGS_MODULE="slrt.settings",
            SECURE_HSTS_SECONDS=seconds,
            SECURE_HSTS_PRELOAD=preload,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sent


SESSION_ENGINE_USED = "from django.conf import settings; print(settings.SESSION_ENGINE)"


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("redis://127.0.0.1:6379/1", "django.contrib.sessions.backends.cached_db"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_read_from_the_shared_cache_when_there_is_one(cache_url, engine):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + SESSION_ENGINE_USED],
        cwd=ROOT,
        env=production_environment(DJANGO_SETTINGS_MODULE="slrt.settings", CACHE_URL=cache_url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == engine
