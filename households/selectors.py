"""Reads of the registry, always limited to what the acting user may see."""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_READING_ROLES, has_role
from accounts.selectors import region_scope_q, scope_code_of
from households.models import Household, Person, PersonTransfer, RegistryImport
from households.names import normalize_name
from households.registry_codes import Relationship
from regions.models import Region, within_q
from regions.selectors import region_in_area

MAX_QUERY_LENGTH = 150
MAX_QUERY_WORDS = 8
SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")  # use with fullmatch


def households_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Household]:
    """Households the user may see: those whose village lies in the user's scope.

    The registry's roles and facilitators read them (what each may change is a permission
    its pages and services check); users without such a role (agency officers, village
    operators) or without a scope see none.
    """
    if not has_role(user, *REGISTRY_READING_ROLES):
        return Household.objects.none()
    return Household.objects.filter(region_scope_q(user, "region"))


def persons_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Person]:
    """Members of the households the user may see."""
    if not has_role(user, *REGISTRY_READING_ROLES):
        return Person.objects.none()
    return Person.objects.filter(region_scope_q(user, "household__region"))


def household_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> Household:
    """One household the user may see, with its members and region, or 404: out-of-scope
    households do not exist."""
    return get_object_or_404(
        households_in_scope(user)
        .select_related("region__parent__parent")
        .prefetch_related(Prefetch("members", queryset=Person.objects.all())),
        pk=pk,
    )


@dataclass
class SearchResult:
    """What the search box found: `kind` is `nik`, `kk` or `name`; `persons` best first."""

    query: str
    kind: str
    persons: list[Person] = field(default_factory=list)

    @property
    def is_identifier(self) -> bool:
        return self.kind in ("nik", "kk")


def registry_search(
    user: AbstractBaseUser | AnonymousUser, query: str, *, limit: int = 25
) -> SearchResult:
    """The front office's one search box, within the user's scope.

    Sixteen digits find exactly: the person with that NIK, or the members of the household
    with that KK number. Anything else is a name, matched fuzzily (misspellings, missing
    words) and ranked best first: by trigram similarity on PostgreSQL, by a slower ranking
    of a narrowed candidate list elsewhere.
    """
    query = query.strip()[:MAX_QUERY_LENGTH]
    persons = (
        persons_in_scope(user)
        .select_related("household__region__parent")
        .prefetch_related(Prefetch("household__members", queryset=_heads()))
    )
    digits = re.sub(r"[\s.-]", "", query)
    if SIXTEEN_DIGITS.fullmatch(digits):
        by_nik = list(persons.filter(nik=digits)[:1])
        if by_nik:
            return SearchResult(query, "nik", by_nik)
        return SearchResult(query, "kk", list(persons.filter(household__kk_number=digits)))

    name = normalize_name(query)
    if len(name) < 3:
        return SearchResult(query, "name")
    if connection.vendor == "postgresql":
        found = _rank_names_with_trigrams(persons, name, limit)
    else:
        found = _rank_names_in_python(persons, name, limit)
    return SearchResult(query, "name", found)


def _rank_names_with_trigrams(persons: QuerySet[Person], name: str, limit: int) -> list[Person]:
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    return list(
        persons.filter(name_normalized__trigram_word_similar=name)
        .annotate(
            word_similarity=TrigramWordSimilarity(name, "name_normalized"),
            similarity=TrigramSimilarity("name_normalized", name),
        )
        .order_by("-word_similarity", "-similarity", "name_normalized")[:limit]
    )


def _rank_names_in_python(persons: QuerySet[Person], name: str, limit: int) -> list[Person]:
    # Candidates share the first three letters of some word with the query; rank by
    # similarity of the whole name. Good enough for a demo database of thousands.
    words = [word[:3] for word in name.split() if len(word) >= 3][:MAX_QUERY_WORDS]
    narrow = Q()
    for start in words:
        narrow |= Q(name_normalized__contains=start)
    candidates = list(persons.filter(narrow)[:2000])

    def score(person: Person) -> float:
        whole = difflib.SequenceMatcher(None, name, person.name_normalized).ratio()
        best_word = max(
            difflib.SequenceMatcher(None, name, word).ratio()
            for word in [person.name_normalized, *person.name_normalized.split()]
        )
        return max(whole, best_word)

    ranked = sorted(((score(p), p) for p in candidates), key=lambda pair: -pair[0])
    return [person for similarity, person in ranked if similarity >= 0.6][:limit]


def name_like_q(name: str, field: str = "name_normalized") -> Q:
    """Rows whose `field` holds a name like `name` (normalised with `normalize_name`): one of
    its words or runs of words close to it by trigram on PostgreSQL (misspellings too,
    through the trigram index), containing it elsewhere. What lists filter by name; the
    registry search ranks as well (`registry_search`)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__trigram_word_similar": name})
    return Q(**{f"{field}__icontains": name})


def households_headed_by(name: str) -> QuerySet[Person]:
    """The ids (`household_id`) of the households whose head is named like `name`
    (normalised), to narrow a list already limited to a user's scope: alone it is no read."""
    return Person.objects.filter(name_like_q(name), relationship=Relationship.HEAD).values(
        "household_id"
    )


def household_list_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Household]:
    """Households in scope with what the list shows (the village, its district and the
    head's name), newest first."""
    return (
        households_in_scope(user)
        .select_related("region__parent")
        .prefetch_related(Prefetch("members", queryset=_heads()))
    )


def _heads() -> QuerySet[Person]:
    """To prefetch as a household's `members` where a list shows only the head's name:
    `Household.head` finds it there."""
    return Person.objects.filter(relationship=Relationship.HEAD)


def regions_for(user: AbstractBaseUser | AnonymousUser, level: int) -> QuerySet[Region]:
    """The regions at `level` that lists and reports offer the user: those within their
    area, or the one their area lies in (a village user's district)."""
    scope = scope_code_of(user)
    if scope is None:
        return Region.objects.none()
    return Region.objects.within_or_above(scope).filter(level=level).order_by("code")


def districts_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """The districts (kecamatan) lists filter by."""
    return regions_for(user, Region.Level.DISTRICT)


def region_in_scope(user: AbstractBaseUser | AnonymousUser, code: str) -> Region | None:
    """The region with `code` if it lies inside the user's scope, else None."""
    return region_in_area(scope_code_of(user), code)


# --- Possible duplicates ------------------------------------------------------------------------

# Names at least this similar, with the same birth date, are listed for review.
TRIGRAM_SIMILAR = 0.6  # pg_trgm similarity(), on PostgreSQL
SEQUENCE_SIMILAR = 0.88  # difflib ratio, elsewhere (the demo on SQLite)


@dataclass(frozen=True)
class DuplicatePair:
    first: Person
    second: Person
    same_name: bool


def possible_duplicates(
    user: AbstractBaseUser | AnonymousUser, *, limit: int = 200
) -> list[DuplicatePair]:
    """People in two different households of the user's scope with the same birth date and
    the same or a very similar normalised name, not yet dismissed; exact names first."""
    try:
        scoped_sql, scoped_params = persons_in_scope(user).values("id").query.sql_with_params()
    except EmptyResultSet:  # no role or no scope: nothing to compare
        return []
    similarity = (
        "similarity(a.name_normalized, b.name_normalized)"
        if connection.vendor == "postgresql"
        else "CASE WHEN a.name_normalized = b.name_normalized THEN 1 ELSE 0 END"
    )
    on_postgresql = connection.vendor == "postgresql"
    threshold = TRIGRAM_SIMILAR if on_postgresql else 0
    # Elsewhere every same-birth-date pair comes back and is compared below, so no limit
    # may cut it first (fine at a demo's size).
    row_limit = limit if on_postgresql else -1
    sql = f"""
        SELECT a.id, b.id, a.name_normalized = b.name_normalized AS same_name
        FROM households_person a
        JOIN households_person b
          ON b.birth_date = a.birth_date AND b.id > a.id AND b.household_id <> a.household_id
        WHERE a.id IN ({scoped_sql}) AND b.id IN ({scoped_sql})
          AND (a.name_normalized = b.name_normalized OR {similarity} >= %s)
          AND NOT EXISTS (
            SELECT 1 FROM households_duplicatedismissal d
            WHERE d.first_id = a.id AND d.second_id = b.id)
        ORDER BY same_name DESC, {similarity} DESC, a.id
        LIMIT %s
    """  # noqa: S608 — the interpolated parts are this module's own SQL, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*scoped_params, *scoped_params, threshold, row_limit])
        rows = cursor.fetchall()
    people = Person.objects.select_related("household__region").in_bulk(
        {pk for row in rows for pk in row[:2]}
    )
    pairs = []
    for first_id, second_id, same_name in rows:
        first, second = people[first_id], people[second_id]
        if not same_name and not on_postgresql:
            ratio = difflib.SequenceMatcher(
                None, first.name_normalized, second.name_normalized
            ).ratio()
            if ratio < SEQUENCE_SIMILAR:
                continue
        pairs.append(DuplicatePair(first, second, bool(same_name)))
    return pairs[:limit]


def duplicate_pair_for(
    user: AbstractBaseUser | AnonymousUser, first_id: int, second_id: int
) -> tuple[Person, Person]:
    """Two persons the user may see, in two households, or 404."""
    if first_id == second_id:
        raise Http404
    persons = persons_in_scope(user).select_related("household__region__parent")
    first = get_object_or_404(persons, pk=first_id)
    second = get_object_or_404(persons, pk=second_id)
    if first.household_id == second.household_id:
        raise Http404
    return first, second


def registry_imports_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[RegistryImport]:
    """The registry imports into areas inside the user's scope, newest first."""
    return RegistryImport.objects.filter(region_scope_q(user, "area")).select_related(
        "area", "requested_by"
    )


def registry_import_get_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> RegistryImport:
    """One registry import inside the user's scope, or 404."""
    return get_object_or_404(registry_imports_for(user), pk=pk)


# --- People and households that change (`households.lifecycle`) ---------------------------------


def household_events_of(household: Household):
    """The household's history of changes, oldest first, with who made them."""
    return household.events.select_related("actor", "person")


def member_get_for(user: AbstractBaseUser | AnonymousUser, household_pk: int, pk: int) -> Person:
    """One member of a household the user may see, or 404."""
    return get_object_or_404(
        persons_in_scope(user).select_related("household__region"),
        household_id=household_pk,
        pk=pk,
    )


def person_for_transfer(actor: AbstractBaseUser, nik: str) -> Person | None:
    """The person with `nik`, wherever they are registered, for a transfer into the actor's
    area; the look-up goes to the access log, since it tells whether a NIK exists. The page
    shows only the name, never where the person lives."""
    from accounts.models import AccessLog
    from accounts.services import access_record

    found = Person.objects.filter(nik=nik).select_related("household").first()
    access_record(
        actor=actor, action=AccessLog.Action.SEARCH, what="transfer",
        household_id=found.household_id if found else None, query=nik, rows=int(bool(found)),
    )  # fmt: skip
    return found


def transfer_approver_q(user: AbstractBaseUser | AnonymousUser) -> Q:
    """Transfers whose two households both lie inside `user`'s area: those they decide."""
    scope = scope_code_of(user)
    if scope is None:
        return Q(pk__in=[])
    return within_q(scope, "from_household__region") & within_q(scope, "to_household__region")


def transfers_for_approval(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PersonTransfer]:
    """Transfers a supervisor decides: both households in their area; waiting ones first."""
    if not user.has_perm("households.approve_transfer"):
        return PersonTransfer.objects.none()
    waiting_first = Case(When(status="pending", then=Value(0)), default=Value(1))
    return (
        PersonTransfer.objects.filter(transfer_approver_q(user))
        .select_related("person", "from_household__region", "to_household__region", "requested_by")
        .order_by(waiting_first, "-requested_at", "-pk")
    )


def transfer_get_for(user: AbstractBaseUser | AnonymousUser, pk: int):
    """One transfer the user decides, or 404."""
    return get_object_or_404(transfers_for_approval(user), pk=pk)


def transfers_into(household: Household) -> QuerySet[PersonTransfer]:
    """The transfers asked into a household (its page lists them; the household is one the
    user sees, from `household_get_for`)."""
    return PersonTransfer.objects.filter(to_household=household).select_related("person")
