"""Supervisors read referrals in the admin: a handful of queries however long the list, no
`COUNT(*)` of a long one, and filters for what is late."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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


def test_the_date_hierarchy_reads_only_the_first_and_last_dates(
    referrals, supervisor, as_user, django_assert_max_num_queries
):
    Referral.objects.filter(pk=referrals[0].pk).update(
        created_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    )
    client = as_user(supervisor)

    with CaptureQueriesContext(connection) as queries:
        years = client.get(LIST)
    with django_assert_max_num_queries(9):  # a chosen year offers its months without a query
        months = client.get(LIST, {"created_at__year": "2024"})

    assert "created_at__year=2024" in years.content.decode()
    assert "created_at__year=2025" in years.content.decode()  # between the first and last
    assert not any(
        "DISTINCT" in query["sql"].upper() and "referrals_referral" in query["sql"]
        for query in queries
    )
    assert "created_at__month=3" in months.content.decode()
    assert [row.pk for row in months.context["cl"].result_list] == [referrals[0].pk]


@pytest.mark.parametrize("long", [False, True])
def test_the_date_hierarchy_finds_the_same_ends_for_a_short_or_a_long_list(
    referrals, supervisor, as_user, monkeypatch, long
):
    """A long list walks the date's index from each end instead of MIN/MAX over it all."""
    Referral.objects.filter(pk=referrals[0].pk).update(
        created_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    )
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5 if long else 1_000)
    client = as_user(supervisor)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST).content.decode()

    assert "created_at__year=2024" in page
    assert f"created_at__year={timezone.localdate().year}" in page
    bounds = [q["sql"] for q in queries if "created_at" in q["sql"] and "LIMIT 1)" in q["sql"]]
    assert bool(bounds) == long


def test_a_ticket_number_is_found_exactly_through_its_index(referrals, supervisor, as_user):
    ticket = referrals[0].complaint.ticket_number
    client = as_user(supervisor)

    with CaptureQueriesContext(connection) as queries:
        found = client.get(LIST, {"q": f" {ticket.lower()} "})

    assert {row.complaint_id for row in found.context["cl"].result_list} == {
        referrals[0].complaint_id
    }
    searching = [q["sql"] for q in queries if "ticket_number" in q["sql"]]
    assert searching and not any("UPPER(" in sql for sql in searching)


def test_a_bad_date_in_the_hierarchy_is_not_an_error(referrals, supervisor, as_user):
    response = as_user(supervisor).get(LIST, {"created_at__year": "20x4"})

    assert response.status_code in (200, 302)


def act(client, action: str, referrals, **data):
    return client.post(
        LIST, {"action": action, "_selected_action": [r.pk for r in referrals], **data}
    )


def test_supervisors_escalate_in_the_admin_through_the_service_once(referrals, supervisor, as_user):
    from django.contrib.admin.models import LogEntry

    client = as_user(supervisor)
    chosen = referrals[:2]

    first = act(client, "escalate", chosen)
    again = client.get(act(client, "escalate", chosen[:1]).url)

    assert first.status_code == 302
    for referral in chosen:
        referral.refresh_from_db()
        assert referral.escalated_at is not None
        assert referral.events.filter(action="escalation", actor=supervisor).count() == 1
        assert referral.dispatches.filter(kind="escalation").count() == 1
    assert LogEntry.objects.filter(user=supervisor).count() == 2
    assert "sudah dieskalasi" in again.content.decode()


def test_supervisors_send_referrals_to_another_agency_with_a_reason(
    referrals, supervisor, catalogue, as_user
):
    client = as_user(supervisor)
    referral = referrals[0]
    old_agency = referral.agency
    new_agency = catalogue["BAZNAS-DARURAT"].agency

    asked = act(client, "reassign", [referral])
    no_reason = act(client, "reassign", [referral], apply="1", agency=new_agency.pk, note=" ")
    unchanged = Referral.objects.get(pk=referral.pk)
    done = act(client, "reassign", [referral], apply="1", agency=new_agency.pk, note="Salah tujuan")

    assert asked.status_code == 200 and 'name="agency"' in asked.content.decode()
    assert no_reason.status_code == 200 and unchanged.agency == old_agency
    assert done.status_code == 302
    referral.refresh_from_db()
    assert (referral.agency, referral.status) == (new_agency, Referral.Status.SENT)
    assert referral.events.filter(action="reassigned").get().note.endswith("Salah tujuan")
    kinds = list(referral.dispatches.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["cancelled", "referral"]


def test_a_settled_referral_is_not_sent_elsewhere(referrals, supervisor, catalogue, as_user):
    referral = referrals[0]
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.COMPLETED)
    new_agency = catalogue["BAZNAS-DARURAT"].agency

    response = act(
        as_user(supervisor), "reassign", [referral], apply="1", agency=new_agency.pk, note="x"
    )

    referral.refresh_from_db()
    assert referral.agency != new_agency
    assert response.status_code == 302


def test_failed_messages_are_sent_again_from_the_admin(referrals, supervisor, as_user):
    from outbox.models import Dispatch

    failed = referrals[0].dispatches.first()
    Dispatch.objects.filter(pk=failed.pk).update(status=Dispatch.Status.FAILED, attempts=6)

    act(as_user(supervisor), "send_failed_messages_again", referrals[:2])

    failed.refresh_from_db()
    assert failed.status != Dispatch.Status.FAILED
    assert referrals[0].events.filter(action="retry", actor=supervisor).exists()


def test_only_supervisors_and_administrators_act_on_referrals(referrals, back_office):
    from referrals import services

    with pytest.raises(services.ValidationError):
        services.referral_escalate(actor=back_office, referral=referrals[0])
    referrals[0].refresh_from_db()
    assert referrals[0].escalated_at is None


def test_a_supervisor_of_another_district_cannot_escalate(referrals, kota_bima):
    from referrals import services

    elsewhere = staff_user(Role.SUPERVISOR, scope="52.72.02")

    with pytest.raises(services.ValidationError, match="luar wilayah"):
        services.referral_escalate(actor=elsewhere, referral=referrals[0])


@pytest.mark.services("postgresql")
def test_a_long_list_on_a_page_says_its_count_is_an_estimate(referrals, as_user, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 5)
    client = as_user(staff_user(Role.BACK_OFFICE, scope="52.72"))

    long_list = client.get("/complaints/", {"tab": "all"}).content.decode()
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 1_000)
    short_list = client.get("/complaints/", {"tab": "all"}).content.decode()

    assert "sekitar" in long_list
    assert "sekitar" not in short_list


def test_the_list_leads_with_the_referral_number(referrals, supervisor, as_user):
    response = as_user(supervisor).get(LIST)
    page = response.content.decode()

    assert response.context["cl"].list_display[1] == "referral_number"  # after the checkbox
    assert page.index("column-referral_number") < page.index("column-agency")
    assert referrals[0].number in page


@pytest.mark.parametrize("term", ["part of a ticket", "a name", "a referral number"])
def test_the_list_is_searched_by_part_of_a_ticket_or_a_name_in_ten_queries(
    referrals, supervisor, as_user, django_assert_max_num_queries, term
):
    complaint = referrals[3].complaint
    searched = {
        "part of a ticket": complaint.ticket_number[-6:],
        "a name": "abdul hari",
        "a referral number": referrals[3].number,
    }[term]
    expected = {
        "part of a ticket": {r.pk for r in referrals if r.complaint_id == complaint.pk},
        "a name": {r.pk for r in referrals},
        "a referral number": {referrals[3].pk},
    }[term]
    client = as_user(supervisor)

    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(10):
        response = client.get(LIST, {"q": searched})

    assert {row.pk for row in response.context["cl"].result_list} == expected
    counts = [q["sql"].upper() for q in queries if "COUNT(" in q["sql"].upper()]
    assert all("LIMIT" in sql for sql in counts)


def test_a_search_does_not_reach_outside_the_working_area(referrals, kota_bima, as_user):
    elsewhere = staff_user(Role.SUPERVISOR, scope="52.72.02", is_staff=True)

    response = as_user(elsewhere).get(LIST, {"q": referrals[0].complaint.ticket_number[-6:]})

    assert list(response.context["cl"].result_list) == []


def test_a_referral_is_shown_by_its_number_in_indonesian_without_its_lock(
    referrals, supervisor, as_user
):
    referral = referrals[0]

    page = as_user(supervisor).get(f"{LIST}{referral.pk}/change/").content.decode()

    assert referral.number in page
    assert "→" not in page.split("<title>")[1].split("</title>")[0]
    assert "Versi" not in page and "version" not in page
    assert "referral email" not in page
    assert "rujukan baru · surel" in page  # the message to the agency, in the inline


def test_a_chosen_month_offers_only_the_days_with_referrals(
    referrals, supervisor, as_user, django_assert_max_num_queries
):
    day = datetime.datetime(2024, 3, 5, 10, tzinfo=datetime.UTC)
    Referral.objects.filter(pk=referrals[0].pk).update(created_at=day)
    Referral.objects.filter(pk=referrals[1].pk).update(created_at=day + datetime.timedelta(days=9))
    client = as_user(supervisor)

    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"created_at__year": "2024", "created_at__month": "3"})
    page = response.content.decode()

    offered = sorted(int(d) for d in re.findall(r"created_at__day=(\d+)", page))
    assert offered == [5, 14]


@pytest.mark.parametrize(
    ("searched", "message"),
    [
        ("Haris " * 400, "paling banyak 100 karakter"),
        ("ab", "Ketik sedikitnya 3 karakter"),
    ],
    ids=["too long", "too short"],
)
def test_a_search_the_lists_refuse_is_refused_here_too_with_their_message(
    referrals, supervisor, as_user, searched, message
):
    response = as_user(supervisor).get(LIST, {"q": searched})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert message in response.content.decode()
