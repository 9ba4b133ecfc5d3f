"""A referral's file (berkas): the programme's required documents as kinds, the file's
completeness on the pages, the letter and the API, the note an incomplete file is sent with,
what the agency reads of it and for how long, and the documents it asks for."""

import datetime
import importlib
from functools import reduce
from operator import or_

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from documents.models import Document, DocumentKind
from documents.owners import OWNER_TYPES, READERS
from programs.models import Program
from referrals.models import Referral, ReferralEvent
from referrals.selectors import complaint_files, referral_file
from referrals.services import referral_transition, referrals_create
from tests.factories import DocumentFactory, HouseholdFactory, PersonFactory, staff_user

KTP_KK_SKTM = ["ktp", "kk", "sktm"]


def kind(code: str) -> DocumentKind:
    return DocumentKind.objects.get(code=code)


@pytest.fixture
def jamkesda(catalogue):
    """JAMKESDA (Dinas Sosial's) requiring KTP, KK and SKTM."""
    program = catalogue["JAMKESDA"]
    program.required_kinds.set(DocumentKind.objects.filter(code__in=KTP_KK_SKTM))
    return program


@pytest.fixture
def complaint(assessed, jamkesda):
    return assessed()


def household_documents(household, complaint):
    """A KK of the household and a KTP of its head: two of the three."""
    head = household.members.get(relationship="head")
    return [
        DocumentFactory(household=household, kind=kind("kk")),
        DocumentFactory(household=household, kind=kind("ktp"), owner_type="person",
                        owner_id=head.pk, original_name="ktp-kepala.pdf"),
    ]  # fmt: skip


def refer(back_office, complaint, program, notes="Mohon dibantu; SKTM menyusul."):
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[program], notes=notes
    )
    return referral


def readable_by(user):
    """The documents the readers registered with `documents.owners` give `user` (what the
    download's scope adds to the registry's for roles outside it)."""
    filters = [q for q in (reader(user) for reader in READERS) if q is not None]
    return Document.objects.filter(reduce(or_, filters)) if filters else Document.objects.none()


# --- the programme's required documents are kinds ------------------------------------------


def test_a_fresh_catalogue_has_each_programmes_required_kinds_and_keeps_the_rest_as_text(
    kota_bima,
):
    call_command("seed_programs", verbosity=0)

    pbi = Program.objects.get(code="PBI-JK")
    assert set(pbi.required_kinds.values_list("code", flat=True)) == {
        "ktp", "kk", "sktm", "surat_faskes", "foto_depan",
    }  # fmt: skip
    assert pbi.required_documents == "Kartu KIS yang nonaktif."
    assert not Program.objects.get(code="BPNT").required_kinds.exists()


def test_the_migration_turns_the_old_texts_into_kinds_and_leaves_a_persons_text_as_written(
    catalogue,
):
    migration = importlib.import_module("programs.migrations.0011_required_documents_as_kinds")
    Program.objects.filter(code="PBI-JK").update(
        required_documents="KK, KTP, kartu KIS nonaktif, SKTM, foto rumah; surat dokter untuk "
        "reaktivasi."
    )
    Program.objects.filter(code="ATENSI").update(
        required_documents="Akta kelahiran anak dan kartu keluarga; asesmen pendamping."
    )

    migration.forwards(apps, None)

    pbi, atensi = Program.objects.get(code="PBI-JK"), Program.objects.get(code="ATENSI")
    assert set(pbi.required_kinds.values_list("code", flat=True)) == {
        "ktp", "kk", "sktm", "surat_faskes", "foto_depan",
    }  # fmt: skip
    assert pbi.required_documents == "Kartu KIS yang nonaktif."
    assert set(atensi.required_kinds.values_list("code", flat=True)) == {"akta_lahir", "kk"}
    assert atensi.required_documents.startswith("Akta kelahiran anak")


def test_the_programmes_api_gives_the_required_kinds_by_code(jamkesda, back_office, as_user):
    data = as_user(back_office).get("/api/v1/programs/JAMKESDA/").json()

    assert sorted(data["required_kinds"]) == sorted(KTP_KK_SKTM)
    assert "required_documents" in data


def test_the_programme_admin_edits_the_required_kinds(jamkesda, as_user):
    admin = staff_user(Role.ADMIN, "52.72", is_staff=True)
    page = as_user(admin).get(reverse("admin:programs_program_change", args=[jamkesda.pk]))

    assert page.status_code == 200
    assert 'name="required_kinds"' in page.content.decode()


# --- the file ------------------------------------------------------------------------------


def test_the_file_holds_the_newest_document_of_each_kind_of_the_household_and_its_members(
    complaint, back_office, jamkesda
):
    household = complaint.household
    old_kk, ktp = household_documents(household, complaint)
    new_kk = DocumentFactory(household=household, kind=kind("kk"), original_name="kk-baru.pdf")
    Document.objects.filter(pk=old_kk.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=30)
    )
    referral = refer(back_office, complaint, jamkesda)

    file = referral_file(referral)

    assert (file.present, file.required, file.complete) == (2, 3, False)
    assert [k.code for k in file.missing] == ["sktm"]
    documents = {item.kind.code: item.document for item in file.items}
    assert documents["kk"] == new_kk and documents["ktp"] == ktp


def test_documents_of_another_household_or_another_complaint_are_not_in_the_file(
    complaint, back_office, jamkesda
):
    household_documents(complaint.household, complaint)
    neighbour = HouseholdFactory(region_id="52.72.01.1001")
    DocumentFactory(household=neighbour, kind=kind("sktm"))
    DocumentFactory(household=complaint.household, kind=kind("sktm"), owner_type="complaint",
                    owner_id=complaint.pk + 1000)  # another complaint of the household  # fmt: skip
    referral = refer(back_office, complaint, jamkesda)

    assert referral_file(referral).present == 2

    DocumentFactory(household=complaint.household, kind=kind("sktm"), owner_type="referral",
                    owner_id=referral.pk)  # fmt: skip
    assert referral_file(referral).complete


def test_the_referral_page_shows_the_files_completeness_and_names_what_is_missing(
    complaint, back_office, jamkesda, as_user
):
    household_documents(complaint.household, complaint)
    referral = refer(back_office, complaint, jamkesda)

    page = as_user(back_office).get(reverse("referrals:detail", args=[referral.pk]))

    text = page.content.decode()
    assert "Kelengkapan berkas: 2 dari 3" in text
    assert "Kurang: <span" in text and "SKTM (Surat Keterangan Tidak Mampu)" in text
    assert "ktp-kepala.pdf" in text


def test_the_referral_form_shows_the_file_of_each_programme_offered(
    complaint, back_office, jamkesda, as_user
):
    household_documents(complaint.household, complaint)
    Program.objects.get(code="BPNT").required_kinds.set([kind("kk")])

    page = as_user(back_office).get(reverse("referrals:create", args=[complaint.pk]))

    text = page.content.decode()
    assert "Kelengkapan berkas: 2 dari 3" in text  # JAMKESDA
    assert "Kelengkapan berkas: 1 dari 1" in text  # BPNT
    files = complaint_files(complaint, [jamkesda])
    assert [k.code for k in files[jamkesda.pk].missing] == ["sktm"]


def test_the_letter_lists_the_required_documents_and_asks_for_those_missing(
    complaint, back_office, jamkesda, as_user
):
    household_documents(complaint.household, complaint)
    referral = refer(back_office, complaint, jamkesda)

    text = (
        as_user(back_office).get(reverse("referrals:letter", args=[referral.pk])).content.decode()
    )

    assert "Kelengkapan berkas: 2 dari 3" in text
    assert "Ada: KTP (Kartu Tanda Penduduk), Kartu Keluarga" in text
    assert "Mohon dibawa: SKTM (Surat Keterangan Tidak Mampu)" in text


# --- sending an incomplete file needs a note ----------------------------------------------


def test_an_incomplete_file_is_not_sent_from_the_form_without_a_note(
    complaint, back_office, jamkesda, as_user
):
    household_documents(complaint.household, complaint)
    client = as_user(back_office)
    url = reverse("referrals:create", args=[complaint.pk])

    refused = client.post(url, {"program": ["JAMKESDA"]})

    assert refused.status_code == 400
    assert (
        "Berkas belum lengkap (kurang: SKTM (Surat Keterangan Tidak Mampu)). Tulis catatan "
        "untuk lembaga penerima." in refused.content.decode()
    )
    assert not Referral.objects.exists()

    sent = client.post(url, {"program": ["JAMKESDA"], "notes_JAMKESDA": "SKTM menyusul."})

    assert sent.status_code == 302
    assert Referral.objects.get().incomplete_note == "SKTM menyusul."


def test_an_incomplete_file_is_not_sent_through_the_api_without_a_note(
    complaint, back_office, jamkesda, as_user
):
    client = as_user(back_office)
    body = {"complaint": complaint.pk, "program": "JAMKESDA"}

    refused = client.post("/api/v1/referrals/", body, content_type="application/json")

    assert refused.status_code == 400
    assert "Berkas belum lengkap" in refused.json()["notes"][0]
    assert not Referral.objects.exists()

    sent = client.post(
        "/api/v1/referrals/", {**body, "notes": "Semua berkas menyusul."},
        content_type="application/json",
    )  # fmt: skip
    assert sent.status_code == 201
    assert sent.json()["incomplete_note"] == "Semua berkas menyusul."


def test_with_several_programmes_each_incomplete_file_needs_its_own_note(
    complaint, back_office, jamkesda
):
    bpnt = Program.objects.get(code="BPNT")
    bpnt.required_kinds.set([kind("kk")])
    DocumentFactory(household=complaint.household, kind=kind("kk"))

    with pytest.raises(ValidationError) as refused:
        referrals_create(
            actor=back_office, complaint=complaint, programs=[bpnt, jamkesda],
            notes={"BPNT": "", "JAMKESDA": ""},
        )  # fmt: skip

    assert set(refused.value.message_dict) == {"programs[1].notes"}  # BPNT's file is complete
    assert not Referral.objects.exists()


def test_a_complete_file_is_sent_without_a_note(complaint, back_office, jamkesda):
    household_documents(complaint.household, complaint)
    DocumentFactory(household=complaint.household, kind=kind("sktm"), owner_type="complaint",
                    owner_id=complaint.pk)  # fmt: skip

    referral = refer(back_office, complaint, jamkesda, notes="")

    assert referral.incomplete_note == ""


def test_a_draft_sent_with_an_incomplete_file_needs_a_note(complaint, back_office, jamkesda):
    referral = refer(back_office, complaint, jamkesda)
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DRAFT, incomplete_note="")

    with pytest.raises(ValidationError) as refused:
        referral_transition(actor=back_office, referral=referral, to=Referral.Status.SENT)

    assert "Berkas belum lengkap" in refused.value.message_dict["note"][0]
    sent = referral_transition(
        actor=back_office, referral=referral, to=Referral.Status.SENT, note="KK menyusul."
    )
    assert sent.status == Referral.Status.SENT and sent.incomplete_note == "KK menyusul."


def test_the_agency_reads_the_note_on_its_page_and_in_the_api(
    complaint, back_office, jamkesda, officer_of, as_user
):
    household_documents(complaint.household, complaint)
    referral = refer(back_office, complaint, jamkesda, notes="SKTM sedang diurus di kelurahan.")
    client = as_user(officer_of("JAMKESDA"))

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    data = client.get(f"/api/v1/referrals/{referral.pk}/").json()

    assert "Dikirim dengan berkas belum lengkap" in page
    assert "SKTM sedang diurus di kelurahan." in page
    assert data["incomplete_note"] == "SKTM sedang diurus di kelurahan."
    assert data["file"]["complete"] is False
    assert sorted(data["file"]["required"]) == sorted(KTP_KK_SKTM)
    assert sorted(data["file"]["present"]) == ["kk", "ktp"]
    assert data["file"]["missing"] == ["sktm"]
    assert {d["kind"] for d in data["file"]["documents"]} == {"kk", "ktp"}


# --- what the agency reads, and while when ------------------------------------------------


@pytest.fixture
def sent_file(complaint, back_office, jamkesda):
    """A referral to JAMKESDA with its KK, KTP, a photo of the house (not required), one
    attached to the referral, and the neighbour's SKTM."""
    kk, ktp = household_documents(complaint.household, complaint)
    photo = DocumentFactory(household=complaint.household, kind=kind("foto_depan"))
    referral = refer(back_office, complaint, jamkesda)
    letter = DocumentFactory(household=complaint.household, kind=kind("lainnya"),
                             owner_type="referral", owner_id=referral.pk)  # fmt: skip
    neighbour = DocumentFactory(household=HouseholdFactory(region_id="52.72.01.1001"),
                                kind=kind("sktm"))  # fmt: skip
    return referral, {"kk": kk, "ktp": ktp, "photo": photo, "letter": letter,
                      "neighbour": neighbour}  # fmt: skip


def test_the_agency_officer_reads_the_required_documents_and_those_of_the_referral(
    sent_file, officer_of
):
    _referral, documents = sent_file

    readable = set(readable_by(officer_of("JAMKESDA")))

    assert readable == {documents["kk"], documents["ktp"], documents["letter"]}


@pytest.mark.parametrize(
    "officer",
    ["another agency", "same agency, another district", "same agency, another city"],
)
def test_other_officers_read_nothing_of_the_file(sent_file, officer_of, catalogue, officer):
    from regions.models import Region

    Region.objects.get_or_create(code="52.71", defaults={"name": "Kota Mataram", "level": 2,
                                                         "parent_id": "52"})  # fmt: skip
    user = {
        "another agency": lambda: officer_of("BPNT"),
        "same agency, another district": lambda: officer_of("JAMKESDA", scope="52.72.02"),
        "same agency, another city": lambda: officer_of("JAMKESDA", scope="52.71"),
    }[officer]()

    assert not readable_by(user).exists()


def test_the_agency_reads_nothing_once_the_referral_is_settled(sent_file, officer_of, as_user):
    referral, _documents = sent_file
    officer = officer_of("JAMKESDA")
    referral_transition(actor=officer, referral=referral, to=Referral.Status.RECEIVED)
    assert readable_by(officer).count() == 3

    referral_transition(actor=officer, referral=referral, to=Referral.Status.COMPLETED,
                        note="Terdaftar JAMKESDA.")  # fmt: skip

    assert not readable_by(officer).exists()
    page = as_user(officer).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Kelengkapan berkas: 2 dari 3" in page and "ktp-kepala.pdf" not in page
    data = as_user(officer).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert data["file"]["present"] and data["file"]["documents"] == []


def test_documents_attach_to_referrals_of_the_registrys_area_only(sent_file, officer_of):
    referral, _documents = sent_file
    owner = OWNER_TYPES["referral"]
    district_staff = staff_user(Role.FRONT_OFFICE, "52.72.01")
    elsewhere = staff_user(Role.FRONT_OFFICE, "52.72.02")

    assert list(owner.records_for(district_staff)) == [referral]
    assert not owner.records_for(elsewhere).exists()
    assert not owner.records_for(officer_of("JAMKESDA")).exists()
    assert (
        owner.records_for(district_staff)
        .filter(**{owner.household_path: referral.household_id})
        .exists()
    )


# --- the agency asks for a missing document -----------------------------------------------


def test_the_agency_asks_for_a_missing_document_and_the_office_sees_it(
    sent_file, officer_of, back_office, as_user
):
    referral, _documents = sent_file
    client = as_user(officer_of("JAMKESDA"))
    url = reverse("referrals:request_document", args=[referral.pk])

    response = client.post(url, {"kind": "sktm", "note": "Mohon SKTM terbaru."})

    assert response.status_code == 302
    event = referral.events.get(action=ReferralEvent.Action.DOCUMENT_REQUESTED)
    assert event.kind.code == "sktm" and event.note == "Mohon SKTM terbaru."
    page = as_user(back_office).get(reverse("referrals:detail", args=[referral.pk]))
    assert "Lembaga meminta berkas: SKTM (Surat Keterangan Tidak Mampu)" in page.content.decode()

    DocumentFactory(household=referral.household, kind=kind("sktm"), owner_type="referral",
                    owner_id=referral.pk)  # fmt: skip
    page = as_user(back_office).get(reverse("referrals:detail", args=[referral.pk]))
    assert '<div class="alert alert-warning' not in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "kk"}, "kind", "Berkas Kartu Keluarga sudah ada"),
        ({"kind": ""}, "kind", "Pilih berkas yang dibutuhkan."),
        ({"kind": "nope"}, "kind", "Pilih berkas yang dibutuhkan."),
        ({"kind": "akta_lahir"}, "note", "tidak termasuk berkas persyaratan program"),
    ],
)
def test_a_bad_document_request_says_why_and_records_nothing(
    sent_file, officer_of, as_user, data, field, message
):
    referral, _documents = sent_file
    client = as_user(officer_of("JAMKESDA"))

    page = client.post(reverse("referrals:request_document", args=[referral.pk]), data)
    api = client.post(f"/api/v1/referrals/{referral.pk}/request-document/", data,
                      content_type="application/json")  # fmt: skip

    assert page.status_code == 400 and message in page.content.decode()
    assert api.status_code == 400 and field in api.json()
    assert not referral.events.filter(action=ReferralEvent.Action.DOCUMENT_REQUESTED).exists()


def test_the_agency_asks_through_the_api(sent_file, officer_of, as_user):
    referral, _documents = sent_file

    response = as_user(officer_of("JAMKESDA")).post(
        f"/api/v1/referrals/{referral.pk}/request-document/", {"kind": "sktm"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 200
    assert response.json()["file"]["requested"] == ["sktm"]
    assert response.json()["events"][-1]["kind"] == "sktm"


def test_only_the_receiving_agency_asks_and_only_while_the_referral_is_open(
    sent_file, officer_of, back_office, as_user
):
    referral, _documents = sent_file
    url = reverse("referrals:request_document", args=[referral.pk])
    api = f"/api/v1/referrals/{referral.pk}/request-document/"

    assert as_user(back_office).post(url, {"kind": "sktm"}).status_code == 403
    assert as_user(back_office).post(api, {"kind": "sktm"}).status_code == 403
    assert as_user(officer_of("BPNT")).post(url, {"kind": "sktm"}).status_code == 404
    assert as_user(officer_of("BPNT")).post(api, {"kind": "sktm"}).status_code == 404

    officer = officer_of("JAMKESDA")
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.COMPLETED)
    refused = as_user(officer).post(url, {"kind": "sktm"})
    assert refused.status_code == 400 and "berkas hanya dapat diminta" in refused.content.decode()
    assert not ReferralEvent.objects.filter(action=ReferralEvent.Action.DOCUMENT_REQUESTED).exists()


# --- the query budget ---------------------------------------------------------------------


def test_the_referral_page_with_ten_documents_stays_within_its_query_budget(
    complaint, back_office, jamkesda, as_user, django_assert_max_num_queries
):
    referral = refer(back_office, complaint, jamkesda)
    client = as_user(back_office)
    url = reverse("referrals:detail", args=[referral.pk])
    client.get(url)  # sessions, roles and the like, read once

    with django_assert_max_num_queries(25) as empty:
        client.get(url)
    members = [PersonFactory(household=complaint.household) for _ in range(4)]
    for number in range(10):
        DocumentFactory(household=complaint.household, kind=kind(KTP_KK_SKTM[number % 3]),
                        owner_type="person", owner_id=members[number % 4].pk)  # fmt: skip
    DocumentFactory(household=complaint.household, kind=kind("lainnya"), owner_type="referral",
                    owner_id=referral.pk)  # fmt: skip

    with django_assert_max_num_queries(25) as full:
        page = client.get(url)

    assert "Kelengkapan berkas: 3 dari 3" in page.content.decode()
    assert len(full.captured_queries) == len(empty.captured_queries)


def test_the_referral_list_marks_and_filters_the_referrals_whose_agency_asks_for_a_document(
    sent_file, complaint, officer_of, back_office, as_user
):
    from referrals.services import referral_request_document

    referral, _documents = sent_file
    other = refer(back_office, complaint, Program.objects.get(code="BPNT"))
    referral_request_document(actor=officer_of("JAMKESDA"), referral=referral, kind=kind("sktm"))
    client = as_user(back_office)

    listed = client.get(reverse("referrals:list")).content.decode()
    asked = client.get(reverse("referrals:list"), {"documents": "asked"}).content.decode()

    assert listed.count("berkas diminta") == 1
    assert referral.number in asked and other.number not in asked
    DocumentFactory(household=referral.household, kind=kind("sktm"))  # the household's SKTM
    assert (
        referral.number
        not in client.get(reverse("referrals:list"), {"documents": "asked"}).content.decode()
    )


def test_the_agencys_webhook_carries_the_note_on_the_missing_documents(
    complaint, back_office, jamkesda
):
    from outbox.models import Dispatch
    from programs.models import Agency

    Agency.objects.filter(pk=jamkesda.agency_id).update(webhook_url="https://example.org/hook")

    referral = refer(back_office, complaint, jamkesda, notes="SKTM menyusul.")

    webhook = referral.dispatches.get(channel=Dispatch.Channel.WEBHOOK)
    assert webhook.payload["referral"]["incomplete_note"] == "SKTM menyusul."
