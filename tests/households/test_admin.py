"""The registry's admin pages: every page that shows a whole KK number is written to the
access log and kept out of caches."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


@pytest.fixture
def supervisor():
    return staff_user(role=Role.SUPERVISOR, scope="52.72.01", is_staff=True)


@pytest.fixture
def household():
    household = HouseholdFactory(kk_number="5272011203150001")
    household.kk_number = "5272011203150009"  # corrected: both numbers are in the history
    household.save()
    return household


def test_the_history_of_a_household_is_written_to_the_access_log(supervisor, household, client):
    client.force_login(supervisor)
    version = household.history.last().history_id

    listing = client.get(reverse("admin:households_household_history", args=[household.pk]))
    one = client.get(
        reverse("admin:households_household_simple_history", args=[household.pk, version])
    )

    assert "5272011203150001" in one.content.decode()
    entries = AccessLog.objects.filter(user=supervisor, household_id=household.pk)
    assert listing.status_code == 200 and one.status_code == 200
    assert entries.count() == 2
    assert {entry.action for entry in entries} == {AccessLog.Action.VIEW}


@pytest.mark.parametrize("page", ["change", "history", "version"])
def test_admin_pages_showing_a_whole_kk_are_not_kept_in_caches(supervisor, household, client, page):
    client.force_login(supervisor)
    url = {
        "change": reverse("admin:households_household_change", args=[household.pk]),
        "history": reverse("admin:households_household_history", args=[household.pk]),
        "version": reverse(
            "admin:households_household_simple_history",
            args=[household.pk, household.history.last().history_id],
        ),
    }[page]

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
