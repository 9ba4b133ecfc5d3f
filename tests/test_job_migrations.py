"""The migrations that made the registry import and the screening run background jobs keep
the imports and runs already recorded."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from households.models import RegistryImport
from programs.models import ScreeningRun

BEFORE = [("households", "0007_registry_import"), ("programs", "0005_agency_webhook_url")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_imports_and_runs_keep_their_values_as_jobs():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        supervisor = old.get_model("auth", "User").objects.create(username="pengawas")
        region = old.get_model("households", "Region").objects.create(
            code="52.72", name="Kota Bima", level=2
        )
        uploaded_at = timezone.now() - datetime.timedelta(days=3)
        old.get_model("households", "RegistryImport").objects.create(
            area=region, uploaded_by=supervisor, uploaded_at=uploaded_at, file_name="dtks.csv",
            file_size=10, status="done", rows_total=400, rows_done=400, rows_refused=3,
        )  # fmt: skip
        agency = old.get_model("programs", "Agency").objects.create(
            name="BAZNAS Kota Bima", level="non_government", region=region
        )
        program = old.get_model("programs", "Program").objects.create(
            code="BAZNAS-DARURAT", name="Bantuan Darurat", level="non_government", agency=agency
        )
        old.get_model("programs", "ScreeningRun").objects.create(
            program=program, region=region, requested_by=supervisor, status="done",
            households_screened=40, exclusion_count=5, inclusion_count=2,
        )  # fmt: skip
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    registry_import = RegistryImport.objects.get()
    assert registry_import.requested_by.username == "pengawas"
    assert registry_import.requested_at == uploaded_at
    assert (registry_import.progress_done, registry_import.progress_total) == (400, 400)
    assert (registry_import.status, registry_import.rows_refused) == ("done", 3)
    run = ScreeningRun.objects.get()
    assert run.requested_by.username == "pengawas"
    assert (run.status, run.households_screened, run.progress_done) == ("done", 40, 7)
