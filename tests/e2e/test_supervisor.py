"""A supervisor checks the office: the dashboard's charts, what is overdue, the monthly
report on one page, and an export of the overdue referrals."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from accounts.demo import DEMO_OFFICE
from referrals.models import Referral
from tests.e2e.conftest import assert_accessible, pages_in, shot, sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_supervisor_reads_the_dashboard_the_overdue_list_the_report_and_exports(watched, demo):
    page = watched
    late = Referral.objects.exclude(status__in=["completed", "rejected", "cancelled"]).first()
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    Referral.objects.filter(pk=late.pk).update(status="sent", response_due=last_month)
    sign_in(page, demo, "supervisor")

    page.goto(demo + "/reports/")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length > 0")
    charts = page.evaluate("() => Object.keys(Chart.instances).length")
    assert charts == page.locator("canvas").count() >= 4
    shot(page, "supervisor-dashboard")
    assert_accessible(page)

    page.goto(demo + "/referrals/?overdue=acknowledgement")
    assert page.locator(f"main a[href='/referrals/{late.pk}/']").count() >= 1
    assert_accessible(page)

    page.goto(demo + "/reports/monthly/")
    assert "Kota Bima" in page.content()
    signature = page.locator("main .signature").inner_text()
    assert "Mengetahui," in signature and DEMO_OFFICE["head_name"] in signature
    shot(page, "supervisor-monthly-report")
    assert_accessible(page)
    page.emulate_media(media="print")
    assert pages_in(page.pdf(format="A4")) == 1, "the monthly report prints on one A4 page"
    page.emulate_media(media="screen")

    page.goto(demo + "/reports/exports/referrals/?overdue=acknowledgement")
    assert_accessible(page)
    page.select_option("select[name=purpose]", "supervision")
    with page.expect_download() as download:
        page.click("form:has(select[name=purpose]) button[type=submit]")
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert str(late.pk) in [row[0] for row in rows[1:]]  # the late referral, by its number
