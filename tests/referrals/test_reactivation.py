"""The PBI-JK reactivation record: a referral to a reactivation programme records the
facility's letter in its file and the Dinas Sosial's recommendation issued from the letter
register, the upload to the national system (when, by whom) and the result, `refused` with
its reason; by the back office of the household's area, all or nothing, with an event."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from documents.services import document_upload
from letters import services as letter_services
from letters.models import LetterKind
from letters.services import letter_draft, letter_issue
from referrals import services
from referrals.models import ReactivationRecord, Referral
from referrals.services import reactivation_record, referral_transition, referrals_create
from tests.factories import staff_user

MONDAY = datetime.datetime(2026, 11, 23, 1, tzinfo=datetime.UTC)
THURSDAY = datetime.datetime(2026, 11, 26, 3, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def pbi(assessed, back_office, catalogue):
    with time_machine.travel(MONDAY):
        (referral,) = referrals_create(
            actor=back_office, complaint=assessed(), programs=[catalogue["PBI-JK"]]
        )
    return referral


def attach_facility_letter(actor, referral):
    return document_upload(
        actor=actor, owner_type="referral", owner_id=referral.pk, kind_code="surat_faskes",
        upload=SimpleUploadedFile("faskes.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip


def draft_recommendation(actor, referral):
    return letter_draft(
        actor=actor, kind=LetterKind.objects.get(code="rekomendasi"),
        person=referral.household.head, referral=referral,
    )  # fmt: skip


def make_ready(actor, referral):
    """What an upload needs: the facility's letter, and the recommendation issued by the
    head of office."""
    facility_letter = attach_facility_letter(actor, referral)
    with time_machine.travel(MONDAY):
        letter_issue(
            actor=staff_user(Role.SUPERVISOR, scope="52.72"),
            letter=draft_recommendation(actor, referral),
        )
    return facility_letter


def record(actor, referral, **fields):
    values = {"uploaded_on": datetime.date(2026, 11, 25), "result": "", "result_on": None,
              "refusal_reason": ""}  # fmt: skip
    with time_machine.travel(THURSDAY):
        return reactivation_record(actor=actor, referral=referral, **{**values, **fields})


def test_the_seeded_pbi_jk_is_the_reactivation_programme(catalogue):
    assert catalogue["PBI-JK"].is_reactivation
    assert catalogue["PBI-JK"].emergency_hours == 24
    assert not catalogue["BPNT"].is_reactivation


def test_the_upload_and_its_result_are_recorded_with_the_facility_s_letter(pbi, back_office):
    letter = make_ready(back_office, pbi)

    saved = record(back_office, pbi, result="active")

    assert (saved.facility_letter, saved.uploaded_by, saved.result) == (
        letter, back_office, "active",
    )  # fmt: skip
    assert saved.result_on == datetime.date(2026, 11, 26)  # known today, when not given
    event = pbi.events.last()
    assert (event.action, event.actor) == ("reactivation", back_office)
    assert event.note == "Diunggah pada 25-11-2026; aktif kembali"


def test_a_correction_updates_the_one_record(pbi, back_office):
    make_ready(back_office, pbi)
    record(back_office, pbi)
    record(back_office, pbi, result="moved_segment", result_on=datetime.date(2026, 11, 26))
    assert ReactivationRecord.objects.get().result == "moved_segment"


def test_without_the_facility_s_letter_nothing_is_recorded(pbi, back_office):
    with pytest.raises(ValidationError) as refused:
        record(back_office, pbi)
    assert refused.value.messages == [
        "Lampirkan dahulu surat keterangan fasilitas kesehatan (surat faskes) pada rujukan."
    ]
    assert not ReactivationRecord.objects.exists()


def test_without_the_issued_recommendation_nothing_is_recorded(pbi, back_office):
    attach_facility_letter(back_office, pbi)
    with pytest.raises(ValidationError) as refused:
        record(back_office, pbi)
    assert refused.value.messages == [
        "Terbitkan dahulu rekomendasi Dinas Sosial (surat rekomendasi) untuk rujukan ini dari "
        "register surat."
    ]

    draft_recommendation(back_office, pbi)
    with pytest.raises(ValidationError) as refused:
        record(back_office, pbi)
    assert refused.value.messages == [
        "Rekomendasi Dinas Sosial untuk rujukan ini masih konsep: kepala kantor menerbitkannya "
        "dahulu."
    ]
    assert not ReactivationRecord.objects.exists()


def test_the_recommendation_is_for_the_referral_s_programme_once(pbi, back_office, catalogue):
    letter = draft_recommendation(back_office, pbi)
    assert letter.program == catalogue["PBI-JK"]  # the referral's, when not given
    with pytest.raises(ValidationError) as refused:
        draft_recommendation(back_office, pbi)
    assert refused.value.message_dict == {
        "referral": ["Rujukan ini sudah memiliki surat jenis ini di register."]
    }
    with pytest.raises(ValidationError) as refused:
        letter_draft(
            actor=back_office, kind=LetterKind.objects.get(code="rekomendasi"),
            person=pbi.household.head, referral=pbi, program=catalogue["JAMKESDA"],
        )  # fmt: skip
    assert refused.value.message_dict == {"program": ["Rujukan ini untuk program lain."]}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"result": "refused", "refusal_reason": "  "},
         {"refusal_reason": ["Tuliskan alasan penolakan."]}),
        ({"uploaded_on": None}, {"uploaded_on": ["Isi tanggal unggah ke sistem nasional."]}),
        ({"uploaded_on": datetime.date(2026, 11, 27)},
         {"uploaded_on": ["Tanggal unggah tidak boleh di masa depan."]}),
        ({"uploaded_on": datetime.date(2026, 11, 20)},
         {"uploaded_on": ["Tanggal unggah tidak boleh sebelum rujukan dikirim (23-11-2026)."]}),
        ({"result": "lost"}, {"result": ["Pilih salah satu hasil yang tersedia."]}),
        ({"result_on": datetime.date(2026, 11, 26)}, {"result_on": ["Pilih hasilnya dahulu."]}),
        ({"result": "active", "result_on": datetime.date(2026, 11, 24)},
         {"result_on": ["Tanggal hasil tidak boleh sebelum tanggal unggah."]}),
    ],
)  # fmt: skip
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(pbi, back_office, fields, errors):
    make_ready(back_office, pbi)
    with pytest.raises(ValidationError) as refused:
        record(back_office, pbi, **fields)
    assert refused.value.message_dict == errors
    assert not ReactivationRecord.objects.exists()
    assert not pbi.events.filter(action="reactivation").exists()


def test_a_refusal_keeps_its_reason(pbi, back_office):
    make_ready(back_office, pbi)
    saved = record(back_office, pbi, result="refused", refusal_reason="NIK tidak padan Dukcapil.")
    assert saved.refusal_reason == "NIK tidak padan Dukcapil."
    # a reason given with another result is not kept
    saved = record(back_office, pbi, result="active", refusal_reason="salah ketik")
    assert saved.refusal_reason == ""


def test_only_reactivation_programmes_and_sent_referrals_record_it(
    assessed, back_office, catalogue, pbi
):
    (bpnt,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    with pytest.raises(ValidationError) as refused:
        record(back_office, bpnt)
    assert refused.value.messages == ["BPNT bukan program reaktivasi."]

    make_ready(back_office, pbi)
    referral_transition(actor=back_office, referral=pbi, to="cancelled")
    with pytest.raises(ValidationError) as refused:
        record(back_office, Referral.objects.get(pk=pbi.pk))
    assert "dibatalkan" in refused.value.messages[0]


def test_only_the_back_office_of_the_area_records_it(pbi, back_office, officer_of, kota_bima):
    make_ready(back_office, pbi)
    for actor in (
        staff_user(Role.BACK_OFFICE, scope="52.72.02"),
        officer_of("PBI-JK"),
        staff_user(Role.SUPERVISOR, scope="52.72"),
    ):
        with pytest.raises(ValidationError):
            record(actor, pbi)
    assert not ReactivationRecord.objects.exists()


def test_the_page_drafts_the_recommendation_before_the_upload(pbi, back_office, client):
    client.force_login(back_office)
    page = client.get(reverse("referrals:detail", args=[pbi.pk])).content.decode()
    draft = f"{reverse('letters:create')}?referral={pbi.pk}&amp;kind=rekomendasi"
    assert draft in page

    form = client.get(draft.replace("&amp;", "&"))
    drafted = client.post(
        form.request["PATH_INFO"] + f"?referral={pbi.pk}",
        {"kind": "rekomendasi", "referral": pbi.pk},
    )

    letter = pbi.letters.get()
    assert drafted.status_code == 302
    assert (letter.kind.code, letter.program.code, letter.status) == (
        "rekomendasi",
        "PBI-JK",
        "draft",
    )
    page = client.get(reverse("referrals:detail", args=[pbi.pk])).content.decode()
    assert "menunggu kepala kantor" in page and draft not in page


def test_the_page_records_it_and_shows_it(pbi, back_office, client):
    make_ready(back_office, pbi)
    client.force_login(back_office)
    url = reverse("referrals:reactivation", args=[pbi.pk])

    with time_machine.travel(THURSDAY):
        form = client.get(reverse("referrals:detail", args=[pbi.pk])).content.decode()
        refused = client.post(url, {"uploaded_on": "25-11-2026", "result": "refused"})
        saved = client.post(
            url, {"uploaded_on": "25-11-2026", "result": "refused", "refusal_reason": "Desil 8."}
        )
        page = client.get(reverse("referrals:detail", args=[pbi.pk])).content.decode()

    assert "Catat reaktivasi" in form
    assert refused.status_code == 400
    assert "Tuliskan alasan penolakan." in refused.content.decode()
    assert saved.status_code == 302
    assert "Desil 8." in page and "faskes.pdf" in page
    recommendation = pbi.letters.get(kind__code="rekomendasi")
    assert recommendation.number in page


def test_the_page_refuses_other_areas_and_agencies(pbi, back_office, officer_of, client, kota_bima):
    make_ready(back_office, pbi)
    url = reverse("referrals:reactivation", args=[pbi.pk])
    client.force_login(staff_user(Role.BACK_OFFICE, scope="52.72.02"))
    assert client.post(url, {"uploaded_on": "25-11-2026"}).status_code == 404
    client.force_login(officer_of("PBI-JK"))
    assert client.post(url, {"uploaded_on": "25-11-2026"}).status_code == 403
    assert not ReactivationRecord.objects.exists()


def test_the_api_shows_the_record_to_those_who_read_the_referral(
    pbi, back_office, officer_of, client
):
    make_ready(back_office, pbi)
    record(back_office, pbi, result="active")
    client.force_login(officer_of("PBI-JK"))

    body = client.get(f"/api/v1/referrals/{pbi.pk}/").json()

    assert body["reactivation"]["result"] == "active"
    assert body["reactivation"]["uploaded_on"] == "2026-11-25"
    assert body["reactivation"]["uploaded_by"] == back_office.username


def test_the_referral_s_page_takes_the_facility_s_letter_from_the_back_office_only(
    pbi, back_office, officer_of, client
):
    upload = reverse("documents:upload", args=["referral", pbi.pk])
    client.force_login(back_office)
    assert upload in client.get(reverse("referrals:detail", args=[pbi.pk])).content.decode()
    client.force_login(officer_of("PBI-JK"))
    page = client.get(reverse("referrals:detail", args=[pbi.pk]))
    assert page.status_code == 200 and upload not in page.content.decode()


def test_a_recommendation_drafted_twice_at_once_is_refused_at_its_field(
    pbi, back_office, client, monkeypatch
):
    """The other drafter's letter was saved between this one's check and its write: the
    register's rule (one live letter of a kind per referral) answers, not a server error."""
    draft_recommendation(back_office, pbi)
    monkeypatch.setattr(letter_services, "_referral_errors", lambda **kwargs: {})
    client.force_login(back_office)

    answer = client.post(
        f"{reverse('letters:create')}?referral={pbi.pk}",
        {"kind": "rekomendasi", "referral": pbi.pk},
    )

    assert answer.status_code == 400
    assert answer.context["form"].errors == {
        "referral": ["Rujukan ini sudah memiliki surat jenis ini di register."]
    }
    assert "Rujukan ini sudah memiliki surat jenis ini di register." in answer.content.decode()
    assert pbi.letters.count() == 1


def test_a_recommendation_refused_for_its_programme_says_why_on_the_referral_s_form(
    pbi, back_office, client, catalogue
):
    """Drafted from the referral, the form shows no programme field: its message is shown
    all the same."""
    LetterKind.objects.get(code="rekomendasi").programs.set([catalogue["BPNT"]])
    client.force_login(back_office)

    answer = client.post(
        f"{reverse('letters:create')}?referral={pbi.pk}",
        {"kind": "rekomendasi", "referral": pbi.pk},
    )

    assert answer.status_code == 400
    assert "Jenis surat ini tidak dibuat untuk Penerima Bantuan Iuran" in answer.content.decode()
    assert not pbi.letters.exists()


def test_a_correction_made_on_an_older_reading_overwrites_nothing(pbi, back_office):
    make_ready(back_office, pbi)
    first = record(back_office, pbi, version=0)
    colleague = staff_user(Role.BACK_OFFICE, scope="52.72.01")
    record(colleague, pbi, result="active", version=first.version)

    with pytest.raises(services.ReactivationChanged):
        record(back_office, pbi, result="refused", refusal_reason="Salah", version=first.version)
    with pytest.raises(services.ReactivationChanged):
        record(back_office, Referral.objects.get(pk=pbi.pk), version=0)  # "none yet": there is

    saved = ReactivationRecord.objects.get()
    assert (saved.result, saved.version) == ("active", 2)


def test_the_page_keeps_the_officer_s_entry_when_the_record_changed_meanwhile(
    pbi, back_office, client
):
    make_ready(back_office, pbi)
    record(back_office, pbi, result="active", version=0)  # a colleague, since the page was read
    client.force_login(back_office)
    with time_machine.travel(THURSDAY):
        answer = client.post(
            reverse("referrals:reactivation", args=[pbi.pk]),
            {"uploaded_on": "25-11-2026", "result": "refused", "refusal_reason": "Desil 8.",
             "version": "0"},
        )  # fmt: skip
    page = answer.content.decode()
    assert answer.status_code == 409
    assert "sudah dicatat orang lain" in page
    assert "Desil 8." in page and 'name="version" value="1"' in page
    assert ReactivationRecord.objects.get().result == "active"
