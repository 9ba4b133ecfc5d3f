"""Reads of documents, always limited to what the acting user may see.

Registry roles see the documents of the households of their area, whatever record within
the household they belong to; beyond that, each registered reader (`documents.owners`) adds
what its users may read (an agency officer, the file of the referrals sent to it). Nobody
else sees any document."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.selectors import region_scope_q
from documents.models import Document, DocumentKind
from documents.owners import OWNER_TYPES, READERS
from households.selectors import households_in_scope, persons_in_scope
from slrt.ids import id_from

User = AbstractBaseUser | AnonymousUser


def documents_for(user: User) -> QuerySet[Document]:
    """The documents `user` may read (and download), with what a list shows.

    Readers answer a filter without joins that multiply rows (an `Exists` or a `pk__in`
    subquery), so that the union needs no DISTINCT."""
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    allowed = None
    if has_role(user, *REGISTRY_ROLES):
        allowed = region_scope_q(user, "household__region")
    for reader in READERS:
        extra = reader(user)
        if extra is not None:
            allowed = extra if allowed is None else allowed | extra
    if allowed is None:
        return Document.objects.none()
    return Document.objects.filter(allowed).select_related("kind", "uploaded_by")


def documents_of(user: User, owner_type: str, owner_id: int) -> QuerySet[Document]:
    """The documents of one record that `user` may read, newest first."""
    return documents_for(user).filter(owner_type=owner_type, owner_id=owner_id)


def document_get_for(user: User, pk: int) -> Document:
    """One document `user` may read, or 404: documents out of scope do not exist."""
    return get_object_or_404(documents_for(user), pk=pk)


@dataclass(frozen=True)
class OwnerRecord:
    record: Model
    household_id: int


def owner_record_for(user: User, owner_type: str, owner_id) -> OwnerRecord | None:
    """The record (`owner_type`, `owner_id`) if `user` may attach documents to it (the owner
    app's scoped selector has it), with its household; None for a record that does not
    exist, is out of scope or is of no registered type: the three look the same."""
    owner = OWNER_TYPES.get(owner_type)
    owner_id = id_from(owner_id)
    if owner is None or owner_id is None:
        return None
    record = (
        owner.records_for(user)
        .filter(pk=owner_id)
        .annotate(document_household_id=F(owner.household_path))
        .first()
    )
    if record is None:
        return None
    return OwnerRecord(record, record.document_household_id)


def households_documented_by(user: User) -> QuerySet:
    """The households `user` may attach documents to: the registry's roles, in their area
    (reading a household, as a facilitator does, is not filing papers for it)."""
    if not has_role(user, *REGISTRY_ROLES):
        return households_in_scope(user).none()
    return households_in_scope(user)


def persons_documented_by(user: User) -> QuerySet:
    """The members of the households `user` may attach documents to."""
    if not has_role(user, *REGISTRY_ROLES):
        return persons_in_scope(user).none()
    return persons_in_scope(user)


def document_kinds_offered() -> QuerySet[DocumentKind]:
    """The kinds an upload may choose, in the office's order."""
    return DocumentKind.objects.filter(is_active=True)


def retention_days_of(kind: DocumentKind) -> int:
    return kind.retention_days or settings.SLRT_DOCUMENT_RETENTION_DAYS


def documents_past_retention(now: datetime.datetime) -> QuerySet[Document]:
    """Documents kept longer than their kind's retention period (or the office's default,
    `SLRT_DOCUMENT_RETENTION_DAYS`) at `now`, oldest first. Not scoped: for `purge_documents`."""
    past = Q(pk__in=[])
    for kind in DocumentKind.objects.all():
        cutoff = now - datetime.timedelta(days=retention_days_of(kind))
        past |= Q(kind=kind, uploaded_at__lt=cutoff)
    return Document.objects.filter(past).select_related("kind").order_by("uploaded_at", "pk")


def reads_documents(user: User) -> bool:
    """Whether `user` may read any document at all: a registry role, or a reader's user."""
    if not user.is_authenticated or not user.is_active:
        return False
    return has_role(user, *REGISTRY_ROLES) or any(reader(user) is not None for reader in READERS)
