"""The decision before sending (penetapan): a referral to a programme that needs one waits in
`awaiting_decision`, unseen by the agency, until an approver of its area (a supervisor or a
coordinator, never the one who prepared or submitted it) sends it or returns it with a note."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint
from referrals.models import Referral
from referrals.selectors import decision_queue_for, referrals_for
from referrals.services import referral_decide, referral_transition, referrals_create
from tests.factories import staff_user

MONDAY = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
WEDNESDAY = datetime.datetime(2026, 11, 25, 2, tzinfo=datetime.UTC)  # 10.00 WITA


@pytest.fixture
def deciding(catalogue):
    """JAMKESDA needs a decision; emergencies wait for it too unless said otherwise."""
    program = catalogue["JAMKESDA"]
    program.requires_decision = True
    program.save()
    return program


@pytest.fixture
def approver(kota_bima):
    return staff_user(Role.SUPERVISOR, scope="52.72.01", first_name="Nurul", last_name="Hidayah")


@pytest.fixture
def coordinator(kota_bima):
    return staff_user(Role.COORDINATOR, scope="52.72.01")


@pytest.fixture
def waiting(assessed, back_office, deciding):
    with time_machine.travel(MONDAY):
        (referral,) = referrals_create(actor=back_office, complaint=assessed(), programs=[deciding])
    return referral


def decide(actor, referral, decision, note=""):
    referral.refresh_from_db()
    return referral_decide(actor=actor, referral=referral, decision=decision, note=note)


def test_a_referral_to_a_programme_needing_a_decision_waits_and_is_not_sent(waiting):
    assert waiting.status == Referral.Status.AWAITING_DECISION
    assert (waiting.sent_at, waiting.response_due, waiting.due_at) == (None, None, None)
    assert not waiting.dispatches.exists()
    assert waiting.events.get().to_status == "awaiting_decision"
    assert Complaint.objects.get(pk=waiting.complaint_id).status == Complaint.Status.REFERRED


def test_a_programme_without_a_decision_sends_at_once(assessed, back_office, catalogue):
    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["JAMKESDA"]]
    )
    assert referral.status == Referral.Status.SENT


def test_the_agency_never_sees_a_referral_awaiting_its_decision(waiting, officer_of, client):
    officer = officer_of("JAMKESDA")
    assert not referrals_for(officer).filter(pk=waiting.pk).exists()
    client.force_login(officer)
    assert client.get(reverse("referrals:detail", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("referrals:letter", args=[waiting.pk])).status_code == 404
    listing = client.get(reverse("referrals:list")).content.decode()
    assert waiting.number not in listing
    api = client.get("/api/v1/referrals/").json()
    assert waiting.pk not in [item["id"] for item in api["results"]]
    assert client.get(f"/api/v1/referrals/{waiting.pk}/").status_code == 404


def test_approval_sends_it_with_deadlines_from_the_approval(waiting, approver, officer_of):
    with time_machine.travel(WEDNESDAY, tick=False):
        referral = decide(approver, waiting, "approve")

    assert referral.status == Referral.Status.SENT
    assert referral.sent_at == WEDNESDAY
    # JAMKESDA answers within 3 working days of Wednesday 25 November: Monday 30th.
    assert referral.response_due == datetime.date(2026, 11, 30)
    assert (referral.decided_by, referral.decided_at) == (approver, WEDNESDAY)
    event = referral.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "approved", "awaiting_decision", "sent", approver,
    )  # fmt: skip
    assert list(referral.dispatches.values_list("kind", flat=True)) == ["referral"]
    assert referrals_for(officer_of("JAMKESDA")).filter(pk=referral.pk).exists()


def test_the_letter_and_the_page_show_the_approver_and_the_time(
    waiting, approver, back_office, client
):
    with time_machine.travel(WEDNESDAY):
        decide(approver, waiting, "approve")
    client.force_login(back_office)

    letter = client.get(reverse("referrals:letter", args=[waiting.pk])).content.decode()
    page = client.get(reverse("referrals:detail", args=[waiting.pk])).content.decode()

    for body in (letter, page):
        assert "Nurul Hidayah" in body
        assert "25-11-2026 10.00 WITA" in body


def test_return_needs_a_note_and_gives_it_back_to_the_sender_as_a_draft(
    waiting, approver, back_office, client
):
    with pytest.raises(ValidationError) as refused:
        decide(approver, waiting, "return", note="  ")
    assert refused.value.message_dict == {"note": ["Tuliskan apa yang harus diubah pengirim."]}

    referral = decide(approver, waiting, "return", note="Lampirkan surat keterangan RT.")

    assert referral.status == Referral.Status.DRAFT
    assert referral.decision_note == "Lampirkan surat keterangan RT."
    assert referral.events.last().action == "returned"
    assert not referral.dispatches.exists()
    client.force_login(back_office)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Lampirkan surat keterangan RT." in page
    assert "Ajukan untuk penetapan" in page  # the sender may submit it again


def test_a_returned_referral_submitted_again_waits_again_and_may_be_cancelled(
    waiting, approver, back_office
):
    decide(approver, waiting, "return", note="Perbaiki catatan.")
    waiting.refresh_from_db()

    submitted = referral_transition(actor=back_office, referral=waiting, to="sent")
    assert submitted.status == Referral.Status.AWAITING_DECISION

    cancelled = referral_transition(actor=back_office, referral=submitted, to="cancelled")
    assert cancelled.status == Referral.Status.CANCELLED
    assert not cancelled.dispatches.exists()  # never sent: the agency is told nothing


def test_four_eyes_whoever_prepared_or_submitted_it_never_decides_it(assessed, deciding, kota_bima):
    preparer = staff_user(Role.BACK_OFFICE, scope="52.72.01")
    preparer.groups.add(*staff_user(Role.COORDINATOR, scope="52.72").groups.all())
    (referral,) = referrals_create(actor=preparer, complaint=assessed(), programs=[deciding])

    with pytest.raises(ValidationError) as refused:
        decide(preparer, referral, "approve")
    assert refused.value.message_dict["decision"] == [
        "Anda yang menyiapkan atau mengajukan rujukan ini: penetapannya oleh pejabat lain "
        "(empat mata)."
    ]

    # The submitter of a returned draft is refused as well.
    other = staff_user(Role.COORDINATOR, scope="52.72.01")
    decide(other, referral, "return", note="Perbaiki.")
    submitter = staff_user(Role.BACK_OFFICE, scope="52.72.01")
    submitter.groups.add(*other.groups.all())
    referral.refresh_from_db()
    referral_transition(actor=submitter, referral=referral, to="sent")
    with pytest.raises(ValidationError):
        decide(submitter, referral, "approve")
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.AWAITING_DECISION


def test_only_approvers_of_the_area_decide(waiting, back_office, kota_bima):
    elsewhere = staff_user(Role.SUPERVISOR, scope="52.72.02")
    for actor, message in [
        (
            back_office,
            "Hanya pejabat penetapan (supervisor dan koordinator) yang menetapkan rujukan.",
        ),
        (elsewhere, "Rujukan ini di luar wilayah kerja Anda."),
    ]:
        with pytest.raises(ValidationError) as refused:
            decide(actor, waiting, "approve")
        assert refused.value.message_dict == {"decision": [message]}
    assert Referral.objects.get(pk=waiting.pk).status == Referral.Status.AWAITING_DECISION


def test_a_coordinator_decides_and_the_sender_cannot_send_past_the_decision(
    waiting, coordinator, back_office
):
    with pytest.raises(ValidationError) as refused:
        referral_transition(actor=back_office, referral=waiting, to="sent")
    assert "to" in refused.value.message_dict

    assert decide(coordinator, waiting, "approve").status == Referral.Status.SENT


def test_a_decided_referral_is_not_decided_again(waiting, approver, coordinator):
    decide(approver, waiting, "approve")
    with pytest.raises(ValidationError) as refused:
        decide(coordinator, waiting, "return", note="Terlambat.")
    assert refused.value.message_dict == {
        "decision": ["Rujukan ini terkirim: tidak ada yang perlu ditetapkan."]
    }


def test_an_emergency_follows_the_programmes_setting(assessed, back_office, deciding):
    complaint = assessed()
    Complaint.objects.filter(pk=complaint.pk).update(urgency="emergency")
    complaint.refresh_from_db()
    (waits,) = referrals_create(actor=back_office, complaint=complaint, programs=[deciding])
    assert waits.status == Referral.Status.AWAITING_DECISION

    referral_transition(actor=back_office, referral=waits, to="cancelled")
    deciding.emergency_skips_decision = True
    deciding.save()
    (skips,) = referrals_create(actor=back_office, complaint=complaint, programs=[deciding])
    assert skips.status == Referral.Status.SENT
    assert skips.due_at is not None  # and in the emergency lane


def test_a_referral_awaiting_its_decision_holds_the_programme(waiting, back_office, deciding):
    complaint = Complaint.objects.get(pk=waiting.complaint_id)
    with pytest.raises(ValidationError):
        referrals_create(actor=back_office, complaint=complaint, programs=[deciding])


# --- the pages and the API ---------------------------------------------------------------------


def test_the_queue_lists_the_area_s_referrals_awaiting_a_decision(
    waiting, approver, back_office, client, kota_bima
):
    elsewhere = staff_user(Role.COORDINATOR, scope="52.72.02")
    assert list(decision_queue_for(approver)) == [waiting]
    assert list(decision_queue_for(elsewhere)) == []
    assert list(decision_queue_for(back_office)) == []

    client.force_login(approver)
    assert waiting.number in client.get(reverse("referrals:decisions")).content.decode()
    client.force_login(elsewhere)
    assert waiting.number not in client.get(reverse("referrals:decisions")).content.decode()
    client.force_login(back_office)
    assert client.get(reverse("referrals:decisions")).status_code == 403


def test_the_approver_approves_on_the_referral_page(waiting, approver, client):
    client.force_login(approver)
    page = client.get(reverse("referrals:detail", args=[waiting.pk])).content.decode()
    assert "Tetapkan dan kirim" in page

    response = client.post(
        reverse("referrals:decide", args=[waiting.pk]),
        {"decision": "approve", "note": "", "version": waiting.version},
    )

    assert response.status_code == 302
    assert Referral.objects.get(pk=waiting.pk).status == Referral.Status.SENT


def test_the_page_says_why_and_changes_nothing_when_the_return_has_no_note(
    waiting, approver, client
):
    client.force_login(approver)
    response = client.post(
        reverse("referrals:decide", args=[waiting.pk]), {"decision": "return", "note": ""}
    )
    assert response.status_code == 400
    assert "Tuliskan apa yang harus diubah pengirim." in response.content.decode()
    assert Referral.objects.get(pk=waiting.pk).status == Referral.Status.AWAITING_DECISION


def test_the_page_tells_the_preparer_another_approver_decides(assessed, deciding, client):
    preparer = staff_user(Role.BACK_OFFICE, scope="52.72.01")
    preparer.groups.add(*staff_user(Role.SUPERVISOR, scope="52.72").groups.all())
    (referral,) = referrals_create(actor=preparer, complaint=assessed(), programs=[deciding])
    client.force_login(preparer)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    refused = client.post(reverse("referrals:decide", args=[referral.pk]), {"decision": "approve"})

    assert "empat mata" in page and "Tetapkan dan kirim" not in page
    assert refused.status_code == 400
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.AWAITING_DECISION


def test_the_api_decides_with_field_messages(waiting, approver, back_office, client):
    url = f"/api/v1/referrals/{waiting.pk}/decision/"
    client.force_login(back_office)
    assert (
        client.post(url, {"decision": "approve"}, content_type="application/json").status_code
        == 403
    )

    client.force_login(approver)
    unknown = client.post(url, {"decision": "maybe"}, content_type="application/json")
    no_note = client.post(url, {"decision": "return"}, content_type="application/json")
    approved = client.post(url, {"decision": "approve"}, content_type="application/json")
    again = client.post(url, {"decision": "approve"}, content_type="application/json")

    assert unknown.status_code == 400 and "decision" in unknown.json()
    assert no_note.status_code == 400
    assert no_note.json()["note"] == ["Tuliskan apa yang harus diubah pengirim."]
    assert approved.status_code == 200
    body = approved.json()
    assert (body["status"], body["decided_by"]) == ("sent", approver.username)
    assert body["events"][-1]["action"] == "approved"
    assert body["events"][-1]["via"] == "api"
    assert again.status_code == 400 and "decision" in again.json()


@pytest.mark.parametrize("version", ["١", 1.0, "1.0"])
def test_a_version_that_is_no_whole_number_is_refused_at_its_field(
    waiting, approver, client, version
):
    """DRF read "١" (Arabic-Indic) and 1.0 as 1: a malformed version is not "changed since"."""
    client.force_login(approver)

    answer = client.post(
        f"/api/v1/referrals/{waiting.pk}/decision/", {"decision": "approve", "version": version},
        content_type="application/json",
    )  # fmt: skip

    assert answer.status_code == 400
    assert answer.json() == {"version": ["Nilai bidang ini harus berupa bilangan bulat."]}
    assert Referral.objects.get(pk=waiting.pk).status == Referral.Status.AWAITING_DECISION


def test_the_api_refuses_an_approver_of_another_area_as_not_found(waiting, client, kota_bima):
    client.force_login(staff_user(Role.SUPERVISOR, scope="52.72.02"))
    response = client.post(
        f"/api/v1/referrals/{waiting.pk}/decision/", {"decision": "approve"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    assert Referral.objects.get(pk=waiting.pk).status == Referral.Status.AWAITING_DECISION
