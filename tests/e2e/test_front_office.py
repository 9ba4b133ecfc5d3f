"""A resident walks in: the front office finds no one by NIK, registers the household of
four, registers the complaint and prints the receipt — on a desktop and on a phone."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.demo import DEMO_OFFICE
from complaints.models import Complaint
from households.models import Household
from regions.time_zones import WITA
from tests.e2e.conftest import PHONE, assert_accessible, pages_in, shot, sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FAMILY = [  # name, NIK, relationship, sex, birth date as a clerk types it (DD-MM-YYYY)
    ("Ahmad Fauzi", "5272011505800001", "head", "M", "15-05-1980"),
    ("Rina Marlina", "5272014708850002", "spouse", "F", "07-08-1985"),
    ("Dewi Fauzi", "5272015203100003", "child", "F", "12-03-2010"),
    ("Bayu Fauzi", "", "child", "M", "02-11-2024"),
]


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_walk_in_household_is_registered_and_leaves_with_a_receipt(watched, demo, viewport):
    page = watched
    size = "phone" if viewport else "desktop"
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(demo + "/accounts/login/")
    assert_accessible(page)
    sign_in(page, demo, "fo")

    page.goto(demo + "/households/")
    page.fill("input[name=q]", FAMILY[0][1])
    page.press("input[name=q]", "Enter")
    shot(page, f"front-office-search-{size}")
    assert_accessible(page)
    page.get_by_text("Daftarkan rumah tangga baru").click()

    page.fill("input[name=kk_number]", "5272011505240007")
    page.fill("input[name=address]", "Jl. Gatot Subroto 5")
    page.fill("input[name=rt]", "002")
    page.fill("input[name=rw]", "004")
    page.select_option("select[name=region__district]", "52.72.01")
    village = "select[name=region__village] option[value='52.72.01.1001']"
    page.wait_for_selector(village, state="attached")  # the picker refilled by htmx
    page.select_option("select[name=region__village]", "52.72.01.1001")
    for index, (name, nik, relationship, sex, born) in enumerate(FAMILY):
        if index:
            page.click("button[name=add_member]")
        page.fill(f"input[name=members-{index}-name]", name)
        page.fill(f"input[name=members-{index}-nik]", nik)
        page.select_option(f"select[name=members-{index}-relationship]", relationship)
        page.select_option(f"select[name=members-{index}-sex]", sex)
        born_field = page.locator(f"input[name=members-{index}-birth_date]")
        assert born_field.get_attribute("placeholder") == "HH-BB-TTTT"
        born_field.fill(born)
    shot(page, f"front-office-household-form-{size}")
    assert_accessible(page)
    page.click("form:has(input[name=kk_number]) button[type=submit]:not([name])")

    page.wait_for_url(re.compile(r"/households/\d+/$"))
    household = Household.objects.get(kk_number="5272011505240007")
    assert household.members.count() == 4
    assert household.members.get(name="Bayu Fauzi").birth_date == datetime.date(2024, 11, 2)
    assert "Ahmad Fauzi" in page.content()

    page.goto(f"{demo}/complaints/new/{household.pk}/")
    page.select_option("select[name=complainant]", label="Ahmad Fauzi")
    page.locator("select[name=category] option:not([value=''])").first.wait_for(state="attached")
    category = page.locator("select[name=category] option:not([value=''])").first
    page.select_option("select[name=category]", category.get_attribute("value"))
    page.fill("textarea[name=description]", "Bantuan pangan tidak diterima sejak Agustus.")
    page.check("input[name=consent_given]")
    assert_accessible(page)
    page.click("form:has(textarea[name=description]) button[type=submit]")

    page.wait_for_url(re.compile(r"/complaints/\d+/$"))
    complaint = Complaint.objects.get(household=household)
    assert complaint.ticket_number in page.content()
    # Kota Bima lives on WITA (UTC+8), whatever the server's zone, and says so.
    in_bima = timezone.localtime(complaint.registered_at, WITA)
    assert f"{in_bima:%d-%m-%Y %H.%M} WITA" in page.content()
    page.goto(f"{demo}/complaints/{complaint.pk}/receipt/")
    assert complaint.ticket_number in page.content()
    assert f"{in_bima:%H.%M} WITA" in page.content()
    letterhead = page.locator("main header").inner_text()
    assert "Dinas Sosial Kota Bima" in letterhead and DEMO_OFFICE["phone"] in letterhead
    shot(page, f"front-office-receipt-{size}")
    assert_accessible(page)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pages_in(pdf) == 1, "the receipt prints on one page"
