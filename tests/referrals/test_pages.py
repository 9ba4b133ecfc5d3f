"""The back office refers from the complaint, the agency answers on its portal, each sees
only its own, and the letter prints."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.models import Household
from programs.models import Program
from referrals.models import Referral
from referrals.services import referrals_create
from regions.models import Region
from regions.time_zones import time_zone_of
from tests.factories import staff_user


@pytest.fixture
def complaint(assessed):
    return assessed()


def test_the_back_office_refers_to_two_programmes_from_the_complaint(
    complaint, back_office, as_user
):
    client = as_user(back_office)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert reverse("referrals:create", args=[complaint.pk]) in page

    form = client.get(reverse("referrals:create", args=[complaint.pk])).content.decode()
    assert 'value="BPNT"' in form and 'value="JAMKESDA"' in form
    response = client.post(
        reverse("referrals:create", args=[complaint.pk]), {"program": ["BPNT", "JAMKESDA"]}
    )

    assert response.status_code == 302
    assert set(complaint.referrals.values_list("program__code", flat=True)) == {"BPNT", "JAMKESDA"}
    page = client.get(response.url).content.decode()
    assert "Dirujuk ke BPNT, JAMKESDA." in page
    assert page.count("terkirim") >= 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pilih minimal satu program."),
        ({"program": ["BPNT"]}, "jelaskan di catatan mengapa tetap dirujuk"),
        ({"program": ["NOPE"]}, "NOPE bukan salah satu dari pilihan"),
    ],
)
def test_a_bad_referral_form_says_why_and_refers_nothing(
    complaint, back_office, as_user, data, message
):
    # This household (desil 2) no longer qualifies for BPNT.
    Program.objects.filter(code="BPNT").update(rule={"field": "desil", "op": "lte", "value": 1})

    response = as_user(back_office).post(reverse("referrals:create", args=[complaint.pk]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def _checkbox(page: str, code: str) -> str:
    return re.search(rf'<input[^>]*value="{code}"[^>]*>', page).group(0)


def test_a_programme_referred_and_completed_is_not_tickable_and_is_refused(
    complaint, back_office, as_user, catalogue
):
    referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["BPNT"], catalogue["JAMKESDA"]]
    )
    Referral.objects.filter(program__code="BPNT").update(status=Referral.Status.COMPLETED)
    Referral.objects.filter(program__code="JAMKESDA").update(status=Referral.Status.CANCELLED)
    client = as_user(back_office)
    url = reverse("referrals:create", args=[complaint.pk])

    page = client.get(url).content.decode()
    assert "disabled" in _checkbox(page, "BPNT")
    assert "disabled" not in _checkbox(page, "JAMKESDA")

    response = client.post(url, {"program": ["BPNT"]})  # a stale page, or a forged form
    assert response.status_code == 400
    assert "Sudah pernah dirujuk untuk pengaduan ini: BPNT." in response.content.decode()
    assert client.post(url, {"program": ["JAMKESDA"]}).status_code == 302
    assert complaint.referrals.filter(program__code="JAMKESDA").count() == 2


def test_only_the_back_office_of_the_area_refers(complaint, as_user, kota_bima):
    url = reverse("referrals:create", args=[complaint.pk])

    assert as_user(staff_user(Role.FRONT_OFFICE, scope="52.72")).get(url).status_code == 403
    assert as_user(staff_user(Role.BACK_OFFICE, scope="52.72.02")).get(url).status_code == 404


@pytest.fixture
def sent(complaint, back_office, catalogue):
    return referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["BPNT"], catalogue["JAMKESDA"]]
    )


def test_an_agency_sees_only_its_own_referrals(sent, officer_of, as_user):
    bpnt, jamkesda = sent
    client = as_user(officer_of("JAMKESDA"))

    inbox = client.get(reverse("referrals:list")).content.decode()

    assert reverse("referrals:detail", args=[jamkesda.pk]) in inbox
    assert reverse("referrals:detail", args=[bpnt.pk]) not in inbox
    assert client.get(reverse("referrals:detail", args=[bpnt.pk])).status_code == 404
    assert client.get(reverse("referrals:letter", args=[bpnt.pk])).status_code == 404
    assert client.get(reverse("complaints:detail", args=[bpnt.complaint_id])).status_code == 403


@pytest.mark.parametrize("scope", ["52.72.02", "52.71", None])
def test_an_agency_officer_sees_only_their_agencys_referrals_of_their_own_area(
    sent, officer_of, as_user, scope
):
    """The Rasanae Barat household's referral to JAMKESDA, seen by JAMKESDA's officers of
    Rasanae Timur, of Kota Mataram and of no area: not in the inbox, 404, no answer."""
    Region.objects.get_or_create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    _bpnt, jamkesda = sent
    client = as_user(officer_of("JAMKESDA", scope=scope))

    inbox = client.get(reverse("referrals:list")).content.decode()
    answer = client.post(reverse("referrals:transition", args=[jamkesda.pk]), {"to": "received"})

    assert reverse("referrals:detail", args=[jamkesda.pk]) not in inbox
    assert jamkesda.complaint.ticket_number not in inbox
    assert client.get(reverse("referrals:detail", args=[jamkesda.pk])).status_code == 404
    assert client.get(reverse("referrals:letter", args=[jamkesda.pk])).status_code == 404
    assert answer.status_code == 404
    jamkesda.refresh_from_db()
    assert jamkesda.status == Referral.Status.SENT


def test_the_agency_acknowledges_completes_and_the_page_shows_it(sent, officer_of, as_user):
    _bpnt, jamkesda = sent
    client = as_user(officer_of("JAMKESDA"))
    url = reverse("referrals:transition", args=[jamkesda.pk])

    page = client.get(reverse("referrals:detail", args=[jamkesda.pk])).content.decode()
    assert "Terima rujukan" in page and "Abdul Haris" in page
    assert client.post(url, {"to": "received", "version": 1}).status_code == 302
    missing = client.post(url, {"to": "completed", "version": 2, "note": "", "confirm": "1"})
    assert missing.status_code == 400
    assert "Tuliskan apa yang diterima rumah tangga." in missing.content.decode()
    done = client.post(url, {"to": "completed", "version": 2, "note": "Kartu JAMKESDA terbit.",
                             "confirm": "1"})  # fmt: skip

    assert done.status_code == 302
    jamkesda.refresh_from_db()
    assert (jamkesda.status, jamkesda.outcome_note) == ("completed", "Kartu JAMKESDA terbit.")


def test_answering_a_referral_someone_else_answered_shows_a_conflict(sent, officer_of, as_user):
    _bpnt, jamkesda = sent
    first, second = as_user(officer_of("JAMKESDA")), officer_of("JAMKESDA")
    url = reverse("referrals:transition", args=[jamkesda.pk])
    first.post(url, {"to": "received", "version": 1})

    client = as_user(second)
    response = client.post(
        url, {"to": "rejected", "version": 1, "note": "Kuota habis.", "confirm": "1"}
    )

    assert response.status_code == 409
    assert "baru saja diubah orang lain" in response.content.decode()
    jamkesda.refresh_from_db()
    assert jamkesda.status == "received"


@pytest.mark.parametrize("data", [{"to": "received"}, {"to": "eaten", "version": 1}, {}])
def test_a_malformed_answer_is_a_400_and_changes_nothing(sent, officer_of, as_user, data):
    _bpnt, jamkesda = sent

    response = as_user(officer_of("JAMKESDA")).post(
        reverse("referrals:transition", args=[jamkesda.pk]), data
    )

    assert response.status_code == 400
    jamkesda.refresh_from_db()
    assert (jamkesda.status, jamkesda.version) == ("sent", 1)


def test_the_letter_names_the_household_programme_agency_and_documents(sent, back_office, as_user):
    bpnt, _jamkesda = sent

    letter = as_user(back_office).get(reverse("referrals:letter", args=[bpnt.pk])).content.decode()

    for text in ["Surat rujukan", bpnt.number, "Abdul Haris", "Kementerian Sosial",
                 "Bantuan Pangan Non Tunai", "diusulkan melalui DTSEN", "kesehatan",
                 "Memenuhi: desil 2"]:  # fmt: skip
        assert text in letter


def test_the_back_office_cancels_and_the_agency_is_told(sent, back_office, as_user):
    bpnt, _jamkesda = sent

    response = as_user(back_office).post(
        reverse("referrals:transition", args=[bpnt.pk]),
        {"to": "cancelled", "version": 1, "confirm": "1"},
    )

    assert response.status_code == 302
    bpnt.refresh_from_db()
    assert bpnt.status == "cancelled"
    assert bpnt.dispatches.filter(kind="cancelled").exists()


def test_supervisors_see_failed_messages_and_send_them_again(sent, as_user, kota_bima):
    bpnt, _jamkesda = sent
    dispatch = bpnt.dispatches.get()
    dispatch.status, dispatch.last_error = "failed", "SMTPServerDisconnected: gone"
    dispatch.save()
    client = as_user(staff_user(Role.SUPERVISOR, scope="52.72"))

    assert "1 pesan tidak terkirim" in client.get(reverse("referrals:list")).content.decode()
    page = client.get(reverse("outbox:failed")).content.decode()
    assert "SMTPServerDisconnected" in page
    response = client.post(reverse("outbox:retry", args=[dispatch.pk]))

    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.status == "pending"  # queued; delivered once the commit is done
    other = as_user(staff_user(Role.SUPERVISOR, scope="52.72.02"))
    assert other.post(reverse("outbox:retry", args=[dispatch.pk])).status_code == 404


def test_an_agency_officer_opening_a_referral_is_recorded_as_answering_it(
    complaint, back_office, officer_of, as_user
):
    from accounts.models import AccessLog

    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[Program.objects.get(code="BPNT")]
    )
    officer = officer_of("BPNT")

    as_user(officer).get(reverse("referrals:letter", args=[referral.pk]))

    (entry,) = AccessLog.objects.filter(user=officer)
    assert (entry.household_id, entry.purpose) == (referral.household_id, "referral")


def test_the_agency_sees_that_the_resident_consented_to_sharing(
    complaint, back_office, officer_of, as_user
):
    bpnt = Program.objects.get(code="BPNT")
    type(bpnt.agency).objects.filter(pk=bpnt.agency_id).update(
        webhook_url="https://bpnt.example/hook", webhook_secret="secret"
    )
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[Program.objects.get(code="BPNT")]
    )
    client = as_user(officer_of("BPNT"))
    zone = time_zone_of(complaint.household.region_id)  # the office's day, not the server's
    day = f"{complaint.consent_recorded_at.astimezone(zone):%d-%m-%Y}"

    for page in ("referrals:detail", "referrals:letter"):
        text = client.get(reverse(page, args=[referral.pk])).content.decode()
        assert "diberikan oleh warga, dicatat pada " + day in text, page
        assert "hanya untuk rujukan ini" in text, page
    (body,) = referral.dispatches.filter(channel="webhook").values_list("payload", flat=True)
    assert body["referral"]["complaint"]["consent_recorded_at"]


def test_a_rejected_referral_reads_rejected_and_its_history_says_from_what_to_what(
    sent, officer_of, back_office, as_user
):
    from referrals.services import referral_transition

    bpnt, _jamkesda = sent
    officer = officer_of("BPNT")
    referral_transition(actor=officer, referral=bpnt, to="received")
    referral_transition(actor=officer, referral=bpnt, to="rejected", note="Bukan sasaran.")

    page = as_user(back_office).get(reverse("referrals:detail", args=[bpnt.pk])).content.decode()

    settle_by = page[page.index("Selesaikan paling lambat") :].split("</dd>")[0]
    assert "ditolak" in settle_by and "selesai " not in settle_by
    assert "Status berubah dari diterima lembaga menjadi ditolak" in page
    history = page[page.index("Riwayat") :]
    assert "→" not in history


def test_the_letter_keeps_the_verdict_the_referral_was_made_on(sent, back_office, as_user):
    bpnt, _jamkesda = sent
    Household.objects.filter(pk=bpnt.household_id).update(desil=9)

    letter = as_user(back_office).get(reverse("referrals:letter", args=[bpnt.pk])).content.decode()

    assert bpnt.eligibility_summary == "Memenuhi: desil 2"
    assert "Memenuhi: desil 2" in letter  # as when it was sent, not as the registry says now
