"""The verification sheet (lembar verifikasi) of a home visit, printed on A4 for the
household's file: the office's letterhead, the household with its whole identifiers (so
opening it is in the access log), the facilitator, the time in the household's zone, who was
met, the variables recorded and observed with each decision, the location, the verdict, the
photos and three signature boxes. And the verdict on the household's page."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import AccessLog
from accounts.roles import Role
from accounts.services import office_upsert
from documents.models import Document, DocumentKind
from households.models import Person
from regions.models import Region
from tests.factories import DocumentFactory, staff_user
from tests.visits.review_data import submitted_visit
from visits.findings import value_label
from visits.models import Visit
from visits.review import visit_finding_decide

OFFICE = {
    "name": "SLRT Kecamatan Rasanae Barat",
    "address": "Jalan Gajah Mada 3, Paruga",
    "phone": "0374-555123",
    "head_name": "Hj. Siti Rahmah, S.Sos.",
    "head_nip": "198001012005012003",
}


@pytest.fixture
def visit(kota_bima):
    office_upsert(region=Region.objects.get(code="52.72.01"), **OFFICE)
    visit = submitted_visit(
        # 12 November 2026 23.30 UTC is already 13 November 07.30 in Bima (WITA)
        submitted_at=datetime.datetime(2026, 11, 12, 23, 30, tzinfo=datetime.UTC),
    )
    head = Person.objects.get(household=visit.household_id)
    Person.objects.filter(pk=head.pk).update(nik="5272011203800001")
    visit.members_present.add(head)
    for code, name in [("foto_depan", "depan.jpg"), ("foto_dalam", "dalam.jpg")]:
        DocumentFactory(
            household=visit.household, owner_type="visit", owner_id=visit.pk,
            kind=DocumentKind.objects.get(code=code),
            original_name=name, content_type="image/jpeg",
        )  # fmt: skip
    return visit


def sheet_of(client, visit: Visit):
    return client.get(reverse("visits:sheet", args=[visit.pk]))


def test_the_sheet_carries_the_office_household_visit_decisions_photos_and_signatures(
    visit, back_office, as_user
):
    visit_finding_decide(
        actor=back_office, finding=visit.findings.get(field="floor_material"), decision="accepted"
    )

    answer = sheet_of(as_user(back_office), visit)

    page = answer.content.decode()
    assert answer.status_code == 200
    assert OFFICE["name"] in page and OFFICE["address"] in page
    assert "5272011203150001" in page  # the KK number, whole: it is the file's copy
    assert "5272011203800001" in page  # the head's NIK
    assert "Rahmat Hidayat" in page and "Siti Aminah" in page
    assert visit.assignee.get_full_name() in page or visit.assignee.username in page
    assert "13-11-2026 07.30 WITA" in page
    assert "-8.460000" in page and "118.730000" in page
    assert "Rumah panggung, dinding papan." in page
    with translation.override("id"):
        labels = [value_label("floor_material", 1), value_label("floor_material", 3)]
        verdict = str(Visit.Verdict.LAYAK.label)
    assert all(html.escape(label) in page for label in labels)
    assert html.escape(verdict) in page
    front, inside = (
        reverse("documents:download", args=[Document.objects.get(kind__code=code).pk])
        for code in ("foto_depan", "foto_dalam")
    )
    assert page.index(front) < page.index(inside)  # the front first, streamed by its view
    assert page.count('class="signatory"') == 3
    assert "css/receipt-a4.css" in page  # @page size A4


def test_opening_the_sheet_is_written_to_the_access_log_and_kept_from_caches(
    visit, back_office, as_user
):
    answer = sheet_of(as_user(back_office), visit)

    logged = AccessLog.objects.get(user=back_office)
    assert logged.household_id == visit.household_id
    assert logged.action == AccessLog.Action.VIEW
    assert "no-store" in answer["Cache-Control"]


def test_the_sheet_gives_the_reason_when_no_location_was_recorded(visit, back_office, as_user):
    Visit.objects.filter(pk=visit.pk).update(
        gps_consent=False, latitude=None, longitude=None, no_location_reason="Warga menolak"
    )

    page = sheet_of(as_user(back_office), visit).content.decode()

    assert "Warga menolak" in page
    assert "118.730000" not in page


def test_the_sheet_prints_without_an_office_set_up(kota_bima, back_office, as_user):
    visit = submitted_visit()

    answer = sheet_of(as_user(back_office), visit)

    assert answer.status_code == 200
    assert "office-missing" in answer.content.decode()


def test_the_facilitator_who_made_the_visit_prints_its_sheet_and_another_does_not(visit, client):
    client.force_login(visit.assignee)
    own = sheet_of(client, visit)
    client.force_login(staff_user(Role.FACILITATOR, "52.72.01"))
    other = sheet_of(client, visit)

    assert own.status_code == 200
    assert other.status_code == 404
    assert "5272011203150001" not in other.content.decode()


@pytest.mark.parametrize("verdict", [Visit.Verdict.PINDAH, Visit.Verdict.MENINGGAL])
def test_a_moved_or_deceased_verdict_shows_on_the_household_page_with_a_prompt(
    kota_bima, back_office, as_user, verdict
):
    visit = submitted_visit(
        verdict=verdict,
        findings=[],
        submitted_at=datetime.datetime(2026, 11, 12, 2, 0, tzinfo=datetime.UTC),
    )
    client = as_user(back_office)
    before = client.get(reverse("households:detail", args=[visit.household_id])).content.decode()
    client.post(reverse("visits:review_finish", args=[visit.pk]))

    page = client.get(reverse("households:detail", args=[visit.household_id])).content.decode()

    with translation.override("id"):
        label = str(Visit.Verdict(verdict).label)
        # The page's line for the visit (its actions name a death and a move too).
        line = translation.gettext("Visit %(date)s: %(verdict)s") % {
            "date": "12-11-2026", "verdict": label}  # fmt: skip
    assert html.escape(line) not in before  # shown only once reviewed
    assert reverse("visits:review", args=[visit.pk]) in before  # waiting for review
    assert html.escape(line) in page
    assert "list-group-item-warning" in page
    assert reverse("visits:sheet", args=[visit.pk]) in page


def test_a_layak_verdict_shows_without_the_person_status_prompt(kota_bima, back_office, as_user):
    visit = submitted_visit(findings=[], status=Visit.Status.REVIEWED)

    page = as_user(back_office).get(reverse("households:detail", args=[visit.household_id]))

    body = page.content.decode()
    assert reverse("visits:sheet", args=[visit.pk]) in body
    assert "list-group-item-warning" not in body


def test_a_replaced_photo_is_neither_on_the_sheet_nor_on_the_review(visit, back_office, as_user):
    front, inside = (
        Document.objects.get(owner_type="visit", owner_id=visit.pk, kind__code=code)
        for code in ("foto_depan", "foto_dalam")
    )
    newer = DocumentFactory(
        household=visit.household, owner_type="visit", owner_id=visit.pk,
        kind=DocumentKind.objects.get(code="foto_depan"),
        original_name="depan-lagi.jpg", content_type="image/jpeg",
    )  # fmt: skip
    client = as_user(back_office)

    sheet = sheet_of(client, visit).content.decode()
    review = client.get(reverse("visits:review", args=[visit.pk])).content.decode()

    newer_url, inside_url, older_url = (
        reverse("documents:download", args=[document.pk]) for document in (newer, inside, front)
    )
    for page in (sheet, review):
        assert f'href="{newer_url}"' in page and f'href="{inside_url}"' in page
        assert f'href="{older_url}"' not in page
        assert page.index(f'href="{newer_url}"') < page.index(f'href="{inside_url}"')  # front first


def test_a_facilitator_finds_on_the_household_page_only_the_visits_assigned_to_them(
    kota_bima, client
):
    own = submitted_visit(findings=[])
    other = submitted_visit(household=own.household, findings=[], status=Visit.Status.REVIEWED)
    client.force_login(own.assignee)

    page = client.get(reverse("households:detail", args=[own.household_id]))

    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("visits:review", args=[own.pk]) in body
    assert reverse("visits:sheet", args=[other.pk]) not in body
    assert reverse("visits:review", args=[other.pk]) not in body
