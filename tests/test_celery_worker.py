"""A real Celery worker, fed through Redis, runs a task against the real database."""

import time

import pytest

from regions.models import Region
from regions.tasks import load_regions
from tests.services import require_postgresql, require_redis
from tests.workers import new_queue, publishing_to, start_worker, stop_worker


@pytest.fixture
def worker(transactional_db, django_db_serialized_rollback):
    require_postgresql()
    broker = require_redis()
    queue = new_queue()
    process = start_worker(queue, broker)
    try:
        with publishing_to(broker, queue):
            yield queue
    finally:
        print(stop_worker(process))  # shown by pytest when the test fails


@pytest.mark.services("postgresql", "redis")
def test_a_worker_runs_a_task_sent_through_redis(worker):
    result = load_regions.apply_async(kwargs={"prefix": "52.72"}, queue=worker)

    # Kota Bima, its 5 districts and 41 villages, and the province above it.
    assert result.get(timeout=90) == {"created": 48, "updated": 0, "unchanged": 0}
    assert Region.objects.get(code="52.72").name == "Kota Bima"
    assert Region.objects.within("52.72").count() == 47


@pytest.mark.services("postgresql", "redis")
def test_a_worker_runs_a_programme_screening(worker, kota_bima):
    from programs.models import Enrollment, Program, ScreeningRun
    from programs.tasks import screen_program
    from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory

    program = Program.objects.create(
        code="BAZNAS-DARURAT", name="Bantuan darurat", level="non_government",
        agency=AgencyFactory(), rule={"field": "desil", "op": "lte", "value": 2},
    )  # fmt: skip
    left_out, wrongly_served = HouseholdFactory(desil=1), HouseholdFactory(desil=6)
    for household in (left_out, wrongly_served):  # someone lives there: screening counts them
        PersonFactory(household=household, relationship="head")
    Enrollment.objects.create(household=wrongly_served, program=program)
    run = ScreeningRun.objects.create(program=program, region_id="52.72")

    screen_program.apply_async(args=[run.pk], queue=worker)

    deadline = time.monotonic() + 90
    while run.status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == "done"
    assert (run.households_screened, run.exclusion_count, run.inclusion_count) == (2, 1, 1)
    assert f"exclusion,{left_out.pk}," in run.findings_csv
    assert f"inclusion,{wrongly_served.pk}," in run.findings_csv


@pytest.mark.services("postgresql", "redis")
def test_a_worker_keeps_its_database_connection_from_task_to_task(worker):
    from tests.worker_tasks import database_backend

    backends = {database_backend.apply_async(queue=worker).get(timeout=60) for _ in range(4)}

    # Celery's Django fixup would otherwise reconnect for each task (CELERY_DB_REUSE_MAX).
    assert len(backends) == 1
