"""The supervisors' reports and exports read from a replica when one is configured; their
access log, and everything else, goes to the primary. In tests the replica alias mirrors the
primary (the same database), so these tests commit their data."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLog
from households.models import Household
from slrt.routers import ReplicaRouter, read_database, replica_reads
from tests.factories import staff_user


def test_only_code_inside_replica_reads_reads_from_the_replica(settings):
    settings.SLRT_READ_REPLICA = True

    assert read_database() == "default"
    with replica_reads():
        assert read_database() == "replica"
        assert ReplicaRouter().db_for_write(Household) == "default"
    assert read_database() == "default"


def test_without_a_replica_everything_uses_the_primary(settings):
    settings.SLRT_READ_REPLICA = False

    with replica_reads():
        assert read_database() == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"])
def test_the_dashboard_and_an_export_read_from_the_replica(settings, client):
    settings.SLRT_READ_REPLICA = True
    call_command("load_regions", prefix="52.72", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    supervisor = staff_user("supervisor", scope="52.72")
    client.force_login(supervisor)

    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        dashboard = client.get(reverse("reports:dashboard"))
        export = client.post(
            reverse("reports:export", args=["households"]), {"purpose": "supervision"}
        )
        lines = b"".join(export.streaming_content).decode("utf-8-sig")

    assert dashboard.status_code == 200 and export.status_code == 200
    replica_sql = [query["sql"] for query in on_replica.captured_queries]
    primary_sql = [query["sql"] for query in on_primary.captured_queries]
    assert any("households_household" in sql for sql in replica_sql)  # the rows, read there
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE")) for sql in replica_sql)
    assert any("accounts_accesslog" in sql and "INSERT" in sql for sql in primary_sql)
    assert len(list(csv.reader(io.StringIO(lines)))) - 1 == Household.objects.count()
    assert AccessLog.objects.filter(action="export").count() == 1
