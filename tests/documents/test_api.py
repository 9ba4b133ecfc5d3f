"""`/api/v1/documents/`: upload (multipart), list by owner, read, download; the web's scope
and field-level refusals."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AccessLog
from accounts.roles import Role
from documents.models import Document
from tests.documents.conftest import jpeg_bytes, pdf_bytes, stored_files, upload
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/documents/"


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def post(client, household, data, *, kind="kk", name="kk.jpg"):
    return client.post(
        URL,
        {"owner_type": "household", "owner_id": household.pk, "kind": kind,
         "file": upload(data, name)},
        format="multipart",
    )  # fmt: skip


def test_an_upload_answers_the_stored_document(front_office, household):
    client = api_as(front_office)

    response = post(client, household, jpeg_bytes(orientation=6, gps=True))

    assert response.status_code == 201, response.json()
    body = response.json()
    document = Document.objects.get()
    assert set(body) == {
        "id", "kind", "owner_type", "owner_id", "original_name", "content_type", "size",
        "sha256", "uploaded_by", "uploaded_at", "download",
    }  # fmt: skip
    assert body["kind"] == "kk" and body["owner_id"] == household.pk
    assert body["sha256"] == document.sha256 and body["uploaded_by"] == front_office.username
    assert body["download"].endswith(f"/api/v1/documents/{document.pk}/download/")


def test_refusals_are_by_field(front_office, household, outside_household, settings):
    client = api_as(front_office)

    not_a_photo = post(client, household, b"hello", name="foto.jpg")
    pdf_for_photos = post(client, household, pdf_bytes(), kind="foto_dalam", name="x.pdf")
    unknown_kind = post(client, household, jpeg_bytes(), kind="paspor")
    elsewhere = post(client, outside_household, jpeg_bytes())
    missing = client.post(URL, {"owner_type": "household"}, format="multipart")

    assert not_a_photo.status_code == 400 and "bukan foto" in not_a_photo.json()["file"][0]
    assert "hanya foto" in pdf_for_photos.json()["file"][0]
    assert unknown_kind.json() == {"kind": ["Pilih jenis berkas dari daftar."]}
    assert elsewhere.json() == {"owner_id": ["Catatan untuk dilampiri berkas tidak ditemukan."]}
    assert set(missing.json()) == {"owner_id", "kind", "file"}
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_30_mb_photo_is_refused_while_received(front_office, household, settings):
    client = api_as(front_office)

    response = post(client, household, b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024))

    assert response.wsgi_request.upload_too_large
    assert response.status_code == 400
    assert response.json() == {"file": ["Berkas melebihi batas 10 MB; tidak ada yang disimpan."]}
    assert Document.objects.count() == 0 and stored_files(settings) == []


def test_a_30_mb_photo_over_the_session_is_refused_too(client, front_office, household):
    client.force_login(front_office)

    response = client.post(
        URL,
        {"owner_type": "household", "owner_id": household.pk, "kind": "kk",
         "file": upload(b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024))},
    )  # fmt: skip

    assert response.wsgi_request.upload_too_large
    assert response.status_code == 400 and "file" in response.json()


def test_the_list_needs_its_owner_and_keeps_to_scope(front_office, household, outside_household):
    mine = api_as(front_office)
    post(mine, household, jpeg_bytes())
    elsewhere = api_as(staff_user(Role.FRONT_OFFICE, "52.72.02"))

    unfiltered = mine.get(URL)
    listed = mine.get(URL, {"owner_type": "household", "owner_id": household.pk})
    hidden = elsewhere.get(URL, {"owner_type": "household", "owner_id": household.pk})

    assert unfiltered.status_code == 400 and set(unfiltered.json()) == {"owner_type", "owner_id"}
    assert listed.json()["count"] == 1
    assert hidden.status_code == 200 and hidden.json()["count"] == 0


def test_a_download_streams_and_is_logged_and_others_get_404(front_office, household, catalogue):
    client = api_as(front_office)
    document_id = post(client, household, jpeg_bytes()).json()["id"]
    stored = Document.objects.get(pk=document_id)
    agency = api_as(staff_user(Role.AGENCY_OFFICER, "52.72", agency=catalogue["BPNT"].agency))
    district = api_as(staff_user(Role.BACK_OFFICE, "52.72.02"))

    response = client.get(f"{URL}{document_id}/download/", HTTP_ACCEPT="image/jpeg")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored.file.open("rb").read()
    assert response["Content-Disposition"].startswith("attachment")
    assert AccessLog.objects.filter(user=front_office, action="download").count() == 1
    assert agency.get(f"{URL}{document_id}/download/").status_code == 404  # not its referral
    assert district.get(f"{URL}{document_id}/download/").status_code == 404
    assert district.get(f"{URL}{document_id}/").status_code == 404


def test_unknown_fields_are_refused(front_office, household):
    response = api_as(front_office).post(
        URL,
        {"owner_type": "household", "owner_id": household.pk, "kind": "kk",
         "file": upload(jpeg_bytes()), "household": 1},
        format="multipart",
    )  # fmt: skip

    assert response.status_code == 400 and "household" in response.json()["non_field_errors"][0]
    assert Document.objects.count() == 0


def test_the_schema_documents_a_multipart_upload():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    create = schema["paths"]["/api/v1/documents/"]["post"]

    assert list(create["requestBody"]["content"]) == ["multipart/form-data"]
    assert schema["components"]["schemas"]["DocumentUploadRequest"]["additionalProperties"] is False
    download = schema["paths"]["/api/v1/documents/{id}/download/"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"image/jpeg", "application/pdf"}
