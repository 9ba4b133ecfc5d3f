"""Uploading at the desk and downloading: on the household and complaint pages, in scope,
the size limit enforced while the file is received, every download in the access log."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from documents.models import Document
from documents.services import document_upload
from regions.models import Region
from tests.documents.conftest import jpeg_bytes, pdf_bytes, stored_files, upload
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def upload_url(household):
    return reverse("documents:upload", args=["household", household.pk])


def post_upload(client, household, data, *, name="rumah.jpg", field="file", kind="foto_depan"):
    return client.post(
        upload_url(household),
        {"kind": kind, field: upload(data, name), "next": f"/households/{household.pk}/"},
    )


def test_the_household_page_offers_the_upload_and_lists_documents(as_user, front_office, household):
    document_upload(actor=front_office, owner_type="household", owner_id=household.pk,
                    kind_code="kk", upload=upload(pdf_bytes(), "kk-rahmat.pdf"))  # fmt: skip
    client = as_user(front_office)

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()

    assert 'capture="environment"' in page and 'accept="image/*,application/pdf"' in page
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    assert "kk-rahmat.pdf" in page and "Kartu Keluarga" in page


def test_a_photo_from_the_camera_is_stored_and_back_to_the_page(as_user, front_office, household):
    client = as_user(front_office)

    response = post_upload(client, household, jpeg_bytes(), field="camera")

    assert response.status_code == 302 and response.url == f"/households/{household.pk}/"
    document = Document.objects.get()
    assert document.kind.code == "foto_depan" and document.uploaded_by == front_office


def test_a_bad_file_is_answered_at_its_field_and_nothing_stored(
    as_user, front_office, household, settings
):
    client = as_user(front_office)

    response = post_upload(client, household, b"not a photo", name="foto.jpg")

    assert response.status_code == 400
    assert "bukan foto (JPEG, PNG, WebP) atau PDF" in response.content.decode()
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_30_mb_photo_is_refused_while_received(as_user, front_office, household, settings):
    client = as_user(front_office)
    client.handler.enforce_csrf_checks = True
    client.get(upload_url(household))  # the CSRF cookie
    big = b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024)

    response = client.post(
        upload_url(household),
        {
            "kind": "foto_depan",
            "file": upload(big),
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )

    assert response.wsgi_request.upload_too_large  # not received, not only refused after
    assert response.status_code == 400
    assert "Berkas melebihi batas 10 MB" in response.content.decode()
    assert "Pilih jenis berkas" not in response.content.decode()  # the only message: the size
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_file_growing_past_the_limit_stops_being_received(
    as_user, front_office, household, settings
):
    settings.SLRT_DOCUMENT_MAX_MB = 1
    client = as_user(front_office)
    just_over = b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10)  # within the request's slack

    response = post_upload(client, household, just_over)

    assert response.wsgi_request.upload_too_large
    assert response.status_code == 400
    assert "Berkas melebihi batas 1 MB" in response.content.decode()
    assert Document.objects.count() == 0


def test_the_upload_page_of_a_household_elsewhere_is_not_found(as_user, outside_household):
    client = as_user(staff_user(Role.FRONT_OFFICE, "52.72.01"))

    assert client.get(upload_url(outside_household)).status_code == 404
    assert post_upload(client, outside_household, jpeg_bytes()).status_code == 404
    assert Document.objects.count() == 0


def test_next_may_not_lead_off_the_site(as_user, front_office, household):
    client = as_user(front_office)

    response = client.post(
        upload_url(household),
        {"kind": "kk", "file": upload(jpeg_bytes()), "next": "https://evil.example/"},
    )

    assert response.url == reverse("households:detail", args=[household.pk])


@pytest.fixture
def photo(front_office, household):
    return document_upload(actor=front_office, owner_type="household", owner_id=household.pk,
                           kind_code="foto_depan", upload=upload(jpeg_bytes()))  # fmt: skip


def test_a_download_streams_the_file_and_is_in_the_access_log(as_user, photo, household):
    reader = staff_user(Role.BACK_OFFICE, "52.72.01")
    client = as_user(reader)

    response = client.get(reverse("documents:download", args=[photo.pk]))
    thumbnail = client.get(reverse("documents:thumbnail", args=[photo.pk]))

    assert b"".join(response.streaming_content) == photo.file.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"] == "private, no-store"
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    entries = AccessLog.objects.filter(user=reader, action="download")
    assert entries.count() == 2
    assert {entry.household_id for entry in entries} == {household.pk}


def test_a_pdf_is_always_an_attachment(as_user, front_office, household):
    document = document_upload(
        actor=front_office,
        owner_type="household",
        owner_id=household.pk,
        kind_code="sktm",
        upload=upload(pdf_bytes(), "sktm.pdf"),
    )
    client = as_user(front_office)

    response = client.get(reverse("documents:download", args=[document.pk]))

    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ["district", "city", "agency", "no_role"])
def test_others_get_not_found_and_no_access_log(as_user, photo, catalogue, who):
    Region.objects.get_or_create(code="52.71", defaults={"name": "Kota Mataram", "level": 2,
                                                         "parent_id": "52"})  # fmt: skip
    user = {
        "district": lambda: staff_user(Role.SUPERVISOR, "52.72.02"),
        "city": lambda: staff_user(Role.FRONT_OFFICE, "52.71"),
        "agency": lambda: staff_user(Role.AGENCY_OFFICER, "52.72", agency=catalogue["BPNT"].agency),
        "no_role": lambda: staff_user(None, "52.72"),
    }[who]()
    client = as_user(user)

    assert client.get(reverse("documents:download", args=[photo.pk])).status_code == 404
    assert client.get(reverse("documents:thumbnail", args=[photo.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=user, action="download").exists()


def test_a_file_missing_from_the_storage_is_not_found(as_user, photo, front_office):
    photo.file.storage.delete(photo.file.name)
    client = as_user(front_office)

    assert client.get(reverse("documents:download", args=[photo.pk])).status_code == 404


def test_the_complaint_page_offers_the_upload(as_user, front_office, household, catalogue):
    from complaints.models import ComplaintCategory
    from complaints.services import complaint_register

    complaint = complaint_register(
        actor=front_office, household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="walk_in",
        description="x", complainant=household.members.get(), consent_given=True,
    )  # fmt: skip
    client = as_user(front_office)
    url = reverse("documents:upload", args=["complaint", complaint.pk])

    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    response = client.post(url, {"kind": "sktm", "file": upload(pdf_bytes(), "sktm.pdf"),
                                 "next": f"/complaints/{complaint.pk}/"})  # fmt: skip

    assert f'action="{url}"' in page
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.pk}/"
    assert Document.objects.get().owner_type == "complaint"
    assert "sktm.pdf" in client.get(response.url).content.decode()


def test_the_household_page_reads_its_documents_in_constant_queries(
    as_user, front_office, household
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(front_office)
    url = reverse("households:detail", args=[household.pk])

    def queries_with(documents: int) -> int:
        while Document.objects.count() < documents:
            document_upload(actor=front_office, owner_type="household", owner_id=household.pk,
                            kind_code="foto_depan", upload=upload(jpeg_bytes()))  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(10)


def test_a_facilitator_reads_the_household_page_without_its_documents(as_user, household):
    client = as_user(staff_user(Role.FACILITATOR, "52.72.01"))

    page = client.get(reverse("households:detail", args=[household.pk]))

    assert page.status_code == 200
    assert 'id="documents-title"' not in page.content.decode()
    assert upload_url(household) not in page.content.decode()
