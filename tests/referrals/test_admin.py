"""Supervisors read referrals in the admin: a handful of queries however long the list, no
`COUNT(*)` of a long one, and filters for what is late."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from complaints.models import Complaint
from referrals.models import Referral
from referrals.services import referrals_create
from slrt.pagination import EstimatedCountPaginator, planner_estimate
from tests.factories import staff_user

LIST = "/admin/referrals/referral/"


@pytest.fixture
def referrals(assessed, back_office, catalogue):
    """Ten complaints referred to PKH, BPNT and PBI-JK: thirty referrals."""
    made = []
    for _ in range(10):
        made += referrals_create(
            actor=back_office,
            complaint=assessed(),
            programs=[catalogue[code] for code in ("PKH", "BPNT", "PBI-JK")],
        )
    return made


@pytest.fixture
def supervisor(kota_bima):
    return staff_user(Role.SUPERVISOR, scope="52.72", is_staff=True)


def test_the_referral_list_takes_at_most_ten_queries(
    referrals, supervisor, as_user, django_assert_max_num_queries
):
    client = as_user(supervisor)

    with django_assert_max_num_queries(10):
        response = client.get(LIST)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30


def test_the_referral_list_never_counts_each_filter_choice(
    referrals, supervisor, as_user, django_assert_max_num_queries
):
    client = as_user(supervisor)

    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"_facets": "1"})  # Django's "show counts" link

    assert response.status_code == 200


def test_overdue_referrals_are_filtered_by_what_is_late(referrals, supervisor, as_user):
    late, settled_late = referrals[0], referrals[1]
    Referral.objects.filter(pk=late.pk).update(response_due=datetime.date(2026, 1, 5))
    Referral.objects.filter(pk=settled_late.pk).update(
        response_due=datetime.date(2026, 1, 5), status=Referral.Status.COMPLETED
    )
    client = as_user(supervisor)

    response = client.get(LIST, {"overdue": "acknowledgement"})

    assert [row.pk for row in response.context["cl"].result_list] == [late.pk]


def test_the_district_filter_lists_the_districts_of_the_working_area(
    referrals, supervisor, as_user
):
    client = as_user(supervisor)

    response = client.get(LIST, {"district": "52.72.01"})
    elsewhere = client.get(LIST, {"district": "52.72.02"})

    assert b"Rasanae Barat" in response.content  # a district of Kota Bima, offered
    assert len(response.context["cl"].result_list) == 30  # the households live in 52.72.01
    assert len(elsewhere.context["cl"].result_list) == 0


def test_a_short_list_is_counted_exactly(referrals):
    paginator = EstimatedCountPaginator(Referral.objects.order_by("pk"), 10)

    assert paginator.count == 30


@pytest.mark.services("postgresql")
def test_a_long_list_takes_the_planners_estimate_without_counting_it_whole(referrals):
    queryset = Referral.objects.filter(complaint__in=Complaint.objects.all()).order_by("pk")
    paginator = EstimatedCountPaginator(queryset, 10)
    paginator.exact_below = 5  # thirty rows make a "long" list here

    with CaptureQueriesContext(connection) as queries:
        count = paginator.count

    assert count == max(planner_estimate(queryset), 5)
    (counting,) = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert "LIMIT 5" in counting  # stopped at five rows, never the whole list


def test_late_means_the_same_in_sql_and_on_the_page(referrals, supervisor, as_user):
    today = datetime.date(2026, 12, 1)
    late, acknowledged = referrals[0], referrals[1]
    Referral.objects.filter(pk__in=[late.pk, acknowledged.pk]).update(
        response_due=datetime.date(2026, 11, 20)
    )
    Referral.objects.filter(pk=acknowledged.pk).update(status=Referral.Status.RECEIVED)

    in_sql = set(Referral.objects.filter(Referral.late_to_acknowledge_q(today)))
    in_python = {r for r in Referral.objects.all() if r.is_late_to_acknowledge_on(today)}

    assert in_sql == in_python == {late}
    client = as_user(supervisor)
    pages = [client.get("/referrals/", {"page": n}).content.decode() for n in (1, 2)]
    assert sum(page.count("text-bg-danger") for page in pages) == 1  # one "terlambat" badge
