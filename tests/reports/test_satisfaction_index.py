"""The service satisfaction index (IKM) of PermenPANRB 14/2017 in the monthly report: each
element's average (NRR = sum of its answers / respondents), weighted 1/9, summed (IKM of
the unit), × 25 (converted), graded D 25.00–64.99, C 65.00–76.60, B 76.61–88.30,
A 88.31–100.00; computed by one function for the page and its files, over the surveys of
the supervisor's area answered in the month, in the office's zone."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import SURVEY_ELEMENTS, ComplaintCategory, SatisfactionSurvey
from complaints.services import complaint_close, complaint_register
from complaints.survey import satisfaction_index
from tests.factories import HouseholdFactory, PersonFactory, staff_user

# Four respondents, worked by hand (U1…U9 of each).
WORKED = [
    [4, 4, 3, 4, 3, 3, 4, 3, 3],
    [3, 3, 3, 4, 3, 3, 3, 3, 3],
    [3, 4, 2, 4, 3, 4, 4, 3, 3],
    [4, 3, 3, 4, 3, 3, 4, 2, 3],
]
# Sums 14 14 11 16 12 13 15 11 12; NRR 3.5 3.5 2.75 4 3 3.25 3.75 2.75 3 (sum 29.5);
# IKM = 29.5 × 1/9 = 3.2777…; converted 81.944… → 81.94: B (Baik).
WORKED_NRR = ["3.5", "3.5", "2.75", "4", "3", "3.25", "3.75", "2.75", "3"]


def sums_of(answers: list[list[int]]) -> list[int]:
    return [sum(column) for column in zip(*answers, strict=True)]


def test_the_worked_example_by_hand():
    index = satisfaction_index(sums_of(WORKED), len(WORKED))
    assert sums_of(WORKED) == [14, 14, 11, 16, 12, 13, 15, 11, 12]
    assert index.respondents == 4
    assert list(index.element_averages) == [Decimal(value) for value in WORKED_NRR]
    assert round(index.index, 4) == Decimal("3.2778")
    assert index.converted == Decimal("81.94")
    assert (index.grade, str(index.grade_meaning)) == ("B", "Baik")


def test_no_respondents_give_no_index_rather_than_zero_or_an_error():
    index = satisfaction_index([0] * 9, 0)
    assert index.respondents == 0
    assert index.index is index.converted is index.grade is index.element_averages is None


def spread(total: int, respondents: int) -> list[int]:
    """Nine element sums adding up to `total`, as even as can be."""
    base, extra = divmod(total, 9)
    sums = [base + (1 if n < extra else 0) for n in range(9)]
    assert all(respondents <= value <= 4 * respondents for value in sums)
    return sums


# (sum of all answers, respondents) → the converted index they give, and its grade: the
# ends of every grade. Converted = 25 × total / (9 × respondents).
@pytest.mark.parametrize(
    ("total", "respondents", "converted", "grade"),
    [
        (9, 1, "25.00", "D"),  # every answer 1
        (58491, 2500, "64.99", "D"),
        (117, 5, "65.00", "C"),
        (3447, 125, "76.60", "C"),
        (68949, 2500, "76.61", "B"),
        (137889, 5000, "76.61", "B"),  # 76.605 rounds half up, to B
        (7947, 250, "88.30", "B"),
        (79479, 2500, "88.31", "A"),
        (36, 1, "100.00", "A"),  # every answer 4
    ],
)
def test_the_grades_bounds(total, respondents, converted, grade):
    index = satisfaction_index(spread(total, respondents), respondents)
    assert index.converted == Decimal(converted)
    assert index.grade == grade


# --- in the monthly report ------------------------------------------------------------------


@pytest.fixture
def answered(catalogue):
    """Closed complaints in Rasanae Barat (52.72.01) and Rasanae Timur (52.72.02), each with
    an answered survey: `make(district, scores, answered_at)`."""
    category = ComplaintCategory.objects.get(code="kesehatan-pbi")

    def make(district: str, scores: list[int], answered_at: datetime.datetime):
        village = {"52.72.01": "52.72.01.1001", "52.72.02": "52.72.02.1008"}[district]
        household = HouseholdFactory(region_id=village)
        PersonFactory(household=household, relationship="head")
        desk = staff_user(Role.FRONT_OFFICE, district)
        complaint = complaint_register(
            actor=desk, household=household, category=category, channel="walk_in",
            description="Informasi PBI-JK", complainant=household.members.get(),
        )  # fmt: skip
        complaint_close(actor=desk, complaint=complaint, closure_reason="handled_directly",
                        note="Dijelaskan.")  # fmt: skip
        # made by the closing; answered as the resident's page would, at a chosen moment
        SatisfactionSurvey.objects.filter(complaint=complaint).update(
            answered_at=answered_at,
            answered_via="link",
            **dict(zip(SURVEY_ELEMENTS, scores, strict=True)),
        )

    return make


WITA = datetime.timezone(datetime.timedelta(hours=8))


def test_the_report_shows_the_index_of_the_area_and_month_in_the_offices_zone(answered, as_user):
    for scores in WORKED[:3]:
        answered("52.72.01", scores, datetime.datetime(2026, 10, 15, 10, tzinfo=WITA))
    # the last evening of October in Bima (WITA) is October's, though still the 31st in UTC
    answered("52.72.01", WORKED[3], datetime.datetime(2026, 10, 31, 23, 30, tzinfo=WITA))
    answered("52.72.01", [1] * 9, datetime.datetime(2026, 11, 1, 0, 30, tzinfo=WITA))  # November
    answered("52.72.02", [1] * 9, datetime.datetime(2026, 10, 15, 10, tzinfo=WITA))  # elsewhere
    client = as_user(staff_user(Role.SUPERVISOR, "52.72.01"))

    response = client.get(reverse("reports:monthly"), {"month": "10-2026"})

    index = response.context["figures"].satisfaction
    page = response.content.decode()
    assert index.respondents == 4 and index.converted == Decimal("81.94")
    assert "Indeks Kepuasan Masyarakat (IKM, PermenPANRB 14/2017)" in page
    assert "81,94" in page and "B (Baik)" in page and "3,278" in page
    assert "U3 Waktu penyelesaian" in page and "2,75" in page


def test_the_files_hold_the_index_of_the_page(answered, as_user):
    for scores in WORKED:
        answered("52.72.01", scores, datetime.datetime(2026, 10, 15, 10, tzinfo=WITA))
    client = as_user(staff_user(Role.SUPERVISOR, "52.72.01"))
    url = reverse("reports:monthly")

    text = client.get(url, {"month": "10-2026", "format": "csv"}).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    xlsx = client.get(url, {"month": "10-2026", "format": "xlsx"}).content
    sheet = [list(row) for row in openpyxl.load_workbook(io.BytesIO(xlsx)).active.values]

    def figure(lines, label):
        return next(line[1:] for line in lines if line and line[0] == label)

    assert figure(rows, "IKM konversi (× 25)") == ["81,94"]
    assert figure(rows, "Mutu pelayanan") == ["B (Baik)"]
    assert figure(rows, "U1 Persyaratan") == ["3,50", "0,389"]
    assert figure(sheet, "IKM konversi (× 25)")[0] == 81.94
    assert figure(sheet, "Jumlah responden")[0] == 4


def test_a_month_without_respondents_says_so(answered, as_user):
    answered("52.72.02", [4] * 9, datetime.datetime(2026, 10, 15, 10, tzinfo=WITA))  # elsewhere
    client = as_user(staff_user(Role.SUPERVISOR, "52.72.01"))

    response = client.get(reverse("reports:monthly"), {"month": "10-2026"})
    text = client.get(
        reverse("reports:monthly"), {"month": "10-2026", "format": "csv"}
    ).content.decode("utf-8")

    page = response.content.decode()
    assert response.status_code == 200
    assert "belum ada responden" in page and "Mutu pelayanan" not in page
    assert "Jumlah responden;belum ada responden" in text
