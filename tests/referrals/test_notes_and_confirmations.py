"""A referral's notes are each programme's own, and the moves that cannot be undone
(complete, reject, cancel; closing a complaint) are made only once confirmed on a page
that names the thing and says what follows. Plain forms: no JavaScript needed."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from programs.models import Program
from referrals.models import Referral
from referrals.services import referrals_create
from tests.factories import staff_user

JUSTIFICATION = "Belum ada di DTSEN; dirujuk karena anak sakit berat."


@pytest.fixture
def complaint(assessed):
    return assessed()


@pytest.fixture
def bpnt_not_qualified(catalogue):
    # The household (desil 2) no longer qualifies for BPNT; it still does for JAMKESDA.
    Program.objects.filter(code="BPNT").update(rule={"field": "desil", "op": "lte", "value": 1})


def test_the_form_has_one_notes_box_per_programme(complaint, back_office, as_user):
    page = as_user(back_office).get(reverse("referrals:create", args=[complaint.pk]))

    html = page.content.decode()
    assert 'name="notes_BPNT"' in html and 'name="notes_JAMKESDA"' in html
    assert 'name="notes"' not in html  # no box shared by every programme


@pytest.mark.usefixtures("bpnt_not_qualified")
def test_a_justification_goes_to_its_own_programmes_referral_and_letter_only(
    complaint, back_office, as_user
):
    client = as_user(back_office)

    response = client.post(
        reverse("referrals:create", args=[complaint.pk]),
        {"program": ["BPNT", "JAMKESDA"], "notes_BPNT": JUSTIFICATION, "notes_JAMKESDA": ""},
    )

    assert response.status_code == 302
    bpnt = complaint.referrals.get(program__code="BPNT")
    jamkesda = complaint.referrals.get(program__code="JAMKESDA")
    assert (bpnt.notes, jamkesda.notes) == (JUSTIFICATION, "")
    letter = client.get(reverse("referrals:letter", args=[jamkesda.pk])).content.decode()
    assert JUSTIFICATION not in letter
    assert JUSTIFICATION in client.get(reverse("referrals:letter", args=[bpnt.pk])).content.decode()


@pytest.mark.usefixtures("bpnt_not_qualified")
def test_a_missing_justification_is_marked_on_that_programmes_notes(
    complaint, back_office, as_user
):
    response = as_user(back_office).post(
        reverse("referrals:create", args=[complaint.pk]),
        {"program": ["BPNT", "JAMKESDA"], "notes_JAMKESDA": "Mohon dibantu."},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"notes_BPNT"}
    assert "BPNT" in form.errors["notes_BPNT"][0]
    assert "jelaskan di catatan mengapa tetap dirujuk" in form.errors["notes_BPNT"][0]
    assert 'name="notes_JAMKESDA"' in response.content.decode()  # what was typed stays
    assert "Mohon dibantu." in response.content.decode()
    assert not Referral.objects.exists()


@pytest.fixture
def sent(complaint, back_office, catalogue):
    (referral,) = referrals_create(actor=back_office, complaint=complaint,
                                   programs=[catalogue["JAMKESDA"]])  # fmt: skip
    return referral


def test_rejecting_from_the_page_asks_first_naming_the_referral_and_what_follows(
    sent, officer_of, as_user
):
    client = as_user(officer_of("JAMKESDA"))
    url = reverse("referrals:transition", args=[sent.pk])
    rejecting = {"to": "rejected", "version": 1, "note": "Kuota tahun ini habis."}

    asked = client.post(url, rejecting)  # the detail page's form

    sent.refresh_from_db()
    assert (asked.status_code, sent.status) == (200, "sent")
    page = asked.content.decode()
    for text in (sent.number, "Abdul Haris", "JAMKESDA", "tidak dapat dibuka kembali",
                 "Kuota tahun ini habis.", 'name="confirm" value="1"'):  # fmt: skip
        assert text in page
    done = client.post(url, {**rejecting, "confirm": "1"})
    sent.refresh_from_db()
    assert (done.status_code, sent.status) == (302, "rejected")


def test_the_confirmation_page_opens_by_its_own_address(sent, officer_of, as_user):
    page = as_user(officer_of("JAMKESDA")).get(
        reverse("referrals:confirm", kwargs={"pk": sent.pk, "move": "rejected"})
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert sent.number in html and reverse("referrals:transition", args=[sent.pk]) in html
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_cancelling_asks_first_and_tells_the_agency_only_once_confirmed(sent, back_office, as_user):
    client = as_user(back_office)
    url = reverse("referrals:transition", args=[sent.pk])

    asked = client.post(url, {"to": "cancelled", "version": 1})

    assert asked.status_code == 200
    assert "Lembaga diberi tahu bahwa rujukan dibatalkan" in asked.content.decode()
    assert not sent.dispatches.filter(kind="cancelled").exists()
    client.post(url, {"to": "cancelled", "version": 1, "confirm": "1"})
    assert sent.dispatches.filter(kind="cancelled").exists()


def test_a_confirmation_refused_by_the_rules_stays_on_its_page(sent, officer_of, as_user):
    client = as_user(officer_of("JAMKESDA"))
    url = reverse("referrals:transition", args=[sent.pk])

    response = client.post(url, {"to": "rejected", "version": 1, "note": "", "confirm": "1"})

    assert response.status_code == 400
    assert response.templates[0].name == "referrals/referral_confirm.html"
    sent.refresh_from_db()
    assert sent.status == "sent"


@pytest.mark.parametrize("scope", ["52.72.02", "52.71"])
def test_the_confirmation_of_a_referral_outside_the_area_is_404(
    sent, officer_of, as_user, scope, kota_bima
):
    from regions.models import Region

    Region.objects.get_or_create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    url = reverse("referrals:confirm", kwargs={"pk": sent.pk, "move": "rejected"})

    assert as_user(officer_of("JAMKESDA", scope=scope)).get(url).status_code == 404
    assert as_user(staff_user(Role.BACK_OFFICE, scope="52.72.02")).get(url).status_code == 404


def test_a_move_that_is_not_final_or_not_the_users_has_no_confirmation(
    sent, officer_of, back_office, as_user
):
    officer = as_user(officer_of("JAMKESDA"))
    unknown = reverse("referrals:confirm", kwargs={"pk": sent.pk, "move": "received"})
    assert officer.get(unknown).status_code == 404
    not_theirs = reverse("referrals:confirm", kwargs={"pk": sent.pk, "move": "cancelled"})
    answer = officer.get(not_theirs)
    assert answer.status_code == 302 and answer.url == reverse("referrals:detail", args=[sent.pk])


# --- closing a complaint ---


def test_closing_a_complaint_asks_first_naming_it(complaint, back_office, as_user):
    client = as_user(back_office)
    url = reverse("complaints:close", args=[complaint.pk])

    shown = client.get(url)

    assert shown.status_code == 200
    page = shown.content.decode()
    for text in (complaint.ticket_number, "Abdul Haris", "tidak dapat dibuka kembali",
                 'name="confirm" value="1"'):  # fmt: skip
        assert text in page
    closing = {"closure_reason": "handled_directly", "note": "Dijawab di meja layanan."}
    client.post(url, closing)
    complaint.refresh_from_db()
    assert complaint.status == "assessed"
    assert client.post(url, {**closing, "confirm": "1"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed"


def test_the_close_confirmation_outside_the_area_is_404(complaint, as_user, kota_bima):
    url = reverse("complaints:close", args=[complaint.pk])

    assert as_user(staff_user(Role.BACK_OFFICE, scope="52.72.02")).get(url).status_code == 404
    assert as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.01")).get(url).status_code == 403


@pytest.mark.parametrize(
    "posted",
    [
        {"to": "nonsense", "version": 1, "confirm": "1"},  # no such move
        {"to": "received", "version": "x", "confirm": "1"},  # a move with nothing to confirm
        {"to": "in_progress", "version": 1, "confirm": "1"},  # not allowed from sent
    ],
)
def test_a_confirmation_posted_for_a_move_without_one_is_refused_without_an_error_page(
    sent, officer_of, as_user, posted
):
    response = as_user(officer_of("JAMKESDA")).post(
        reverse("referrals:transition", args=[sent.pk]), posted
    )

    assert response.status_code in (302, 400, 409)
    sent.refresh_from_db()
    assert sent.status == "sent"
