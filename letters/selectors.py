"""Which letters a user sees: those of the households of their area, for the registry's
roles (front office, back office, supervisors, administrators). Out of those, 404."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.selectors import region_scope_q
from letters.models import Letter, LetterBatch, LetterKind

User = AbstractBaseUser | AnonymousUser


def letters_for(user: User) -> QuerySet[Letter]:
    """The letters of the households of the user's area, with what lists show."""
    if not has_role(user, *REGISTRY_ROLES):
        return Letter.objects.none()
    return Letter.objects.filter(region_scope_q(user, "household__region")).select_related(
        "kind", "person", "household__region", "program", "referral", "drafted_by", "issued_by"
    )


def letter_get_for(user: User, pk: int) -> Letter:
    return get_object_or_404(letters_for(user), pk=pk)


def letter_batches_for(user: User) -> QuerySet[LetterBatch]:
    """The batches whose every letter is of the user's area: a batch's page counts and
    names all of its letters, so one holding a letter of another area is not the user's."""
    if not has_role(user, *REGISTRY_ROLES):
        return LetterBatch.objects.none()
    elsewhere = Letter.objects.filter(batches=OuterRef("pk")).exclude(
        region_scope_q(user, "household__region")
    )
    return (
        LetterBatch.objects.filter(Exists(letters_for(user).filter(batches=OuterRef("pk"))))
        .exclude(Exists(elsewhere))
        .select_related("requested_by")
    )


def letter_batch_get_for(user: User, pk: int) -> LetterBatch:
    return get_object_or_404(letter_batches_for(user), pk=pk)


def letter_kinds_in_use() -> QuerySet[LetterKind]:
    return LetterKind.objects.filter(active=True).order_by("name")


def recommendation_kind_for(program) -> LetterKind | None:
    """The recommendation kind in use that is written for `program` (one naming it before one
    written for any programme), or None."""
    kinds = letter_kinds_in_use().filter(layout=LetterKind.Layout.RECOMMENDATION)
    return kinds.filter(programs=program).first() or kinds.filter(programs=None).first()
