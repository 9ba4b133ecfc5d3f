"""Each office lives in its province's time zone: Kota Bima (NTB) on WITA, Papua on WIT. The
same instant, 2026-12-01 15.30 UTC, is Tuesday 1 December 23.30 in Bima and already Wednesday
2 December 00.30 in Nabire: dates, deadlines and times shown follow each office's own zone."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from households.forms import MemberForm
from referrals.services import referrals_create, sla_sweep
from regions.codes import read_region_rows
from regions.models import Region
from regions.time_zones import (
    WIB,
    WIT,
    WITA,
    ZONE_OF_PROVINCE,
    local_date_in,
    moment_text,
    time_zone_of,
    zone_abbreviation,
    zones_q,
)
from reports.forms import PeriodForm
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.django_db

INSTANT = datetime.datetime(2026, 12, 1, 15, 30, tzinfo=datetime.UTC)
NABIRE_VILLAGE = "94.01.01.1001"  # Wonorejo, Nabire, Papua Tengah


@pytest.fixture
def nabire(kota_bima):
    Region.objects.bulk_create(
        Region(code=row.code, name=row.name, level=row.level, parent_id=row.parent_code)
        for row in read_region_rows(prefix="94.01.01")
    )


def _register(household, scope, time_machine):
    time_machine.move_to(INSTANT)
    return complaint_register(
        actor=staff_user(Role.FRONT_OFFICE, scope=scope),
        household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"),
        channel="walk_in",
        description="Kartu KIS tidak aktif.",
        complainant_name="Maria",
    )


# --- the rule ---------------------------------------------------------------------------------


def test_every_province_in_the_region_file_has_its_zone_and_no_other_is_listed():
    provinces = {row.code for row in read_region_rows() if row.level == Region.Level.PROVINCE}

    assert len(provinces) == 38
    assert set(ZONE_OF_PROVINCE) == provinces


@pytest.mark.parametrize(
    ("code", "zone", "abbreviation"),
    [
        ("52.72.01.1001", WITA, "WITA"),  # Kota Bima, NTB
        ("51", WITA, "WITA"),  # Bali
        ("64.72", WITA, "WITA"),  # Samarinda
        ("61.71", WIB, "WIB"),  # Pontianak: West Kalimantan keeps WIB
        ("62", WIB, "WIB"),  # Central Kalimantan
        ("31.71", WIB, "WIB"),
        ("81.71", WIT, "WIT"),  # Ambon
        ("91.03.01.1001", WIT, "WIT"),
        ("96", WIT, "WIT"),  # Papua Barat Daya
    ],
)
def test_a_regions_zone_comes_from_its_province(code, zone, abbreviation):
    assert time_zone_of(code) == zone
    assert zone_abbreviation(time_zone_of(code)) == abbreviation


def test_no_region_means_the_servers_default_zone(settings):
    assert time_zone_of(None) == timezone.get_default_timezone()
    assert time_zone_of("") == timezone.get_default_timezone()


def test_the_same_instant_is_another_date_in_papua_than_in_bima():
    assert local_date_in("52.72.01.1001", INSTANT) == datetime.date(2026, 12, 1)
    assert local_date_in(NABIRE_VILLAGE, INSTANT) == datetime.date(2026, 12, 2)
    assert moment_text(INSTANT, WITA) == "01-12-2026 23.30 WITA"
    assert moment_text(INSTANT, WIT) == "02-12-2026 00.30 WIT"


def test_the_zone_filters_share_out_every_region_once(nabire):
    codes = {"52.72.01.1001", NABIRE_VILLAGE, "52", "94"}
    found = {}
    for zone, in_zone in zones_q(""):
        for code in Region.objects.filter(in_zone, code__in=codes).values_list("code", flat=True):
            assert code not in found
            found[code] = zone
    assert found == {"52.72.01.1001": WITA, "52": WITA, NABIRE_VILLAGE: WIT, "94": WIT}


# --- dates that follow the household's zone -----------------------------------------------------


def test_a_complaints_deadlines_count_from_its_own_offices_date(nabire, time_machine):
    bima = _register(HouseholdFactory(region_id="52.72.01.1001"), "52.72", time_machine)
    papua = _register(
        HouseholdFactory(region_id=NABIRE_VILLAGE, kk_number="9401010101200001"), "94.01",
        time_machine,
    )  # fmt: skip

    assert bima.first_action_due == datetime.date(2026, 12, 2)  # from Tuesday 1st
    assert papua.first_action_due == datetime.date(2026, 12, 3)  # from Wednesday 2nd


def test_the_sla_sweep_judges_lateness_on_the_households_own_date(
    assessed, back_office, catalogue, nabire, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC))
    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    assert referral.response_due == datetime.date(2026, 11, 30)
    time_machine.move_to(datetime.datetime(2026, 11, 30, 15, 30, tzinfo=datetime.UTC))

    assert sla_sweep() == {"reminders": 0, "escalations": 0}  # 23.30 WITA, still the 30th
    type(referral.household).objects.filter(pk=referral.household_id).update(
        region_id=NABIRE_VILLAGE
    )
    assert sla_sweep() == {"reminders": 1, "escalations": 0}  # 00.30 WIT, 1 December


# --- pages ---------------------------------------------------------------------------------------


def test_each_office_reads_the_time_in_its_own_zone(as_user, nabire, time_machine):
    complaint = _register(
        HouseholdFactory(region_id=NABIRE_VILLAGE, kk_number="9401010101200001"), "94.01",
        time_machine,
    )  # fmt: skip
    url = reverse("complaints:detail", args=[complaint.pk])

    in_papua = as_user(staff_user(Role.BACK_OFFICE, scope="94.01")).get(url)
    assert "02-12-2026 00.30 WIT" in in_papua.text

    in_the_province = as_user(staff_user(Role.SUPERVISOR, scope="94")).get(url)
    assert "02-12-2026 00.30 WIT" in in_the_province.text


def test_kota_bima_reads_wita_on_its_pages(as_user, kota_bima, time_machine):
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, relationship="head")
    complaint = _register(household, "52.72", time_machine)

    page = as_user(staff_user(Role.BACK_OFFICE, scope="52.72")).get(
        reverse("complaints:receipt", args=[complaint.pk])
    )

    assert "Selasa, 1 Desember 2026 23.30 WITA" in page.text


def test_the_monthly_report_says_when_it_was_made_in_the_offices_zone(
    as_user, kota_bima, time_machine
):
    time_machine.move_to(INSTANT)
    page = as_user(staff_user(Role.SUPERVISOR, scope="52.72")).get(
        reverse("reports:monthly"), {"month": "2026-11", "area": "52.72"}
    )

    assert page.status_code == 200
    assert "Dibuat pada 1 Desember 2026 23.30 WITA" in page.text


def test_an_export_streams_its_times_in_the_offices_zone(as_user, kota_bima, time_machine):
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, relationship="head")
    _register(household, "52.72", time_machine)
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))
    url = reverse("reports:export", args=["complaints"])

    response = client.post(url, {"purpose": "supervision"})

    text = b"".join(response.streaming_content).decode("utf-8")  # read after the request
    assert "2026-12-01 23:30 WITA" in text
    assert "WIB" not in text


def test_a_complaints_matches_take_the_households_date_whoever_asks(
    assessed, kota_bima, monkeypatch, time_machine
):
    """A child turns 7 at midnight in Bima, an hour before midnight in Jakarta: the programmes
    offered follow the household's date on the page and in the API (default zone) alike."""
    import complaints.selectors as selectors

    complaint = assessed()
    time_machine.move_to(datetime.datetime(2026, 12, 1, 16, 30, tzinfo=datetime.UTC))  # 00.30 WITA
    asked_on = []
    monkeypatch.setattr(
        selectors, "programs_matching", lambda household, domains, *, today: asked_on.append(today)
    )

    with timezone.override(WIB):
        selectors.complaint_matches(complaint, selectors.assessment_of(complaint.pk))

    assert asked_on == [datetime.date(2026, 12, 2)]


# --- dates typed the Indonesian way -------------------------------------------------------------


def test_a_birth_date_is_typed_day_first_and_iso_is_still_read():
    for typed in ("17-08-1990", "17/08/1990", "1990-08-17"):
        form = MemberForm(data={"birth_date": typed})
        form.is_valid()
        assert "birth_date" not in form.errors, typed
        assert form.cleaned_data["birth_date"] == datetime.date(1990, 8, 17)


def test_a_date_in_another_order_is_refused_in_indonesian():
    form = MemberForm(data={"birth_date": "08/17/1990"})

    assert not form.is_valid()
    assert form.errors["birth_date"] == ["Tulis tanggal sebagai HH-BB-TTTT, misalnya 17-08-1990."]


def test_a_date_field_is_a_text_box_showing_day_month_year():
    html = str(MemberForm(initial={"birth_date": datetime.date(1990, 8, 17)})["birth_date"])

    assert 'type="text"' in html
    assert 'value="17-08-1990"' in html
    assert 'placeholder="HH-BB-TTTT"' in html


def test_the_dashboard_period_shows_and_reads_day_first(kota_bima):
    user = staff_user(Role.SUPERVISOR, scope="52.72")
    form = PeriodForm(QueryDict(), user=user, today=datetime.date(2026, 12, 1))
    assert 'value="01-12-2026"' in str(form["end"])
    typed = PeriodForm(
        QueryDict("start=01-11-2026&end=30-11-2026"), user=user, today=datetime.date(2026, 12, 1)
    )
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["end"] == datetime.date(2026, 11, 30)


def test_the_monthly_reports_month_is_a_text_box_read_month_first_then_year(kota_bima):
    from reports.forms import MonthlyReportForm

    user = staff_user(Role.SUPERVISOR, scope="52.72")
    shown = MonthlyReportForm(QueryDict(), user=user, today=datetime.date(2026, 12, 1))
    html = str(shown["month"])
    assert 'type="text"' in html and 'value="12-2026"' in html and "BB-TTTT" in html
    for typed in ("11-2026", "11/2026", "2026-11"):  # ISO still read: links and older pages
        form = MonthlyReportForm(
            QueryDict(f"month={typed}"), user=user, today=datetime.date(2026, 12, 1)
        )
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["month"] == datetime.date(2026, 11, 1)
    refused = MonthlyReportForm(
        QueryDict("month=13-2026"), user=user, today=datetime.date(2026, 12, 1)
    )
    assert not refused.is_valid()
    assert refused.errors["month"] == ["Tulis bulan sebagai BB-TTTT, misalnya 11-2026."]
