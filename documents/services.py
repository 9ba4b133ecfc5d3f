"""Every write to documents: storing an uploaded file for a record."""

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from documents.models import Document, DocumentKind


@transaction.atomic
def document_store(
    *,
    actor: AbstractBaseUser,
    household_id: int,
    owner_type: str,
    owner_id: int,
    kind: DocumentKind,
    upload: UploadedFile,
) -> Document:
    """Store `upload` as a document of `kind` belonging to the record (`owner_type`,
    `owner_id`) of household `household_id`, with its checksum. The caller has checked that
    `actor` may reach the record."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        kind=kind,
        household_id=household_id,
        owner_type=owner_type,
        owner_id=owner_id,
        original_name=upload.name[-255:],
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    document.file.save(
        f"documents/{digest.hexdigest()[:2]}/{digest.hexdigest()}", upload, save=False
    )
    document.save()
    return document
