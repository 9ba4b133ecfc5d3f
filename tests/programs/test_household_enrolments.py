"""The household page lists the programmes the household receives now."""

import datetime

from django.urls import reverse

from programs.models import Enrollment, Program
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory, staff_user


def test_the_household_page_lists_current_enrolments_only(kota_bima, as_user):
    agency = AgencyFactory()
    pkh, bpnt = (
        Program.objects.create(code=code, name=name, level="central", agency=agency)
        for code, name in [("PKH", "Program Keluarga Harapan"), ("BPNT", "Sembako")]
    )
    household = HouseholdFactory()
    PersonFactory(household=household, relationship="head")
    Enrollment.objects.create(
        household=household, program=pkh, since=datetime.date(2024, 3, 1), source="DTSEN"
    )
    Enrollment.objects.create(household=household, program=bpnt, is_active=False)
    client = as_user(staff_user("front_office", scope="52.72"))

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()

    received = page.split("Program yang diterima")[1].split("<h2")[0]
    assert "Program Keluarga Harapan" in received
    assert "sejak 01-03-2024 · DTSEN" in received
    assert "Sembako" not in received  # ended


def test_a_household_without_programmes_says_so(kota_bima, as_user):
    household = HouseholdFactory()
    client = as_user(staff_user("front_office", scope="52.72"))

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()

    assert "Belum ada program yang tercatat untuk rumah tangga ini." in page
