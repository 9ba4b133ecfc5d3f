"""The household page at a phone's width: the member table stacks as one card per member,
each cell after its column's name, so that the birth date is not hidden sideways."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def test_each_members_cell_carries_its_columns_name_for_the_phones_cards(as_user):
    household = HouseholdFactory()
    PersonFactory(household=household, name="Siti Aminah", relationship="head", sex="F",
                  birth_date=datetime.date(1982, 8, 3))  # fmt: skip
    client = as_user(staff_user(Role.FRONT_OFFICE, scope="52.72"))

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()

    assert 'class="table table-sm align-middle table-stack"' in page
    assert 'data-label="Lahir">03-08-1982' in page
    assert 'data-label="Keterangan"' in page


def test_the_floor_area_is_written_with_a_decimal_comma(kota_bima):
    from households.views import household_housing_summary

    rows = dict(household_housing_summary(HouseholdFactory(floor_area=Decimal("21.50"))))

    assert rows["luas lantai (m²)"] == "21,5"
