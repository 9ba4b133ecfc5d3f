import datetime
import functools

import pytest
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_assess, complaint_register
from programs.models import Agency, Program
from regions.codes import read_region_rows
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from tests.services import BROKERS, require_marked, require_postgresql


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (registry extracts, error reports) go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    require_marked(item)


@functools.cache
def _kota_bima_rows():
    return list(read_region_rows(prefix="52.72"))


@pytest.fixture
def kota_bima(db):
    """The regions of Kota Bima (52.72) and those above it, as the shipped file has them."""
    Region.objects.bulk_create(
        Region(code=row.code, name=row.name, level=row.level, parent_id=row.parent_code)
        for row in _kota_bima_rows()
    )


@pytest.fixture
def as_user(client):
    """Sign `client` in as the given user and return it: `as_user(staff_user(...))`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- the programme catalogue, and a complaint ready to refer (referrals, reports, …) ---


@pytest.fixture
def catalogue(kota_bima):
    call_command("seed_programs", verbosity=0)
    # The catalogue's required documents are left out here, so that a referral needs no
    # file unless the test is about one (tests/referrals/test_referral_file.py sets them).
    Program.required_kinds.through.objects.all().delete()
    Agency.objects.filter(name__startswith="Dinas Sosial").update(email="dinsos@bima.example")
    Agency.objects.filter(name__startswith="Kementerian Sosial").update(
        email="kemensos@bima.example"
    )
    return {program.code: program for program in Program.objects.select_related("agency")}


@pytest.fixture
def back_office(kota_bima):
    return staff_user(Role.BACK_OFFICE, scope="52.72.01", username="bo1", email="bo1@bima.example")


@pytest.fixture
def poor_household(kota_bima):
    """Desil 2 with a school child: qualifies for PKH, BPNT, PBI-JK, JAMKESDA; not RUTILAHU."""
    household = HouseholdFactory(region_id="52.72.01.1001", desil=2, tenure=1, floor_material=2)
    PersonFactory(household=household, name="Abdul Haris", relationship="head",
                  birth_date=datetime.date(1985, 2, 1), occupation="fisher")  # fmt: skip
    PersonFactory(
        household=household, name="Putri", relationship="child", sex="F",
        birth_date=datetime.date(2016, 3, 1), school_participation="in_school",
    )  # fmt: skip
    return household


@pytest.fixture
def assessed(catalogue, back_office, poor_household):
    """An assessed complaint of `poor_household`, with consent (override any field)."""

    def make(**fields):
        front_office = staff_user(Role.FRONT_OFFICE, scope="52.72.01")
        complaint = complaint_register(
            actor=front_office,
            household=poor_household,
            category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
            channel="walk_in",
            description="Kartu KIS tidak aktif; anak sakit.",
            complainant=poor_household.members.first(),
            consent_given=fields.pop("consent_given", True),
        )
        complaint_assess(
            actor=back_office,
            complaint=complaint,
            needs=[{"domain": "health", "severity": 3, "notes": ""},
                   {"domain": "food", "severity": 2, "notes": ""}],
        )  # fmt: skip
        complaint.refresh_from_db()
        return complaint

    return make


@pytest.fixture
def officer_of(catalogue):
    """An agency officer of the agency running programme `code`, working in Kota Bima."""

    def make(code: str, scope: str | None = "52.72", **fields):
        return staff_user(Role.AGENCY_OFFICER, scope, agency=catalogue[code].agency, **fields)

    return make


@pytest.fixture
def keep_the_test_connection():
    """For tests sending requests through the WSGI application itself (schemathesis): its
    end-of-request signal closes old database connections, and with it the test's transaction
    (as Django's test client avoids, so must we)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request) -> str:
    """Each broker the project runs on, in turn (its URL): the reliability tests hold on both.
    With PostgreSQL, which the workers need to see the test's rows."""
    require_postgresql()
    return BROKERS[request.param]()
