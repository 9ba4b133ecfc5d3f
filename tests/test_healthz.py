import json

import pytest
from django.db import OperationalError

from tests.services import require_redis


@pytest.mark.django_db
def test_healthz_reports_eager_tasks_without_a_broker(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_as_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "down"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("slrt.views.connection.cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "down"


@pytest.mark.django_db
@pytest.mark.services("redis")
def test_healthz_reports_a_running_redis_as_ok(client, settings):
    settings.CELERY_BROKER_URL = require_redis()

    response = client.get("/healthz")

    assert json.loads(response.content) == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_head_requests(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_nul_character_in_a_query_string_is_a_clear_400(client):
    response = client.get("/accounts/login/", {"next": "/\x00"})

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
