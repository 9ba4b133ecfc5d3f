"""What the upload service stores, and what it refuses (with a field message, storing
nothing): the file's content decides, never its name or claimed type."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from accounts.roles import Role
from documents.models import Document, DocumentKind
from documents.services import document_upload
from tests.documents.conftest import (
    jpeg_bytes,
    pdf_bytes,
    pdf_with_compressed,
    png_bytes,
    stored_files,
    upload,
)
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def attach(actor, household, data, *, kind="kk", name="foto.jpg", content_type="image/jpeg"):
    return document_upload(
        actor=actor,
        owner_type="household",
        owner_id=household.pk,
        kind_code=kind,
        upload=upload(data, name, content_type),
    )


def refusal(actor, household, data, **options) -> dict:
    with pytest.raises(ValidationError) as refused:
        attach(actor, household, data, **options)
    return refused.value.message_dict


def test_a_photo_is_stored_upright_without_its_metadata(front_office, household, settings):
    document = attach(front_office, household, jpeg_bytes((300, 200), orientation=6, gps=True))

    stored = document.file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (200, 300)  # turned as the camera held it
    assert image.getpixel((190, 150))[0] > 200  # the stored top (red) is now on the right
    assert image.getpixel((10, 150))[2] > 200
    assert len(image.getexif()) == 0 and image.getexif().get_ifd(0x8825) == {}
    assert b"KameraRahasia" not in stored and b"Rahmat rumah" not in stored
    assert "exif" not in image.info and "comment" not in image.info
    assert document.content_type == "image/jpeg" and document.size == len(stored)
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.household_id == household.pk and document.uploaded_by == front_office


def test_a_large_photo_is_at_most_2000_pixels_with_a_thumbnail(front_office, household):
    document = attach(front_office, household, jpeg_bytes((4000, 1000), quality=70))

    image = Image.open(document.file)
    thumbnail = Image.open(document.thumbnail)
    assert image.size == (2000, 500)
    assert max(thumbnail.size) == 320 and thumbnail.format == "JPEG"


def test_png_and_webp_are_stored_as_jpeg(front_office, household):
    out = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 128, 0)).save(out, "WEBP")

    from_png = attach(front_office, household, png_bytes(), name="scan.png")
    from_webp = attach(front_office, household, out.getvalue(), name="x.webp")

    assert Image.open(from_png.file).format == "JPEG"
    assert Image.open(from_webp.file).size == (50, 40)
    assert from_png.download_name == "scan.jpg"


def test_a_clean_pdf_is_stored_as_sent(front_office, household):
    data = pdf_bytes()

    document = attach(front_office, household, data, name="surat.pdf", content_type="")

    assert document.file.read() == data and document.content_type == "application/pdf"
    assert not document.thumbnail and document.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (b"MZ\x90\x00 an executable", "foto.jpg", "image/jpeg"),
        (b"<html><script>alert(1)</script></html>", "surat.pdf", "application/pdf"),
        (b"GIF89a\x01\x00\x01\x00", "foto.gif", "image/gif"),
        (b"PK\x03\x04 a zip", "berkas.docx", "application/pdf"),
    ],
)
def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name(
    front_office, household, settings, data, name, content_type
):
    errors = refusal(front_office, household, data, name=name, content_type=content_type)

    assert "bukan foto" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_truncated_jpeg_is_refused(front_office, household, settings):
    whole = jpeg_bytes((800, 600), noise=True)

    errors = refusal(front_office, household, whole[: len(whole) // 2])

    assert "rusak" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_photo_claiming_too_many_pixels_is_refused(front_office, household):
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, "PNG")  # 100 megapixels in a few kilobytes

    errors = refusal(front_office, household, out.getvalue(), name="bom.png")

    assert Document.objects.count() == 0
    assert errors["file"]


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",  # names with escapes
        b"/OpenAction << /S /Launch /F (cmd.exe) >>",
        b"/Names << /EmbeddedFiles << /Names [] >> >>",
    ],
)
def test_a_pdf_with_a_script_an_action_or_an_embedded_file_is_refused(
    front_office, household, settings, extra
):
    errors = refusal(front_office, household, pdf_bytes(extra), name="surat.pdf")

    assert "skrip" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_script_hidden_in_a_compressed_object_stream_is_found(front_office, household):
    hidden = pdf_with_compressed(b"4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj")

    errors = refusal(front_office, household, hidden, name="surat.pdf")

    assert "skrip" in errors["file"][0]


def test_a_pdf_without_its_end_is_refused(front_office, household):
    errors = refusal(front_office, household, pdf_bytes(end=b""), name="surat.pdf")

    assert "tidak lengkap" in errors["file"][0]


def test_a_photos_only_kind_refuses_a_pdf(front_office, household):
    errors = refusal(front_office, household, pdf_bytes(), kind="foto_depan", name="x.pdf")

    assert "hanya foto" in errors["file"][0]
    assert attach(front_office, household, jpeg_bytes(), kind="foto_depan").kind.code == (
        "foto_depan"
    )


def test_an_unknown_or_retired_kind_is_refused(front_office, household):
    DocumentKind.objects.filter(code="sktm").update(is_active=False)

    unknown = refusal(front_office, household, jpeg_bytes(), kind="paspor")
    retired = refusal(front_office, household, jpeg_bytes(), kind="sktm")

    assert unknown["kind"] == retired["kind"] == ["Pilih jenis berkas dari daftar."]


def test_a_heic_photo_is_refused_with_advice(front_office, household):
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100

    errors = refusal(front_office, household, heic, name="IMG_0001.HEIC", content_type="")

    assert "HEIC" in errors["file"][0]


def test_a_file_past_the_limit_is_refused(front_office, household, settings):
    settings.SLRT_DOCUMENT_MAX_MB = 1

    errors = refusal(front_office, household, b"\xff\xd8\xff" + b"\x00" * (1024 * 1024))

    assert errors["file"] == ["Berkas melebihi batas 1 MB; tidak ada yang disimpan."]


@pytest.mark.parametrize("scope", ["52.72.02", "52.71"])
def test_a_record_out_of_scope_is_not_found_as_one_that_does_not_exist(
    household, kota_bima, scope, settings
):
    from regions.models import Region

    Region.objects.get_or_create(code="52.71", defaults={"name": "Kota Mataram", "level": 2,
                                                         "parent_id": "52"})  # fmt: skip
    elsewhere = staff_user(Role.FRONT_OFFICE, scope)

    out_of_scope = refusal(elsewhere, household, jpeg_bytes())
    with pytest.raises(ValidationError) as missing:
        document_upload(actor=elsewhere, owner_type="household", owner_id=household.pk + 999,
                        kind_code="kk", upload=upload(jpeg_bytes()))  # fmt: skip

    assert out_of_scope["owner_id"] == missing.value.message_dict["owner_id"]
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_an_agency_officer_attaches_nothing_to_a_household(household, catalogue):
    agency = staff_user(Role.AGENCY_OFFICER, "52.72", agency=catalogue["BPNT"].agency)

    assert "owner_id" in refusal(agency, household, jpeg_bytes())


def test_a_failure_after_the_file_is_written_leaves_no_file(
    front_office, household, settings, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Document.objects, "create", broken)

    with pytest.raises(RuntimeError):
        attach(front_office, household, jpeg_bytes())

    assert stored_files(settings) == []


def test_documents_belong_to_a_person_or_a_complaint_of_the_household(
    front_office, household, catalogue
):
    from complaints.models import ComplaintCategory
    from complaints.services import complaint_register

    complaint = complaint_register(
        actor=front_office, household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="walk_in",
        description="x", complainant=household.members.get(), consent_given=True,
    )  # fmt: skip
    person = household.members.get()

    for owner_type, owner_id in (("person", person.pk), ("complaint", complaint.pk)):
        document = document_upload(actor=front_office, owner_type=owner_type, owner_id=owner_id,
                                   kind_code="ktp", upload=upload(jpeg_bytes()))  # fmt: skip
        assert document.household_id == household.pk and document.owner_id == owner_id


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.VILLAGE_OPERATOR])
def test_the_field_roles_file_nothing_for_a_household_or_a_member(household, role):
    """A facilitator reads the households of their area; reading is not filing papers."""
    field = staff_user(role, "52.72.01")

    for owner_type, owner_id in (("household", household.pk),
                                 ("person", household.members.get().pk)):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            document_upload(actor=field, owner_type=owner_type, owner_id=owner_id,
                            kind_code="kk", upload=upload(jpeg_bytes()))  # fmt: skip
        assert "owner_id" in refused.value.message_dict
