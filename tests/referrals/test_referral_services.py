"""Referrals: created with consent and routing, moved only along the table by the side whose
move it is, never overwritten silently, and the complaint follows when all are settled."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.roles import Role
from complaints.models import Complaint
from complaints.services import complaint_close
from outbox.models import Dispatch
from programs.models import Agency
from referrals.models import Referral, ReferralEvent
from referrals.services import (
    ReferralConflict,
    referral_reassign,
    referral_transition,
    referrals_create,
)
from tests.factories import staff_user

MONDAY = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


def refer(back_office, complaint, catalogue, *codes, notes=""):
    return referrals_create(
        actor=back_office,
        complaint=complaint,
        programs=[catalogue[code] for code in codes],
        notes=notes,
    )


def move(actor, referral, to, note="", version=None):
    referral.refresh_from_db()
    return referral_transition(
        actor=actor, referral=referral, to=to, note=note,
        version=referral.version if version is None else version,
    )  # fmt: skip


@time_machine.travel(MONDAY)
def test_referring_to_two_programmes_routes_each_and_writes_the_outbox(
    assessed, back_office, catalogue
):
    complaint = assessed()

    pbi, jamkesda = refer(back_office, complaint, catalogue, "PBI-JK", "JAMKESDA")

    assert (pbi.status, pbi.agency, pbi.eligible) == ("sent", catalogue["PBI-JK"].agency, True)
    assert jamkesda.agency.name == "Dinas Sosial Kota Bima"
    # PBI-JK answers within 3 working days: Monday 23 → Thursday 26 November.
    assert pbi.response_due == datetime.date(2026, 11, 26)
    assert list(pbi.dispatches.values_list("kind", "channel", "recipients")) == [
        ("referral", "email", ["kemensos@bima.example"])
    ]
    assert pbi.events.get().to_status == "sent"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REFERRED


def test_an_agency_with_a_webhook_gets_it_as_well_as_the_email(assessed, back_office, catalogue):
    Agency.objects.filter(pk=catalogue["JAMKESDA"].agency_id).update(
        webhook_url="https://dinsos.example/hook", webhook_secret="s3cret"
    )

    (referral,) = refer(back_office, assessed(), catalogue, "JAMKESDA")

    assert set(referral.dispatches.values_list("channel", flat=True)) == {"email", "webhook"}


def test_without_consent_nothing_is_referred(assessed, back_office, catalogue):
    complaint = assessed(consent_given=False)

    with pytest.raises(ValidationError) as error:
        refer(back_office, complaint, catalogue, "BPNT")

    assert "persetujuan" in error.value.message_dict["complaint"][0]
    assert not Referral.objects.exists() and not Dispatch.objects.exists()


def test_a_programme_the_household_does_not_qualify_for_needs_a_justification(
    assessed, back_office, catalogue
):
    complaint = assessed()

    with pytest.raises(ValidationError) as error:
        refer(back_office, complaint, catalogue, "RUTILAHU")
    assert "RUTILAHU" in error.value.message_dict["notes"][0]

    (referral,) = refer(back_office, complaint, catalogue, "RUTILAHU",
                        notes="Atap rubuh setelah banjir; rumah perlu diperiksa.")  # fmt: skip
    assert referral.eligible is False
    assert referral.notes.startswith("Atap rubuh")


def test_all_or_none_when_one_of_several_programmes_is_refused(assessed, back_office, catalogue):
    complaint = assessed()

    with pytest.raises(ValidationError) as error:
        refer(back_office, complaint, catalogue, "BPNT", "RUTILAHU")

    assert "RUTILAHU" in " ".join(error.value.message_dict["program"])
    assert not Referral.objects.exists()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSESSED


def test_an_open_referral_to_the_same_programme_is_refused(assessed, back_office, catalogue):
    complaint = assessed()
    refer(back_office, complaint, catalogue, "BPNT")

    with pytest.raises(ValidationError) as error:
        refer(back_office, complaint, catalogue, "BPNT")

    assert "BPNT" in error.value.message_dict["program"][0]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "refused"),
    [("received", True), ("completed", True), ("rejected", False), ("cancelled", False)],
)
def test_a_completed_referral_holds_the_programme_a_rejected_one_frees_it(
    assessed, back_office, catalogue, status, refused
):
    complaint = assessed()
    refer(back_office, complaint, catalogue, "BPNT")
    Referral.objects.update(status=status)

    if refused:
        with pytest.raises(ValidationError) as error:
            refer(back_office, complaint, catalogue, "BPNT")
        assert error.value.message_dict["program"] == [
            "Sudah pernah dirujuk untuk pengaduan ini: BPNT."
        ]
        assert Referral.objects.count() == 1
    else:
        refer(back_office, complaint, catalogue, "BPNT")
        assert Referral.objects.count() == 2


def test_a_complaint_not_yet_assessed_or_outside_the_area_cannot_be_referred(
    assessed, back_office, catalogue, kota_bima
):
    complaint = assessed()
    elsewhere = staff_user(Role.BACK_OFFICE, scope="52.72.02")

    with pytest.raises(ValidationError) as error:
        refer(elsewhere, complaint, catalogue, "BPNT")
    assert "complaint" in error.value.message_dict

    Complaint.objects.filter(pk=complaint.pk).update(status="registered")
    complaint.refresh_from_db()
    with pytest.raises(ValidationError):
        refer(back_office, complaint, catalogue, "BPNT")
    assert not Referral.objects.exists()


def test_the_agency_answers_and_the_complaint_waits_for_follow_up_when_all_are_settled(
    assessed, back_office, catalogue, officer_of
):
    complaint = assessed()
    bpnt, jamkesda = refer(back_office, complaint, catalogue, "BPNT", "JAMKESDA")
    kemensos, dinsos = officer_of("BPNT"), officer_of("JAMKESDA")

    move(kemensos, bpnt, "received")
    move(kemensos, bpnt, "in_progress")
    move(kemensos, bpnt, "completed", note="Terdaftar sebagai KPM Sembako mulai Januari.")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REFERRED  # JAMKESDA still open

    move(dinsos, jamkesda, "rejected", note="Kuota APBD 2026 habis; masuk daftar tunggu.")

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.FOLLOW_UP
    assert complaint.events.last().via == "system"
    bpnt.refresh_from_db()
    assert (bpnt.status, bpnt.version, bpnt.outcome_note[:9]) == ("completed", 4, "Terdaftar")
    assert list(bpnt.events.values_list("to_status", flat=True)) == [
        "sent", "received", "in_progress", "completed",
    ]  # fmt: skip
    complaint_close(actor=back_office, complaint=complaint, closure_reason="served",
                    note="Sembako diterima; JAMKESDA daftar tunggu.")  # fmt: skip


@pytest.mark.parametrize(("to", "message"), [("rejected", "alasan"), ("completed", "diterima")])
def test_rejecting_needs_a_reason_and_completing_an_outcome(
    assessed, back_office, catalogue, officer_of, to, message
):
    (referral,) = refer(back_office, assessed(), catalogue, "BPNT")
    officer = officer_of("BPNT")
    move(officer, referral, "received")

    with pytest.raises(ValidationError) as error:
        move(officer, referral, to, note="  ")

    assert message in error.value.message_dict["note"][0]
    referral.refresh_from_db()
    assert referral.status == "received"


def test_each_side_makes_only_its_own_moves(assessed, back_office, catalogue, officer_of):
    (referral,) = refer(back_office, assessed(), catalogue, "BPNT")
    officer = officer_of("BPNT")
    other_agency = officer_of("JAMKESDA")

    for actor, to in [
        (back_office, "received"),
        (officer, "cancelled"),
        (other_agency, "received"),
    ]:
        with pytest.raises(ValidationError):
            move(actor, referral, to)
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.events.count() == 1


def test_a_final_referral_moves_no_more(assessed, back_office, catalogue, officer_of):
    (referral,) = refer(back_office, assessed(), catalogue, "BPNT")
    move(back_office, referral, "cancelled", note="Salah program.")

    with pytest.raises(ValidationError) as error:
        move(officer_of("BPNT"), referral, "received")

    assert "dibatalkan" in error.value.message_dict["to"][0]
    assert referral.dispatches.filter(kind="cancelled").count() == 1


def test_a_change_from_an_older_version_is_a_conflict_not_an_overwrite(
    assessed, back_office, catalogue, officer_of
):
    (referral,) = refer(back_office, assessed(), catalogue, "BPNT")
    first, second = officer_of("BPNT"), officer_of("BPNT")
    seen = referral.version

    referral_transition(actor=first, referral=referral, to="received", version=seen)
    with pytest.raises(ReferralConflict) as conflict:
        referral_transition(actor=second, referral=referral, to="rejected", note="x", version=seen)

    assert conflict.value.referral.status == "received"
    assert "diterima" in str(conflict.value)
    referral.refresh_from_db()
    assert (referral.status, referral.version) == ("received", seen + 1)
    assert not referral.events.filter(to_status="rejected").exists()


def test_a_complaint_in_follow_up_can_be_referred_again(
    assessed, back_office, catalogue, officer_of
):
    complaint = assessed()
    (referral,) = refer(back_office, complaint, catalogue, "BPNT")
    move(officer_of("BPNT"), referral, "rejected", note="Bukan wilayah kami.")
    complaint.refresh_from_db()
    assert complaint.status == "follow_up"

    refer(back_office, complaint, catalogue, "BPNT")  # rejected ones may be tried again

    complaint.refresh_from_db()
    assert complaint.status == "referred"
    assert ReferralEvent.objects.filter(referral__complaint=complaint).count() == 3


@pytest.mark.parametrize(
    ("status", "moves"),
    [("received", True), ("in_progress", True), ("draft", False), ("completed", False)],
)
def test_a_supervisor_sends_an_open_referral_anew_to_another_agency_along_the_table(
    assessed, back_office, catalogue, status, moves
):
    (referral,) = refer(back_office, assessed(), catalogue, "BPNT")
    Referral.objects.filter(pk=referral.pk).update(status=status)
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72")
    other = catalogue["BAZNAS-DARURAT"].agency

    if not moves:
        with pytest.raises(ValidationError):
            referral_reassign(actor=supervisor, referral=referral, agency=other, note="Salah")
        assert Referral.objects.get(pk=referral.pk).status == status
        return
    referral_reassign(actor=supervisor, referral=referral, agency=other, note="Salah")

    referral.refresh_from_db()
    assert (referral.status, referral.agency, referral.version) == ("sent", other, 2)
    event = referral.events.last()
    assert (event.action, event.from_status, event.to_status) == ("reassigned", status, "sent")
    with pytest.raises(ValidationError) as refused:  # only through the reassignment
        move(supervisor, referral, "sent")
    assert "tidak dapat menjadi" in refused.value.message_dict["to"][0]
