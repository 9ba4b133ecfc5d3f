import datetime

import pytest

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from tests.factories import HouseholdFactory, PersonFactory, staff_user


@pytest.fixture
def front_office(kota_bima):
    return staff_user(role=Role.FRONT_OFFICE, scope="52.72.01", username="fo1")


@pytest.fixture
def household(kota_bima):
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, name="Siti Aminah", relationship="head", sex="F",
                  birth_date=datetime.date(1982, 8, 3))  # fmt: skip
    return household


@pytest.fixture
def register(front_office, household):
    """Register a complaint for `household` as the front-office user (override any field)."""

    def make(**fields):
        values = {
            "actor": front_office,
            "household": household,
            "category": ComplaintCategory.objects.get(code="kesehatan-pbi"),
            "channel": "walk_in",
            "description": "Kartu KIS tidak aktif saat berobat.",
            "complainant": household.members.first(),
            "consent_given": True,
            **fields,
        }
        return complaint_register(**values)

    return make
