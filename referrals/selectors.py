"""Which referrals a user may see: those of households in their working area (office staff)
and those sent to their agency of households in their working area (agency officers: a
Kemensos officer of Kota Bima sees Kota Bima's referrals to Kemensos, not Mataram's). Out of
those, 404."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import DECIDE_REFERRAL, REGISTRY_ROLES, Role, user_roles
from accounts.selectors import region_scope_q, staff_profile_of
from complaints.selectors import complaint_search_q, identifier_term
from documents.models import Document, DocumentKind
from programs.models import Program
from referrals.models import Referral, ReferralEvent

# The office's roles that read the referrals of their area: the registry's, and the
# coordinators who decide them before they are sent.
REFERRAL_OFFICE_ROLES = REGISTRY_ROLES | {Role.COORDINATOR}


def agency_referrals_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    """The referrals `user` receives as an agency officer: sent to their agency, of
    households inside their scope. No role, agency or scope: none. A referral not sent yet
    (a draft, or one awaiting its decision) is not the agency's to see."""
    profile = staff_profile_of(user)
    if (
        Role.AGENCY_OFFICER not in user_roles(user)
        or profile is None
        or not profile.agency_id
        or not profile.scope_id
    ):
        return Q(pk__in=[])
    return (
        Q(agency_id=profile.agency_id)
        & ~Q(status__in=Referral.NOT_SENT)
        & region_scope_q(user, "household__region")
    )


def _visible_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    visible = agency_referrals_q(user)
    if not user_roles(user).isdisjoint(REFERRAL_OFFICE_ROLES):
        visible |= region_scope_q(user, "household__region")
    return visible


def referrals_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """Referrals the user may see, newest first, with what lists show."""
    return Referral.objects.filter(_visible_q(user)).select_related(
        "program", "agency", "complaint", "household__region"
    )


def referral_search_q(term: str) -> Q:
    """What a referral list's search box finds, to narrow a list already limited to the
    user's scope: a whole referral number (`Referral.number`), or what finds the referral's
    complaint (`complaints.selectors.complaint_search_q`: a ticket number or a part of it,
    the head's or the complainant's name)."""
    return Referral.number_q(identifier_term(term)) or complaint_search_q(term, "complaint__")


def referred_program_codes(complaint_id: int) -> set[str]:
    """Codes of the programmes the complaint is not referred to again: those holding one of
    its referrals in `Referral.BLOCKING_STATUSES` (the page greys them out, the service
    refuses them, the database's constraint is the same rule)."""
    return set(
        Referral.objects.filter(
            complaint_id=complaint_id, status__in=Referral.BLOCKING_STATUSES
        ).values_list("program__code", flat=True)
    )


def referral_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Referral:
    return get_object_or_404(referrals_for(user).select_related("created_by"), pk=pk)


def decision_queue_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """The referrals waiting for a decision (penetapan) that `user` may decide: none
    without the permission; of those they see (`referrals_for`: an office role's, of
    households in their working area), emergencies first, then the longest waiting."""
    if not (user.is_authenticated and user.is_active and user.has_perm(DECIDE_REFERRAL)):
        return Referral.objects.none()
    # From the referrals the user sees: a holder of the permission without an office role
    # of the area (an agency's officer) is shown none they could not open.
    return (
        referrals_for(user)
        .filter(status=Referral.Status.AWAITING_DECISION)
        .select_related("created_by")
        .annotate(
            emergency=ExpressionWrapper(
                Q(complaint__urgency="emergency"), output_field=BooleanField()
            )
        )
        .order_by("-emergency", "created_at", "pk")
    )


def agency_inbox_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """An agency officer's referrals, those waiting for an answer first, oldest due first."""
    return (
        referrals_for(user)
        .filter(agency_referrals_q(user))
        .order_by(F("closed_at").asc(nulls_first=True), "response_due", "pk")
    )


def referrals_attachable_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Referral]:
    """The referrals `user` may attach documents to (`documents.owners`): those of the
    households of their working area, for the registry's staff; none for anyone else (an
    agency reads the file, it does not add to it)."""
    if user_roles(user).isdisjoint(REGISTRY_ROLES):
        return Referral.objects.none()
    return Referral.objects.filter(region_scope_q(user, "household__region"))


# --- a referral's file (berkas) ---------------------------------------------------------------
#
# The one rule of what a referral's file is: the documents of its household owned by the
# household, by one of its members (a person's documents are filed under their household),
# by the referral's complaint or by the referral itself; for each kind the programme
# requires, the newest of that kind. Documents of other households, or of the household's
# other complaints, are not in it.


def file_owners_q(*, household_id, complaint_id, referral_id=None) -> Q:
    """Documents in the file of a referral of the complaint (or, before it is made,
    `referral_id=None`, of the complaint alone). The ids may be `OuterRef`s, for a
    subquery per referral."""
    owned = (
        Q(owner_type=Document.Owner.HOUSEHOLD, owner_id=household_id)
        | Q(owner_type=Document.Owner.PERSON)
        | Q(owner_type=Document.Owner.COMPLAINT, owner_id=complaint_id)
    )
    if referral_id is not None:
        owned |= Q(owner_type=Document.Owner.REFERRAL, owner_id=referral_id)
    return Q(household_id=household_id) & owned


def request_waiting_q() -> Q:
    """Document requests (`ReferralEvent`s) still waiting: no document of the kind asked
    for entered the referral's file since, as one of its required documents or attached to
    the referral. The page, the API and the list's filter read it."""
    answered = Document.objects.filter(
        file_owners_q(
            household_id=OuterRef("referral__household_id"),
            complaint_id=OuterRef("referral__complaint_id"),
            referral_id=OuterRef("referral_id"),
        ),
        Q(kind__programs=OuterRef("referral__program_id")) | Q(owner_type=Document.Owner.REFERRAL),
        kind_id=OuterRef("kind_id"),
        uploaded_at__gt=OuterRef("at"),
    )
    return Q(action=ReferralEvent.Action.DOCUMENT_REQUESTED) & ~Q(Exists(answered))


def documents_asked_q() -> Q:
    """Referrals with their agency whose agency waits for a document (the list's filter)."""
    waiting = ReferralEvent.objects.filter(request_waiting_q(), referral_id=OuterRef("pk"))
    return Q(Exists(waiting), status__in=Referral.AT_AGENCY)


@dataclass(frozen=True)
class FileItem:
    kind: DocumentKind
    document: Document | None  # the newest of the kind, or None: missing


@dataclass(frozen=True)
class DocumentFile:
    """A referral's file: each required kind with its newest document, the documents
    attached to the referral of kinds not required, and the agency's requests still
    waiting for a document."""

    items: tuple[FileItem, ...]
    attached: tuple[Document, ...] = ()
    requests: tuple[ReferralEvent, ...] = field(default=())

    @property
    def required(self) -> int:
        return len(self.items)

    @property
    def present(self) -> int:
        return sum(1 for item in self.items if item.document is not None)

    @property
    def missing(self) -> list[DocumentKind]:
        return [item.kind for item in self.items if item.document is None]

    @property
    def complete(self) -> bool:
        return self.present == self.required

    @property
    def documents(self) -> list[Document]:
        return [item.document for item in self.items if item.document] + list(self.attached)

    def holds(self, kind_id: int) -> bool:
        """Whether a document of the kind is in the file."""
        return any(document.kind_id == kind_id for document in self.documents)

    @property
    def required_codes(self) -> set[str]:
        return {item.kind.code for item in self.items}

    @property
    def held_codes(self) -> set[str]:
        return {document.kind.code for document in self.documents}

    def missing_names(self) -> str:
        return ", ".join(kind.name for kind in self.missing)

    def present_names(self) -> str:
        return ", ".join(item.kind.name for item in self.items if item.document)


def required_kinds_of(program_ids: Iterable[int]) -> dict[int, list[DocumentKind]]:
    """The active kinds each programme requires, by programme id, in the kinds' order."""
    program_ids = list(program_ids)
    through = Program.required_kinds.through.objects.filter(
        program_id__in=program_ids, documentkind__is_active=True
    ).select_related("documentkind")
    kinds: dict[int, list[DocumentKind]] = {pk: [] for pk in program_ids}
    for row in through.order_by("documentkind__ordering", "documentkind__code"):
        kinds[row.program_id].append(row.documentkind)
    return kinds


def _file_of(kinds: list[DocumentKind], documents: list[Document]) -> tuple[FileItem, ...]:
    newest: dict[int, Document] = {}
    for document in documents:  # newest first
        newest.setdefault(document.kind_id, document)
    return tuple(FileItem(kind, newest.get(kind.pk)) for kind in kinds)


def _newest_first(documents: QuerySet[Document]) -> list[Document]:
    return list(documents.select_related("kind").order_by("-uploaded_at", "-pk"))


def referral_file(referral: Referral) -> DocumentFile:
    """The referral's file against its programme's required kinds (three queries)."""
    kinds = required_kinds_of([referral.program_id])[referral.program_id]
    owners = file_owners_q(
        household_id=referral.household_id,
        complaint_id=referral.complaint_id,
        referral_id=referral.pk,
    )
    documents = _newest_first(
        Document.objects.filter(owners).filter(
            Q(kind__in=[kind.pk for kind in kinds])
            | Q(owner_type=Document.Owner.REFERRAL, owner_id=referral.pk)
        )
    )
    items = _file_of(kinds, documents)
    required = {kind.pk for kind in kinds}
    attached = tuple(document for document in documents if document.kind_id not in required)
    waiting = ReferralEvent.objects.filter(request_waiting_q(), referral=referral)
    return DocumentFile(
        items=items, attached=attached, requests=tuple(waiting.select_related("kind"))
    )


def complaint_files(complaint, programs: list[Program]) -> dict[int, DocumentFile]:
    """The file a referral of the complaint to each programme would carry if sent now, by
    programme id (two queries, whatever the number of programmes): what the referral form
    shows, and what sending checks."""
    kinds = required_kinds_of(program.pk for program in programs)
    wanted = {kind.pk for program_kinds in kinds.values() for kind in program_kinds}
    owners = file_owners_q(
        household_id=complaint.household_id, complaint_id=complaint.pk, referral_id=None
    )
    documents = _newest_first(Document.objects.filter(owners, kind__in=wanted)) if wanted else []
    return {program.pk: DocumentFile(items=_file_of(kinds[program.pk], documents))
            for program in programs}  # fmt: skip


def _outer_outer(name: str) -> OuterRef:
    return OuterRef(OuterRef(name))


def agency_documents_q(user: AbstractBaseUser | AnonymousUser) -> Q | None:
    """The documents an agency officer reads (a `documents.owners` reader): the files of the
    referrals with their agency now (`Referral.AT_AGENCY`) of households in their area
    (`agency_referrals_q`), as `referral_file` makes them: for each kind the programme
    requires, the newest document of that kind in the file (not the older ones, nor every
    member's), and the documents attached to the referral. Once the referral is settled,
    nothing."""
    if Role.AGENCY_OFFICER not in user_roles(user):
        return None
    open_referrals = Referral.objects.filter(
        agency_referrals_q(user), status__in=Referral.AT_AGENCY
    )
    # A document of the same kind, newer (as `_newest_first` orders them), in the same
    # referral's file: the one the file holds instead. Seen from the referral (`OuterRef`)
    # inside the document (`OuterRef(OuterRef)`).
    document = _outer_outer
    newer = Document.objects.filter(
        file_owners_q(
            household_id=OuterRef("household_id"),
            complaint_id=OuterRef("complaint_id"),
            referral_id=OuterRef("pk"),
        ),
        Q(uploaded_at__gt=document("uploaded_at"))
        | Q(uploaded_at=document("uploaded_at"), pk__gt=document("pk")),
        kind_id=document("kind_id"),
    )
    # `file_owners_q` seen from the document: a referral whose file holds it.
    files = open_referrals.filter(
        ~Exists(newer),
        household_id=OuterRef("household_id"),
        program__required_kinds=OuterRef("kind_id"),
        program__required_kinds__is_active=True,
    )
    return (
        Q(Exists(files.filter(household_id=OuterRef("owner_id"))),
          owner_type=Document.Owner.HOUSEHOLD)
        | Q(Exists(files), owner_type=Document.Owner.PERSON)
        | Q(Exists(files.filter(complaint_id=OuterRef("owner_id"))),
            owner_type=Document.Owner.COMPLAINT)
        | Q(Exists(open_referrals.filter(pk=OuterRef("owner_id"),
                                         household_id=OuterRef("household_id"))),
            owner_type=Document.Owner.REFERRAL)
    )  # fmt: skip


def agency_reads_file(user: AbstractBaseUser | AnonymousUser, referral: Referral) -> bool:
    """Whether `user`, as the officer of the agency the referral is with, reads its file
    now: the page shows its documents only then (the download applies the same rule,
    `agency_documents_q`)."""
    return (
        referral.status in Referral.AT_AGENCY
        and Referral.objects.filter(agency_referrals_q(user), pk=referral.pk).exists()
    )
