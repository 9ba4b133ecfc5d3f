"""A referral's file (berkas): the back office uploads on a complaint the documents a
programme requires and refers with the file complete, no note needed, while a programme
whose file is incomplete asks for one; the agency officer downloads the documents of a
referral sent to their agency and is refused another agency's."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from accounts.models import AccessLog
from complaints.models import Complaint
from complaints.services import complaint_assess
from documents.demo import sample_pdf, sample_photo
from documents.models import Document, DocumentKind
from documents.services import document_store
from programs.models import Program
from referrals.models import Referral
from referrals.selectors import referral_file
from referrals.services import referrals_create
from tests.e2e.conftest import PHONE, answered, assert_accessible, shot, sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_referral_goes_with_its_complete_file_and_an_incomplete_one_needs_a_note(
    watched, demo, tmp_path
):
    back_office = User.objects.get(username="bo")
    complaint = Complaint.objects.filter(status="registered", consent_given=True).first()
    complaint_assess(actor=back_office, complaint=complaint,
                     needs=[{"domain": "documents", "severity": 2, "notes": ""}])  # fmt: skip
    complete = Program.objects.get(code="DTKS-SURAT")
    # A programme of the same need that asks one paper more (an SKTM) than the demo holds.
    incomplete = Program.objects.get(code="DTKS-SURAT")
    incomplete.pk, incomplete.code, incomplete.name = None, "SKTM-RUJUK", "Rujukan dengan SKTM"
    incomplete.save()
    incomplete.required_kinds.set(DocumentKind.objects.filter(code__in=["ktp", "kk", "sktm"]))
    assert set(complete.required_kinds.values_list("code", flat=True)) == {"ktp", "kk"}
    assert set(incomplete.required_kinds.values_list("code", flat=True)) == {"ktp", "kk", "sktm"}
    ktp, kk = tmp_path / "ktp-ibu.pdf", tmp_path / "kartu-keluarga.jpg"
    ktp.write_bytes(sample_pdf("KTP contoh"))
    kk.write_bytes(sample_photo("KK contoh", size=(1600, 1000)))

    page = watched
    sign_in(page, demo, "bo")
    page.goto(f"{demo}/complaints/{complaint.pk}/")
    panel = page.locator("section[aria-labelledby=documents-title]")
    expect(panel).to_contain_text("Belum ada berkas.")
    for code, path in (("ktp", ktp), ("kk", kk)):
        panel.locator("select[name=kind]").select_option(code)
        panel.locator("input[name=file]").set_input_files(path)
        panel.get_by_role("button", name="Unggah").click()
        page.wait_for_load_state("networkidle")
        expect(panel.get_by_role("link", name=path.stem)).to_be_visible()
    shot(page, "back-office-complaint-documents")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    shot(page, "back-office-complaint-documents-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    uploaded = Document.objects.filter(owner_type="complaint", owner_id=complaint.pk)
    assert dict(uploaded.values_list("kind__code", "content_type")) == {
        "ktp": "application/pdf",
        "kk": "image/jpeg",  # re-encoded by the pipeline
    }
    expect(panel.locator("img")).to_have_count(1)  # the photo's thumbnail
    assert panel.locator("img").evaluate("img => img.complete && img.naturalWidth") > 0

    page.get_by_role("link", name="Rujuk ke program").click()
    complete_row = page.locator(f"li:has(#program-{complete.code})")
    incomplete_row = page.locator(f"li:has(#program-{incomplete.code})")
    expect(complete_row).to_contain_text("Kelengkapan berkas: 2 dari 2")
    expect(incomplete_row).to_contain_text("Kelengkapan berkas: 2 dari 3")
    expect(incomplete_row.locator(".text-danger")).to_contain_text("SKTM")
    shot(page, "back-office-referral-form-file")
    assert_accessible(page)

    # The incomplete file, sent without a note: the note is asked for, nothing is made.
    page.check(f"#program-{incomplete.code}")
    page.get_by_role("button", name="Kirim rujukan").click()
    page.wait_for_load_state("networkidle")
    answered(page, 400)
    refusal = incomplete_row.locator(".invalid-feedback")
    expect(refusal).to_contain_text("Berkas belum lengkap (kurang: SKTM")
    expect(refusal).to_contain_text("Tulis catatan untuk lembaga penerima")
    shot(page, "back-office-referral-incomplete-refused")
    assert not Referral.objects.filter(complaint=complaint).exists()

    # The complete file goes without a note.
    page.uncheck(f"#program-{incomplete.code}")
    page.check(f"#program-{complete.code}")
    assert complete_row.locator("textarea").input_value() == ""
    page.get_by_role("button", name="Kirim rujukan").click()
    page.wait_for_load_state("networkidle")
    referral = Referral.objects.get(complaint=complaint)
    assert referral.program == complete
    assert (referral.notes, referral.incomplete_note) == ("", "")
    page.goto(f"{demo}/referrals/{referral.pk}/")
    expect(page.locator("#file h2")).to_contain_text("Kelengkapan berkas: 2 dari 2")
    expect(page.locator("#file")).to_contain_text("ktp-ibu.pdf")
    shot(page, "back-office-referral-file-complete")
    assert_accessible(page)


@pytest.fixture
def another_agencys_document(demo) -> Document:
    """A document in the file of a referral sent to another agency than the demo agency
    officer's (PKH, the ministry's), for another household."""
    back_office = User.objects.get(username="bo")
    officer_agency = User.objects.get(username="agency").staff_profile.agency
    complaint = Complaint.objects.get(category__code="bansos-pkh")
    program = Program.objects.get(code="PKH")
    assert program.agency != officer_agency
    [referral] = referrals_create(actor=back_office, complaint=complaint, programs=[program],
                                  notes="Mohon diverifikasi; KK menyusul.")  # fmt: skip
    return document_store(
        actor=back_office,
        household_id=referral.household_id,
        owner_type=Document.Owner.REFERRAL,
        owner_id=referral.pk,
        kind=DocumentKind.objects.get(code="sktm"),
        upload=SimpleUploadedFile(
            "sktm-kelurahan-dara.pdf", sample_pdf("SKTM contoh"), "application/pdf"
        ),
    )


def test_an_agency_officer_downloads_its_referrals_documents_and_not_another_agencys(
    watched, demo, another_agencys_document
):
    officer = User.objects.get(username="agency")
    referral = Referral.objects.get(
        agency=officer.staff_profile.agency, status__in=Referral.AT_AGENCY
    )  # the demo's, with its file (seed_demo)
    documents = {document.content_type: document for document in referral_file(referral).documents}
    pdf, photo = documents["application/pdf"], documents["image/jpeg"]

    page = watched
    sign_in(page, demo, "agency")
    page.goto(demo + "/referrals/")
    page.locator(f"main a[href='/referrals/{referral.pk}/']").first.click()
    file = page.locator("#file")
    expect(file.locator("h2")).to_contain_text("Kelengkapan berkas: 2 dari 2")
    shot(page, "agency-referral-file")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    shot(page, "agency-referral-file-phone")

    with page.expect_download() as downloading:
        file.get_by_role("link", name=pdf.original_name).click()
    download = downloading.value
    assert download.suggested_filename == pdf.download_name
    with pdf.file.open("rb") as stored:
        assert download.path().read_bytes() == stored.read()
    shown = page.request.get(demo + file.get_by_role("link", name=photo.original_name)
                             .get_attribute("href"))  # fmt: skip
    assert shown.status == 200 and shown.headers["content-type"] == "image/jpeg"
    logged = AccessLog.objects.filter(user=officer, action=AccessLog.Action.DOWNLOAD)
    assert logged.filter(path=f"/documents/{pdf.pk}/").exists()
    assert logged.filter(path=f"/documents/{photo.pk}/").exists()

    # Another agency's document: not found, and the page says nothing of it.
    other = another_agencys_document
    answer = page.goto(f"{demo}/documents/{other.pk}/")
    assert answer.status == 404
    answered(page, 404)
    text = page.content()
    household = other.household
    names = household.members.values_list("name", flat=True)
    for secret in (other.original_name, "sktm-kelurahan-dara", other.kind.name,
                   household.address, *names):  # fmt: skip
        assert secret not in text
    shot(page, "agency-document-refused-phone")
    assert_accessible(page)
    assert not logged.filter(path=f"/documents/{other.pk}/").exists()
