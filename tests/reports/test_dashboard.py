"""The supervisor's dashboard: figures for their area and a period, each chart with its
numbers beside it, counted the same way a person would count them."""

import datetime
import json
import re
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_register
from referrals.models import Referral
from reports.selectors import Period, figures_for
from tests.factories import HouseholdFactory, staff_user


def chart_data(page: str, key: str) -> dict:
    """The numbers a chart is drawn from, as the page hands them to the script."""
    match = re.search(rf'<script id="{key}-data" type="application/json">(.*?)</script>', page)
    assert match, f"no data for chart {key}"
    return json.loads(match.group(1))


def as_dict(chart: dict, dataset: int = 0) -> dict:
    return dict(zip(chart["labels"], chart["datasets"][dataset]["data"], strict=True))


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return User.objects.get(username="supervisor")


def test_the_demo_dashboard_draws_the_figures_a_person_would_count(demo, client):
    client.force_login(demo)
    response = client.get(reverse("reports:dashboard"))
    page = response.content.decode()

    complaints = list(
        Complaint.objects.select_related("category__parent", "household__region__parent")
    )
    assert complaints, "the demo has complaints"
    by_channel = Counter(capfirst(complaint.get_channel_display()) for complaint in complaints)
    by_category = Counter(
        (complaint.category.parent or complaint.category).name for complaint in complaints
    )
    by_district = Counter(complaint.household.region.parent.name for complaint in complaints)
    handled = sum(
        complaint.status == "closed" and complaint.closure_reason in ("served", "handled_directly")
        for complaint in complaints
    )
    referrals = Counter(
        (referral.program.code, capfirst(referral.get_status_display()))
        for referral in Referral.objects.select_related("program")
    )

    assert response.status_code == 200
    assert as_dict(chart_data(page, "by-channel")) == by_channel
    assert as_dict(chart_data(page, "by-category")) == by_category
    assert as_dict(chart_data(page, "by-district")) == by_district
    by_month = chart_data(page, "by-month")
    assert sum(by_month["datasets"][0]["data"]) == len(complaints)
    assert sum(by_month["datasets"][1]["data"]) == handled
    drawn = chart_data(page, "referrals-by-program")
    assert {
        (code, dataset["label"]): n
        for dataset in drawn["datasets"]
        for code, n in zip(drawn["labels"], dataset["data"], strict=True)
        if n
    } == referrals
    figures = response.context["figures"]
    assert (figures.received, figures.handled) == (len(complaints), handled)
    # every chart but the overdue one, empty in the demo; the proposals' two among them
    assert page.count("<canvas") == 7
    assert page.count("data-chart-table") == 7
    assert "vendor/chartjs/chart.umd.min.js" in page


@pytest.fixture
def two_districts(kota_bima):
    """One complaint in Rasanae Barat (52.72.01), two in Rasanae Timur (52.72.02)."""
    category = ComplaintCategory.objects.create(code="lain", name="Lainnya")
    registrar = staff_user(Role.FRONT_OFFICE, scope="52.72")
    for region, channel in [
        ("52.72.01.1001", "walk_in"),
        ("52.72.02.1008", "phone"),
        ("52.72.02.1008", "whatsapp"),
    ]:
        complaint_register(
            actor=registrar,
            household=HouseholdFactory(region_id=region),
            category=category,
            channel=channel,
            description="…",
            complainant_name="Warga",
        )


def test_a_district_supervisor_counts_only_their_district(two_districts, as_user):
    page = as_user(staff_user(Role.SUPERVISOR, scope="52.72.02")).get(reverse("reports:dashboard"))

    assert page.context["figures"].received == 2
    assert as_dict(chart_data(page.content.decode(), "by-channel")) == {
        "Telepon": 1,
        "WhatsApp": 1,
    }


def test_the_district_filter_narrows_the_city_figures(two_districts, as_user):
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))

    everything = client.get(reverse("reports:dashboard"))
    one_district = client.get(reverse("reports:dashboard"), {"district": "52.72.01"})

    assert everything.context["figures"].received == 3
    assert one_district.context["figures"].received == 1


def test_a_period_before_the_complaints_counts_none(two_districts, as_user):
    response = as_user(staff_user(Role.SUPERVISOR, scope="52.72")).get(
        reverse("reports:dashboard"), {"start": "2024-01-01", "end": "2024-12-31"}
    )

    assert response.context["figures"].received == 0
    assert len(response.context["figures"].chart("by-month").labels) == 12
    assert "<canvas" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end", "tidak boleh sebelum"),
        ({"start": "1990-01-01", "end": "1994-01-01"}, "start", "dari tahun 2000"),
        ({"start": "2010-01-01", "end": "2026-01-01"}, "start", "paling lama lima tahun"),
        ({"start": "besok"}, "start", "HH-BB-TTTT, misalnya 17-08-1990"),
        ({"start": "05/31/2026"}, "start", "HH-BB-TTTT, misalnya 17-08-1990"),
        ({"district": "52.71.01"}, "district", "Masukkan pilihan yang valid"),
    ],
)
def test_a_bad_period_or_district_is_refused_with_a_message(
    kota_bima, query, field, message, as_user
):
    response = as_user(staff_user(Role.SUPERVISOR, scope="52.72")).get(
        reverse("reports:dashboard"), query
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert message in response.content.decode()


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.AGENCY_OFFICER])
def test_only_supervisors_and_administrators_see_the_dashboard(kota_bima, role, as_user):
    response = as_user(staff_user(role)).get(reverse("reports:dashboard"))

    assert response.status_code == 403


def test_medians_are_of_the_time_each_referral_took(assessed, back_office, catalogue, kota_bima):
    from referrals.services import referrals_create

    complaint = assessed()
    made = referrals_create(
        actor=back_office,
        complaint=complaint,
        programs=[catalogue[code] for code in ("BPNT", "JAMKESDA", "PKH")],
    )
    sent = timezone.now() - datetime.timedelta(days=10)
    for referral, days in zip(made, [1, 2, 7], strict=True):
        Referral.objects.filter(pk=referral.pk).update(
            status="completed",
            sent_at=sent,
            received_at=sent + datetime.timedelta(days=days),
            closed_at=sent + datetime.timedelta(days=2 * days),
        )

    figures = figures_for(back_office, Period.month_of(timezone.localdate()))

    assert figures.median_days_to_acknowledge == 2.0
    assert figures.median_days_to_settle == 4.0


def test_the_dashboard_reads_a_fixed_number_of_queries(
    two_districts, as_user, django_assert_max_num_queries
):
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))

    with django_assert_max_num_queries(20):
        client.get(reverse("reports:dashboard"))
