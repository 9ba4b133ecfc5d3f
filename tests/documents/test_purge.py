"""`purge_documents`: what has passed its kind's retention period (or the office's default)
goes, file, thumbnail and row; `--dry-run` only lists it; names never appear."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from documents.models import Document, DocumentKind
from documents.services import document_upload
from tests.documents.conftest import jpeg_bytes, pdf_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def aged(front_office, household, settings):
    """A photo of 40 days (its kind keeps 30), a KK scan of 40 days and one of 3 years (the
    default keeps 2 years), all of the household of Rahmat Hidayat."""
    settings.SLRT_DOCUMENT_RETENTION_DAYS = 730
    DocumentKind.objects.filter(code="foto_depan").update(retention_days=30)

    def attach(kind, data, name, days):
        document = document_upload(actor=front_office, owner_type="household",
                                   owner_id=household.pk, kind_code=kind,
                                   upload=upload(data, name))  # fmt: skip
        Document.objects.filter(pk=document.pk).update(
            uploaded_at=timezone.now() - datetime.timedelta(days=days)
        )
        return document

    return {
        "photo": attach("foto_depan", jpeg_bytes(), "Rumah Rahmat Hidayat.jpg", 40),
        "recent_kk": attach("kk", pdf_bytes(), "KK Rahmat Hidayat.pdf", 40),
        "old_kk": attach("kk", pdf_bytes(), "KK lama.pdf", 3 * 365),
    }


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_documents", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_and_deletes_nothing(aged, settings):
    files = stored_files(settings)

    output = run("--dry-run")

    assert f"document {aged['photo'].pk} foto_depan" in output
    assert f"document {aged['old_kk'].pk} kk" in output
    assert f"document {aged['recent_kk'].pk} " not in output
    assert "2 documents past their retention period would be deleted" in output
    assert "Rahmat" not in output and "Rumah" not in output
    assert Document.objects.count() == 3 and stored_files(settings) == files


def test_the_purge_deletes_rows_files_and_thumbnails_once(
    aged, settings, django_capture_on_commit_callbacks
):
    recent = aged["recent_kk"]

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows have
        output = run()
    again = run()

    assert "2 documents past their retention period deleted" in output
    assert list(Document.objects.values_list("pk", flat=True)) == [recent.pk]
    assert [path.name for path in stored_files(settings)] == [recent.file.name.split("/")[-1]]
    assert "0 documents past their retention period deleted" in again


def test_a_file_already_missing_does_not_stop_the_purge(
    aged, settings, django_capture_on_commit_callbacks
):
    photo = aged["photo"]
    photo.file.storage.delete(photo.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "2 documents past their retention period deleted" in output
    assert not Document.objects.filter(pk=photo.pk).exists()
    assert not photo.thumbnail.storage.exists(photo.thumbnail.name)


def test_stored_files_without_a_document_go_after_a_day(front_office, household, settings):
    import os
    import time

    kept = document_upload(actor=front_office, owner_type="household", owner_id=household.pk,
                           kind_code="kk", upload=upload(jpeg_bytes()))  # fmt: skip
    folder = settings.MEDIA_ROOT / "documents" / "2026" / "01"
    folder.mkdir(parents=True)
    old, fresh = folder / "left-by-a-crash.jpg", folder / "still-committing.jpg"
    for stray in (old, fresh):
        stray.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(settings.MEDIA_ROOT / kept.file.name, (two_days_ago, two_days_ago))

    listed = run("--dry-run")
    assert "1 stored files without a document would be deleted" in listed and old.exists()

    output = run()

    assert "1 stored files without a document deleted" in output
    assert not old.exists() and fresh.exists()
    assert (settings.MEDIA_ROOT / kept.file.name).exists()
