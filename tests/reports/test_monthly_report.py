"""The monthly report of a regency: a page to print on A4, and the same figures as CSV and
XLSX files, each download in the access log."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import AccessLog
from accounts.roles import Role
from complaints.models import Complaint
from tests.factories import staff_user


@pytest.fixture
def supervisor(db):
    call_command("seed_demo", verbosity=0)
    return User.objects.get(username="supervisor")


def figure(rows, label):
    """The value beside `label` in a report's rows (CSV lines or spreadsheet rows)."""
    return next(row[1] for row in rows if row and row[0] == label)


def test_the_page_shows_the_month_of_the_regency_ready_to_print(supervisor, client):
    client.force_login(supervisor)

    response = client.get(reverse("reports:monthly"))

    page = response.content.decode()
    with translation.override("id"):
        month = formats.date_format(timezone.localdate(), "F Y")  # "November 2026"
    assert response.status_code == 200
    assert f"Laporan bulanan SLRT, {month}, Kota Bima" in page
    assert "css/report-a4.css" in page
    assert "&amp;format=csv" in page and "&amp;format=xlsx" in page
    assert response.context["figures"].received == Complaint.objects.count()
    assert re.search(r"Dibuat pada \d{1,2} \w+ 2\d{3} \d\d\.\d\d WITA", page)  # Bima's zone


def test_csv_and_xlsx_hold_the_numbers_of_the_page(supervisor, client):
    client.force_login(supervisor)
    url = reverse("reports:monthly")
    figures = client.get(url).context["figures"]

    text = client.get(url, {"format": "csv"}).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = [list(row) for row in workbook.active.iter_rows(values_only=True)]

    received = Complaint.objects.count()
    handled = Complaint.objects.filter(closure_reason__in=["served", "handled_directly"]).count()
    assert figure(rows, "Pengaduan diterima") == str(received)
    assert figure(sheet, "Pengaduan diterima") == received
    assert figure(sheet, "Pengaduan tertangani (terlayani atau ditangani langsung)") == handled
    for label, values in figures.chart("by-channel").rows:
        assert figure(sheet, label) == values[0]
    assert AccessLog.objects.filter(user=supervisor, action="export").count() == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "bulan lalu"}, "month"),
        ({"month": "2999-01"}, "month"),
        ({"area": "52.71"}, "area"),
        ({"area": "52.72.01"}, "area"),
    ],
)
def test_a_bad_month_or_area_is_refused_with_a_message(supervisor, client, query, field):
    client.force_login(supervisor)

    response = client.get(reverse("reports:monthly"), {**query, "format": "xlsx"})

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not AccessLog.objects.exists()


def test_a_district_supervisor_reports_on_their_district(kota_bima, as_user):
    response = as_user(staff_user(Role.SUPERVISOR, scope="52.72.01")).get(
        reverse("reports:monthly")
    )

    assert response.context["figures"].area.code == "52.72.01"


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.AGENCY_OFFICER])
def test_only_supervisors_and_administrators_make_the_report(kota_bima, role, as_user):
    response = as_user(staff_user(role)).get(reverse("reports:monthly"))

    assert response.status_code == 403
