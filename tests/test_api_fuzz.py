"""Schemathesis sends each endpoint of `/api/schema/` requests generated from the schema
(valid and invalid): no answer may be a server error or break the schema it documents."""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from accounts.roles import Role
from slrt.wsgi import application
from tests.factories import HouseholdFactory, PersonFactory, staff_user

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def keep_the_test_connection():
    """The schema's requests go through the WSGI application itself, whose end-of-request
    signal closes old database connections, and with it the test's transaction (as Django's
    test client avoids, so must we)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(kota_bima, keep_the_test_connection):
    call_command("seed_programs", verbosity=0)
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, relationship="head")
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def token(kota_bima):
    return Token.objects.create(user=staff_user(Role.BACK_OFFICE, scope="52.72")).key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_breaks_the_api(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
