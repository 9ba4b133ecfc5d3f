"""The admin's lists of households and enrolments show personal data (an address, who
receives which programme) as the registry's lists do: each page shown writes its access-log
row, as `households:search` does."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from programs.models import Enrollment
from tests.factories import HouseholdFactory, staff_user


@pytest.fixture
def supervisor(catalogue):
    user = staff_user(Role.SUPERVISOR, scope="52.72.01")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return user


@pytest.mark.parametrize(
    "name", ["admin:households_household_changelist", "admin:programs_enrollment_changelist"]
)
def test_an_admin_list_of_households_writes_its_access_log_row(supervisor, catalogue, client, name):
    household = HouseholdFactory(region_id="52.72.01.1001", address="Jalan Melati 7")
    Enrollment.objects.create(household=household, program=catalogue["PKH"])
    client.force_login(supervisor)

    response = client.get(reverse(name))

    assert "Jalan Melati 7" in response.content.decode()
    (entry,) = AccessLog.objects.filter(user=supervisor)
    assert (entry.action, entry.rows, entry.path) == ("search", 1, reverse(name))


def test_an_admin_search_of_households_writes_one_row_not_two(supervisor, client):
    HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    client.force_login(supervisor)

    client.get(reverse("admin:households_household_changelist"), {"q": "5272011203150001"})

    (entry,) = AccessLog.objects.filter(user=supervisor)
    assert (entry.action, entry.rows) == ("search", 1)
    assert entry.query == "5272011203150001"


def test_an_empty_admin_list_writes_no_row(supervisor, client):
    client.force_login(supervisor)

    client.get(reverse("admin:households_household_changelist"))

    assert not AccessLog.objects.exists()
