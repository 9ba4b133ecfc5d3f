import datetime

import pytest

from accounts.roles import Role
from letters.models import LetterKind
from tests.factories import HouseholdFactory, PersonFactory, staff_user


@pytest.fixture
def kinds(catalogue):
    return {kind.code: kind for kind in LetterKind.objects.all()}


@pytest.fixture
def head_of_office(kota_bima):
    return staff_user(Role.SUPERVISOR, scope="52.72", username="kepala")


@pytest.fixture
def registered(kota_bima):
    """A member of a household with a desil (2, as of 1 October 2026), in Rasanae Barat."""
    household = HouseholdFactory(
        region_id="52.72.01.1001", desil=2, desil_date=datetime.date(2026, 10, 1),
        desil_source="DTSEN",
    )  # fmt: skip
    return PersonFactory(
        household=household,
        name="Siti Rahmah",
        relationship="head",
        sex="F",
        nik="5272014101800001",
    )


@pytest.fixture
def unregistered(kota_bima):
    """A member of a household the national registry does not know yet (no desil)."""
    household = HouseholdFactory(region_id="52.72.01.1001", desil=None)
    return PersonFactory(household=household, name="Budi Santoso", relationship="head")
