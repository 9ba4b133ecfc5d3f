"""The access log keeps what staff searched for as they typed it, whole NIKs included; the
admin shows it masked, as the access-log page does, and is no way to find it digit by digit."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from tests.factories import staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")

NIK = "5272024308820002"  # typed by a front-office officer of the district


@pytest.fixture
def entry():
    officer = staff_user(Role.FRONT_OFFICE, scope="52.72.01")
    return AccessLog.objects.create(
        user=officer, action=AccessLog.Action.SEARCH, what="Registry search", query=NIK, rows=0
    )


@pytest.fixture
def supervisor(as_user):
    user = staff_user(Role.SUPERVISOR, scope="52.72.01")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return as_user(user)


def test_an_entry_in_the_admin_shows_the_number_searched_masked(entry, supervisor):
    response = supervisor.get(reverse("admin:accounts_accesslog_change", args=[entry.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert NIK not in body
    assert "••••••••••••0002" in body


@pytest.mark.parametrize("digits", ["52720243", "4308820002", "0002"])
def test_the_admin_finds_no_entry_by_some_digits_searched_for(entry, supervisor, digits):
    response = supervisor.get(reverse("admin:accounts_accesslog_changelist"), {"q": digits})

    assert list(response.context["cl"].result_list) == []


def test_the_admin_finds_who_searched_for_a_whole_nik(entry, supervisor):
    response = supervisor.get(reverse("admin:accounts_accesslog_changelist"), {"q": NIK})

    assert list(response.context["cl"].result_list) == [entry]
