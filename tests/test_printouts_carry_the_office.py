"""The receipt, the referral letter and the monthly report carry the office that serves the
household (its letterhead, address, telephone, and for the report its head's signature),
from the office's settings; without an office set up they still print, with a placeholder
and a hint for the administrator."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_OFFICE
from accounts.models import Office
from accounts.roles import Role
from accounts.services import office_upsert
from referrals.models import Referral
from referrals.services import referrals_create
from regions.models import Region
from regions.time_zones import local_date_in
from tests.factories import staff_user

DISTRICT_OFFICE = {
    "name": "SLRT Kecamatan Rasanae Barat",
    "address": "Jalan Gajah Mada 3, Paruga",
    "phone": "0374-555123",
    "head_name": "Hj. Siti Rahmah, S.Sos.",
    "head_nip": "198001012005012003",
}


@pytest.fixture
def offices(kota_bima):
    """The city's office, and the district's, which serves the test household's village."""
    city = office_upsert(region=Region.objects.get(code="52.72"), **DEMO_OFFICE)
    district = office_upsert(region=Region.objects.get(code="52.72.01"), **DISTRICT_OFFICE)
    return city, district


def test_the_receipt_gives_the_address_and_telephone_of_the_households_office(
    offices, assessed, as_user
):
    complaint = assessed()

    receipt = as_user(complaint.registered_by).get(
        reverse("complaints:receipt", args=[complaint.pk])
    )

    page = receipt.content.decode()
    assert "SLRT Kecamatan Rasanae Barat" in page
    assert "Jalan Gajah Mada 3, Paruga" in page
    assert "0374-555123" in page
    assert DEMO_OFFICE["name"] not in page  # the nearest office, not the city's


def test_the_letter_is_headed_by_the_referring_office_and_numbered_within_the_complaint(
    offices, assessed, back_office, catalogue, as_user
):
    complaint = assessed()
    first, second = referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["BPNT"], catalogue["JAMKESDA"]]
    )

    letter = as_user(back_office).get(reverse("referrals:letter", args=[second.pk]))

    page = letter.content.decode()
    header = page[page.index("<header>") : page.index("</header>")]
    assert "SLRT Kecamatan Rasanae Barat" in header
    assert "Jalan Gajah Mada 3, Paruga" in header
    assert f"{complaint.ticket_number}/R2" in header
    assert (first.number, second.number) == (
        f"{complaint.ticket_number}/R1",
        f"{complaint.ticket_number}/R2",
    )
    assert complaint.service_point not in header or not complaint.service_point


def test_referral_numbers_go_on_counting_within_the_complaint(assessed, back_office, catalogue):
    complaint = assessed()
    (first,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["BPNT"]]
    )
    other = assessed()
    (elsewhere,) = referrals_create(
        actor=back_office, complaint=other, programs=[catalogue["BPNT"]]
    )
    (second,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["JAMKESDA"]]
    )

    assert [first.sequence, second.sequence, elsewhere.sequence] == [1, 2, 1]
    assert second.number.endswith("/R2") and elsewhere.number.endswith("/R1")


def test_the_migration_numbers_existing_referrals_per_complaint_oldest_first(
    assessed, back_office, catalogue
):
    from importlib import import_module

    from django.apps import apps
    from django.db.models import F

    numbering = import_module("referrals.migrations.0007_referral_sequence_per_complaint")
    complaint, other = assessed(), assessed()
    made = [
        *referrals_create(actor=back_office, complaint=complaint, programs=[catalogue["BPNT"]]),
        *referrals_create(actor=back_office, complaint=other, programs=[catalogue["BPNT"]]),
        *referrals_create(actor=back_office, complaint=complaint, programs=[catalogue["PKH"]]),
    ]
    Referral.objects.update(sequence=F("pk") + 100)  # numbered across the system, as before

    numbering.number_existing(apps, None)

    assert [Referral.objects.get(pk=r.pk).sequence for r in made] == [1, 1, 2]


def test_the_monthly_report_is_signed_by_the_head_of_office_for_its_month(offices, client):
    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(username="supervisor"))

    response = client.get(reverse("reports:monthly"), {"month": "2026-01", "area": "52.72"})

    page = response.content.decode()
    signature = page[page.index('class="signature"') :]
    assert "Mengetahui," in signature
    assert DEMO_OFFICE["head_position"] in signature
    assert DEMO_OFFICE["head_name"] in signature
    assert "NIP 19700512 199503 1 004" in signature
    assert f"Bima, {local_date_in('52.72'):%-d}" in signature  # the office's day (WITA)
    assert "Januari 2026" in page
    assert "hari ini" not in page  # its figures are January's: overdue on 31 January
    assert "31 Januari 2026" in page


def test_a_report_of_a_past_month_counts_the_referrals_overdue_on_its_last_day(
    assessed, back_office, catalogue, kota_bima
):
    from reports.selectors import Period, figures_for

    complaint = assessed()
    (late,) = referrals_create(actor=back_office, complaint=complaint, programs=[catalogue["BPNT"]])
    month_end = datetime.date(2026, 1, 31)
    Referral.objects.filter(pk=late.pk).update(
        sent_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9)),
        response_due=datetime.date(2026, 1, 8),
        received_at=timezone.make_aware(datetime.datetime(2026, 2, 3, 9)),
        status="received",
    )
    supervisor = staff_user(Role.SUPERVISOR, "52.72")

    then = figures_for(supervisor, Period.month_of(month_end), overdue_on=month_end)
    now = figures_for(supervisor, Period.month_of(month_end))

    assert (then.overdue, now.overdue) == (1, 0)


def test_a_printout_without_an_office_set_up_still_prints_and_says_what_is_missing(
    assessed, as_user
):
    complaint = assessed()
    assert not Office.objects.exists()

    page = (
        as_user(complaint.registered_by)
        .get(reverse("complaints:receipt", args=[complaint.pk]))
        .content.decode()
    )

    assert "[Kantor belum diatur]" in page
    assert "administrator" in page
    assert complaint.ticket_number in page


def test_the_monthly_csv_writes_decimals_as_the_page_does_for_a_spreadsheet_in_indonesian(
    db, client
):
    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(username="supervisor"))
    url = reverse("reports:monthly")
    figures = client.get(url).context["figures"]

    text = client.get(url, {"format": "csv"}).content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    share = next(row[1] for row in rows if row and row[0] == "Persentase tertangani (%)")
    assert figures.handled_share is not None and "." not in share
    assert share == str(figures.handled_share).replace(".", ",")
