"""The records a document can belong to, and who may reach them.

`documents` sits just above `households` and knows no app above it: each app whose records
carry documents (complaints, referrals, visits, proposals) registers its owner type here from
its `AppConfig.ready()`, with its own scoped selector, so that attaching a document and
reading one go through the same scope as the record itself. An app may also register a
*reader*: a filter on documents that a role outside the registry may read (an agency officer
the file of the referrals sent to it, a facilitator the photos of their visits)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class OwnerType:
    code: str  # one of `Document.Owner`
    # The records of this type `user` may attach documents to: the owner app's scoped selector.
    records_for: Callable[[User], QuerySet]
    # The lookup from such a record to its household's id ("household_id",
    # "complaint__household_id").
    household_path: str


OWNER_TYPES: dict[str, OwnerType] = {}
READERS: list[Callable[[User], Q | None]] = []


def register_owner(code: str, *, records_for: Callable[[User], QuerySet], household_path: str):
    """Declare that documents may belong to records of `code` (called from `ready()`)."""
    OWNER_TYPES[code] = OwnerType(code, records_for, household_path)


def register_reader(reader: Callable[[User], Q | None]) -> None:
    """Add a filter of documents some users may read beyond their registry scope; the
    reader answers None for a user it gives nothing."""
    if reader not in READERS:
        READERS.append(reader)
