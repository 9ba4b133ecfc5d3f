"""Every whole view of a NIK or KK number, every search and every export is written to an
append-only access log, which supervisors and administrators read within their scope."""

import datetime

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from accounts.models import AccessLog, AccessLogIsAppendOnly
from accounts.roles import Role
from accounts.services import access_record
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


@pytest.fixture
def household():
    household = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    PersonFactory(
        household=household,
        name="Muhammad Yusuf",
        nik="5272011205780001",
        relationship="head",
        birth_date=datetime.date(1978, 5, 12),
    )
    return household


def test_opening_a_household_records_who_saw_its_whole_numbers(household, as_user):
    user = staff_user(Role.FRONT_OFFICE, scope="52.72.01")

    page = as_user(user).get(reverse("households:detail", args=[household.pk]))

    assert "5272011205780001" in page.content.decode()
    (entry,) = AccessLog.objects.all()
    assert (entry.user, entry.action, entry.household_id) == (
        user,
        AccessLog.Action.VIEW,
        household.pk,
    )
    assert entry.purpose == AccessLog.Purpose.SERVICE
    assert entry.path == reverse("households:detail", args=[household.pk])


def test_the_edit_form_shows_whole_numbers_and_is_recorded_too(household, as_user):
    user = staff_user(Role.FRONT_OFFICE, scope="52.72.01")

    as_user(user).get(reverse("households:edit", args=[household.pk]))

    assert AccessLog.objects.filter(household_id=household.pk, action="view").count() == 1


def test_a_search_records_what_was_typed_and_how_many_people_it_found(household, as_user):
    user = staff_user(Role.FRONT_OFFICE, scope="52.72.01")

    as_user(user).get(reverse("households:search"), {"q": "Muhammad Yusuf"})

    (entry,) = AccessLog.objects.all()
    assert (entry.action, entry.query, entry.rows) == (
        AccessLog.Action.SEARCH,
        "Muhammad Yusuf",
        1,
    )


def test_listing_households_without_a_search_is_recorded_with_its_filters_and_rows(
    household, as_user
):
    as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.01")).get(
        reverse("households:search"), {"region": "52.72.01"}
    )

    (entry,) = AccessLog.objects.all()
    assert (entry.action, entry.query, entry.rows) == ("search", "region=52.72.01", 1)


def test_a_household_out_of_scope_is_not_shown_and_not_recorded(household, as_user):
    response = as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.02")).get(
        reverse("households:detail", args=[household.pk])
    )

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_the_api_records_lists_searches_and_whole_views(household, as_user):
    user = staff_user(Role.BACK_OFFICE, scope="52.72")
    client = as_user(user)

    client.get(reverse("api:household-list"))
    client.get(reverse("api:household-list"), {"q": "5272011205780001"})
    client.get(reverse("api:household-detail", args=[household.pk]))
    client.get(reverse("api:household-detail", args=[household.pk + 1000]))

    assert list(AccessLog.objects.order_by("pk").values_list("action", "query", "rows")) == [
        ("search", "", 1),
        ("search", "5272011205780001", 1),
        ("view", "", None),
    ]


def test_reviewing_possible_duplicates_records_both_households(as_user):
    first = HouseholdFactory(region_id="52.72.01.1001")
    second = HouseholdFactory(region_id="52.72.01.1003")
    born = datetime.date(1990, 1, 1)
    one = PersonFactory(household=first, name="Siti Aminah", birth_date=born, sex="F")
    two = PersonFactory(household=second, name="Siti Aminah", birth_date=born, sex="F")

    as_user(staff_user(Role.BACK_OFFICE, scope="52.72")).get(
        reverse("households:duplicate_review", args=[one.pk, two.pk])
    )

    assert set(AccessLog.objects.values_list("household_id", "purpose")) == {
        (first.pk, "duplicate_review"),
        (second.pk, "duplicate_review"),
    }


def test_an_entry_is_never_changed_or_deleted():
    entry = access_record(
        actor=staff_user(Role.SUPERVISOR), action=AccessLog.Action.EXPORT, what="complaints"
    )

    entry.what = "something else"
    with pytest.raises(AccessLogIsAppendOnly):
        entry.save()
    with pytest.raises(AccessLogIsAppendOnly):
        entry.delete()
    assert AccessLog.objects.get().what == "complaints"


@pytest.mark.services("postgresql")
def test_the_database_refuses_to_change_or_delete_an_entry_behind_django():
    access_record(actor=staff_user(Role.SUPERVISOR), action=AccessLog.Action.EXPORT, what="x")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.update(what="y")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.all()._raw_delete(AccessLog.objects.db)
    assert AccessLog.objects.get().what == "x"


def test_supervisors_and_administrators_read_the_entries_of_staff_of_their_area_only(as_user):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    own = staff_user(Role.FRONT_OFFICE, scope="52.72.01", username="fo_bima")
    elsewhere = staff_user(Role.FRONT_OFFICE, scope="52.71", username="fo_mataram")
    access_record(actor=own, action=AccessLog.Action.SEARCH, what="search", query="Siti")
    access_record(actor=elsewhere, action=AccessLog.Action.SEARCH, what="search", query="Made")

    page = as_user(staff_user(Role.SUPERVISOR, scope="52.72")).get(reverse("accounts:access_log"))
    admin_page = as_user(staff_user(Role.ADMIN, scope="52.72")).get(reverse("accounts:access_log"))

    assert "fo_bima" in page.content.decode()
    assert "fo_mataram" not in page.content.decode()
    assert "fo_bima" in admin_page.content.decode()
    assert "fo_mataram" not in admin_page.content.decode()


def test_the_access_log_filters_by_user_and_household(household, as_user):
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72")
    access_record(actor=supervisor, action="view", what="Rumah tangga A", household_id=1)
    access_record(actor=supervisor, action="view", what="Rumah tangga B", household_id=2)

    page = as_user(supervisor).get(
        reverse("accounts:access_log"), {"household": 2, "user": supervisor.username.upper()}
    )

    assert "Rumah tangga B" in page.content.decode()
    assert "Rumah tangga A" not in page.content.decode()


@pytest.mark.parametrize(
    "query", [{"since": "30-02-2026"}, {"household": "x"}, {"action": "drop table"}]
)
def test_a_bad_filter_is_answered_with_a_message(query, as_user):
    response = as_user(staff_user(Role.SUPERVISOR)).get(reverse("accounts:access_log"), query)

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.AGENCY_OFFICER])
def test_other_roles_cannot_read_the_access_log(role, as_user):
    response = as_user(staff_user(role)).get(reverse("accounts:access_log"))

    assert response.status_code == 403


def test_the_admin_shows_the_access_log_read_only_within_scope(as_user):
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72", is_staff=True)
    entry = access_record(actor=supervisor, action="export", what="Ekspor rujukan")
    client = as_user(supervisor)

    listing = client.get(reverse("admin:accounts_accesslog_changelist"))
    change = client.post(
        reverse("admin:accounts_accesslog_change", args=[entry.pk]), {"what": "changed"}
    )
    delete = client.post(reverse("admin:accounts_accesslog_delete", args=[entry.pk]), {"post": 1})

    assert "Ekspor rujukan" in listing.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AccessLog.objects.get().what == "Ekspor rujukan"


def test_searching_and_opening_households_in_the_admin_is_recorded(household, as_user):
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72", is_staff=True)
    client = as_user(supervisor)

    listing = client.get(
        reverse("admin:households_household_changelist"), {"q": "5272011203150001"}
    )
    page = client.get(reverse("admin:households_household_change", args=[household.pk]))

    assert "••••••••••••0001" in listing.content.decode()
    assert "5272011203150001" in page.content.decode()
    assert list(AccessLog.objects.order_by("pk").values_list("action", "rows")) == [
        ("search", 1),
        ("view", None),
    ]


def test_every_filter_of_the_access_log_opens_on_all(as_user):
    page = as_user(staff_user(Role.SUPERVISOR)).get(reverse("accounts:access_log"))

    text = page.content.decode()
    for name in ("action", "purpose"):
        select = text[text.index(f'name="{name}"') :]
        assert select.index('<option value="" selected>Semua</option>') < select.index("</select>")
