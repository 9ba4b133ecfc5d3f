import functools

import pytest

from households.models import Region
from households.regions import read_region_rows
from tests.services import require_marked


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
