"""Document kinds, shared by every area, are kept by administrators, their retention by
superusers; documents are read-only
in the admin, in the user's area, and link to the scoped download page, never to the stored file."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from documents.models import DocumentKind
from documents.services import document_upload
from tests.documents.conftest import pdf_bytes, upload
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_a_superuser_adds_a_kind_and_changes_its_retention(as_user, kota_bima):
    client = as_user(staff_user(None, None, is_staff=True, is_superuser=True))

    added = client.post(reverse("admin:documents_documentkind_add"), {
        "code": "surat_domisili", "name": "Surat keterangan domisili", "ordering": 130,
        "is_active": "on", "retention_days": "365", "description": "",
    })  # fmt: skip
    sktm = DocumentKind.objects.get(code="sktm")
    changed = client.post(reverse("admin:documents_documentkind_change", args=[sktm.pk]), {
        "name": sktm.name, "ordering": sktm.ordering, "is_active": "on",
        "retention_days": "1825", "description": "",
    })  # fmt: skip

    assert added.status_code == 302 and changed.status_code == 302
    assert DocumentKind.objects.get(code="surat_domisili").retention_days == 365
    assert DocumentKind.objects.get(code="sktm").retention_days == 1825


@pytest.mark.parametrize("scope", ["52.72.01", "52.72"])
def test_an_administrator_keeps_kinds_but_never_their_retention(as_user, kota_bima, scope):
    """A kind's retention period decides what `purge_documents` deletes in every area: a
    district's administrator shortening it would delete the other districts' KTPs. What a
    kind is called and whether it is offered are the administrators'."""
    client = as_user(staff_user(Role.ADMIN, scope, is_staff=True))
    sktm = DocumentKind.objects.get(code="sktm")
    form = {"name": "SKTM (dari kelurahan)", "ordering": 1, "is_active": "on",
            "retention_days": "1", "description": ""}  # fmt: skip

    page = client.get(reverse("admin:documents_documentkind_change", args=[sktm.pk]))
    changed = client.post(reverse("admin:documents_documentkind_change", args=[sktm.pk]), form)
    added = client.post(reverse("admin:documents_documentkind_add"), {**form, "code": "baru"})

    sktm.refresh_from_db()
    assert page.status_code == 200 and 'name="retention_days"' not in page.content.decode()
    assert changed.status_code == 302 and added.status_code == 302
    assert (sktm.name, sktm.retention_days) == ("SKTM (dari kelurahan)", None)
    assert DocumentKind.objects.get(code="baru").retention_days is None


def test_a_supervisor_reads_kinds_without_changing_them(as_user, kota_bima):
    client = as_user(staff_user(Role.SUPERVISOR, "52.72", is_staff=True))
    sktm = DocumentKind.objects.get(code="sktm")

    response = client.post(
        reverse("admin:documents_documentkind_change", args=[sktm.pk]),
        {"name": "Diubah", "ordering": 1, "is_active": "on"},
    )

    assert response.status_code == 403
    assert DocumentKind.objects.get(code="sktm").name != "Diubah"


def test_the_document_admin_links_the_download_page_only(as_user, front_office, household):
    document = document_upload(
        actor=front_office,
        owner_type="household",
        owner_id=household.pk,
        kind_code="sktm",
        upload=upload(pdf_bytes(), "sktm.pdf"),
    )
    client = as_user(staff_user(Role.SUPERVISOR, "52.72", is_staff=True))

    page = client.get(reverse("admin:documents_document_change", args=[document.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("documents:download", args=[document.pk]) in body
    assert document.file.name not in body
