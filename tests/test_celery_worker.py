"""A real Celery worker, fed through Redis, runs a task against the real database."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from households.models import Region
from households.tasks import load_regions
from slrt.celery import app
from tests.services import require_postgresql, require_redis


def database_url() -> str:
    """The URL of the test database this process uses, for the worker to use too."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    require_postgresql()
    broker = require_redis()
    queue = f"test-{uuid.uuid4().hex[:8]}"  # no other worker on this machine takes our tasks
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "DEBUG": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "slrt", "worker", "--loglevel", "info",
         "--concurrency", "1", "--queues", queue, "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    eager, broker_url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, broker_url
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest when the test fails


@pytest.mark.services
def test_a_worker_runs_a_task_sent_through_redis(worker):
    result = load_regions.apply_async(kwargs={"prefix": "52.72"}, queue=worker)

    # Kota Bima, its 5 districts and 41 villages, and the province above it.
    assert result.get(timeout=90) == {"created": 48, "updated": 0, "unchanged": 0}
    assert Region.objects.get(code="52.72").name == "Kota Bima"
    assert Region.objects.filter(code__startswith="52.72.").count() == 46


@pytest.mark.services
def test_a_worker_runs_a_programme_screening(worker, kota_bima):
    from programs.models import Enrollment, Program, ScreeningRun
    from programs.tasks import screen_program
    from tests.factories import AgencyFactory, HouseholdFactory

    program = Program.objects.create(
        code="BAZNAS-DARURAT", name="Bantuan darurat", level="non_government",
        agency=AgencyFactory(), rule={"field": "desil", "op": "lte", "value": 2},
    )  # fmt: skip
    left_out, wrongly_served = HouseholdFactory(desil=1), HouseholdFactory(desil=6)
    Enrollment.objects.create(household=wrongly_served, program=program)
    run = ScreeningRun.objects.create(program=program, region_id="52.72")

    assert screen_program.apply_async(args=[run.pk], queue=worker).get(timeout=90) == "done"

    run.refresh_from_db()
    assert (run.households_screened, run.exclusion_count, run.inclusion_count) == (2, 1, 1)
    assert f"exclusion,{left_out.pk}," in run.findings_csv
    assert f"inclusion,{wrongly_served.pk}," in run.findings_csv
