"""Documents at the edges of scope and masking: what a list of documents tells of the
numbers people put in their files' names."""

from django.urls import reverse

from documents.services import document_upload
from tests.documents.conftest import jpeg_bytes, upload

NIK = "5272011203800001"


def test_a_list_of_documents_masks_a_nik_in_a_file_name(front_office, household, client):
    """Scans are often saved under the holder's NIK or KK number: lists show it masked, as
    they show the household's own numbers."""
    document_upload(
        actor=front_office, owner_type="household", owner_id=household.pk, kind_code="ktp",
        upload=upload(jpeg_bytes(), name=f"KTP {NIK}.jpg"),
    )  # fmt: skip
    client.force_login(front_office)

    listed = client.get(
        reverse("api:document-list"), {"owner_type": "household", "owner_id": household.pk}
    )

    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert NIK not in row["original_name"] and row["original_name"].endswith("0001.jpg")
