"""Every change of a letter: drafting (one or a list of people), issuing (numbered, frozen,
given its check token), revoking, discarding a draft, and issuing drafts as a batch.

One transition table, `LETTER_TRANSITIONS`; every move locks the letter, checks the table
and writes a `LetterEvent` (who, when, note) in the same transaction. Issuing needs the
`letters.issue_letter` permission (the supervisor role by default; an office may give it to
others) and four eyes: whoever drafted a letter never issues it."""

import logging
import re
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.masking import mask_identifier
from households.models import Person
from households.selectors import persons_in_scope
from letters.models import Letter, LetterBatch, LetterEvent, LetterKind
from letters.numbering import next_serial, pattern_for
from letters.rendering import letter_content, letter_page, page_digest
from letters.selectors import letters_for
from programs.models import Program
from referrals.models import Referral
from referrals.selectors import referrals_for
from regions.models import Region
from regions.time_zones import local_date_in
from slrt.constraints import constraint_violations_as_field_errors
from slrt.jobs import job_enqueue, job_fail, job_finish, job_progress, job_start
from slrt.number_patterns import number_written

logger = logging.getLogger(__name__)

Status = Letter.Status
Layout = LetterKind.Layout

DRAFT = "letters.add_letter"
ISSUE = "letters.issue_letter"

LETTER_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.ISSUED, Status.DISCARDED}),
    Status.ISSUED: frozenset({Status.REVOKED}),
    Status.REVOKED: frozenset(),  # never issued again: its number stays its own
    Status.DISCARDED: frozenset(),
}

# The most people one list of drafts may name.
DRAFTS_AT_ONCE = 200
# The most drafts one batch issues.
BATCH_AT_MOST = 500

# A check token: 32 characters of the URL-safe alphabet (192 random bits).
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")
# A NIK as pasted, once its dots and dashes are taken out: sixteen ASCII digits.
NIK_SHAPE = re.compile(r"[0-9]{16}\Z")


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --- drafting ------------------------------------------------------------------------------


def _only_issuers() -> str:
    return _("Only the head of office, or whom the office names, issues and revokes letters.")


def _refuse_unless(user: AbstractBaseUser, permission: str, field: str, message: str) -> None:
    if not user.has_perm(permission):
        raise ValidationError({field: message})


def _referral_errors(
    *,
    kind: LetterKind,
    household,
    program: Program | None,
    referral: Referral,
    letter: Letter | None = None,
) -> dict[str, str]:
    """What is wrong with naming `referral` in a letter of `kind` (empty: nothing), as it
    stands now: when drafting, and again when `letter` is issued (which is not counted as
    another live letter of the referral)."""
    if kind.layout not in LetterKind.NAMES_A_REFERRAL:
        return {"referral": _("This kind of letter names no referral.")}
    if referral.household_id != household.pk:
        return {"referral": _("The referral is of another household.")}
    if referral.status == Referral.Status.CANCELLED:
        return {"referral": _("The referral was cancelled: no letter is written for it.")}
    if referral.status in Referral.NOT_SENT:
        return {"referral": _("The referral has not been sent: its letter waits.")}
    if kind.layout == Layout.RECOMMENDATION and program and program.pk != referral.program_id:
        return {"program": _("The referral is to another programme.")}
    live = Letter.objects.filter(referral=referral, kind=kind, status__in=Letter.LIVE)
    if letter is not None:
        live = live.exclude(pk=letter.pk)
    if live.exists():
        return {"referral": _("This referral already has a letter of this kind in the register.")}
    return {}


def letter_requirements(
    *, kind: LetterKind, person: Person, program: Program | None, referral: Referral | None
) -> dict[str, str]:
    """What is missing for a letter of `kind` to `person`, field by field (empty: nothing).
    The layout decides: a referral letter needs its referral, the registry letter the
    household's desil, a recommendation its programme, offered in the household's area."""
    errors: dict[str, str] = {}
    if not kind.active:
        errors["kind"] = _("This kind of letter is no longer in use.")
        return errors
    household = person.household
    if person.status != Person.Status.ACTIVE:
        errors["person"] = _("%(name)s no longer lives in the household.") % {"name": person.name}
    if kind.layout == Layout.REGISTRY and household.desil is None:
        errors["person"] = _(
            "The household of %(name)s has no desil from the national registry (DTSEN): a "
            "registry letter cannot be written. Propose the household to DTSEN first."
        ) % {"name": person.name}
    if kind.layout == Layout.RECOMMENDATION:
        if program is None:
            errors["program"] = _("Choose the programme the letter recommends.")
        elif kind.programs.exists() and not kind.programs.filter(pk=program.pk).exists():
            errors["program"] = _("This kind of letter is not written for %(program)s.") % {
                "program": program.name
            }
        elif not program.agency.serves(household.region_id):
            # As a referral is sent: only to a programme offered in the household's area.
            errors["program"] = _("%(code)s is not offered in this household's area.") % {
                "code": program.code
            }
    elif program is not None and kind.layout != Layout.REFERRAL:
        errors["program"] = _("This kind of letter names no programme.")
    if kind.layout == Layout.REFERRAL and referral is None:
        errors["referral"] = _("A referral letter is written for a referral: choose it.")
    elif referral is not None:
        errors.update(_referral_errors(kind=kind, household=household, program=program,
                                       referral=referral))  # fmt: skip
    return errors


def letter_draft(
    *,
    actor: AbstractBaseUser,
    kind: LetterKind,
    person: Person,
    program: Program | None = None,
    referral: Referral | None = None,
    via: str = LetterEvent.Via.WEB,
) -> Letter:
    """Draft a letter of `kind` to `person` (of the actor's area). Raises ValidationError,
    field by field, when the actor may not draft or the layout's needs are not met."""
    _refuse_unless(actor, DRAFT, "kind", _("You may not draft letters."))
    if not persons_in_scope(actor).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("No such person in your area.")})
    if referral is not None and not referrals_for(actor).filter(pk=referral.pk).exists():
        raise ValidationError({"referral": _("No such referral in your area.")})
    if kind.layout == Layout.REFERRAL:
        program = None  # the referral names its programme
    elif kind.layout == Layout.RECOMMENDATION and referral is not None and program is None:
        program = referral.program  # a reactivation's recommendation is for its programme
    if errors := letter_requirements(kind=kind, person=person, program=program, referral=referral):
        raise ValidationError(errors)
    # Another drafter's letter for the same referral may be saved after the check above:
    # the register's one-live-letter rule then answers at `referral`, as the check does.
    with constraint_violations_as_field_errors(), transaction.atomic():
        letter = Letter.objects.create(
            kind=kind, person=person, household_id=person.household_id, program=program,
            referral=referral, drafted_by=actor,
        )  # fmt: skip
        LetterEvent.objects.create(letter=letter, to_status=Status.DRAFT, actor=actor, via=via)
    return letter


def persons_from_niks(actor: AbstractBaseUser, typed: str) -> list[Person]:
    """The people of the actor's area named by the NIKs typed, one a line (or separated by
    spaces or commas), in the order typed; a NIK unknown there is refused with its line."""
    typed_parts = [part for part in re.split(r"[\s,;]+", typed or "") if part]
    if len(typed_parts) > DRAFTS_AT_ONCE:
        raise ValidationError(
            {"niks": _("At most %(most)s NIKs at once.") % {"most": DRAFTS_AT_ONCE}}
        )
    # Dots and dashes are how NIKs are often written; anything else (a letter, a digit too
    # many, two NIKs run together) is no NIK, and is not read as one.
    wanted = [re.sub(r"[.-]", "", part) for part in typed_parts]
    malformed = [
        part[:20] for nik, part in zip(wanted, typed_parts, strict=True) if not NIK_SHAPE.match(nik)
    ]
    if malformed:
        raise ValidationError({"niks": _("A NIK has 16 digits: %(niks)s is not one.") % {
            "niks": ", ".join(malformed[:5])}})  # fmt: skip
    found = {
        person.nik: person
        for person in persons_in_scope(actor).filter(nik__in=wanted).select_related("household")
    }
    unknown = [mask_identifier(nik) for nik in wanted if nik not in found]
    if unknown:
        raise ValidationError({"niks": _("No person of your area has the NIK %(niks)s.") % {
            "niks": ", ".join(unknown[:5])}})  # fmt: skip
    return list(dict.fromkeys(found[nik] for nik in wanted))


def letters_draft_many(
    *,
    actor: AbstractBaseUser,
    kind: LetterKind,
    persons: Iterable[Person],
    program: Program | None = None,
    via: str = LetterEvent.Via.WEB,
) -> list[Letter]:
    """Draft one letter of `kind` to each of `persons`, all or none: a person the kind
    cannot be written for refuses the list, naming them."""
    persons = list(persons)
    if not persons:
        raise ValidationError({"persons": _("Choose at least one person.")})
    if len(persons) > DRAFTS_AT_ONCE:
        raise ValidationError(
            {"persons": _("At most %(most)s people at once.") % {"most": DRAFTS_AT_ONCE}}
        )
    if kind.layout == Layout.REFERRAL:
        raise ValidationError({"kind": _("A referral letter is drafted from its referral.")})
    with transaction.atomic():
        return [
            letter_draft(actor=actor, kind=kind, person=person, program=program, via=via)
            for person in persons
        ]


# --- moves ---------------------------------------------------------------------------------


def _locked(letter: Letter, actor: AbstractBaseUser) -> Letter:
    """The letter, locked, if it is of the actor's area (a batch's worker moves letters in its
    requester's name: their area is checked at each move, not only when they asked)."""
    letter = (
        letters_for(actor)
        .select_for_update(of=("self",))
        .select_related(None)  # what lists show; a move reads what follows
        .select_related(
            "kind",
            "person",
            "household__region__parent__parent",
            "program__agency",
            "referral__program",
            "referral__agency",
            "referral__complaint",
        )
        .filter(pk=letter.pk)
        .first()
    )
    if letter is None:
        raise ValidationError({"status": _("No such letter in your area.")})
    return letter


def _check_move(letter: Letter, to: str) -> None:
    if to not in LETTER_TRANSITIONS[letter.status]:
        messages = {
            (Status.ISSUED, Status.ISSUED): _("This letter is issued already, as %(number)s."),
            (Status.REVOKED, Status.ISSUED): _(
                "This letter was revoked: it is never issued again. Draft a new one."
            ),
            (Status.REVOKED, Status.REVOKED): _("This letter is revoked already."),
            (Status.DRAFT, Status.REVOKED): _("A draft is not revoked: discard it."),
            (Status.ISSUED, Status.DISCARDED): _("An issued letter is not discarded: revoke it."),
        }
        message = messages.get(
            (letter.status, to), _("A %(status)s letter cannot be %(to)s.")
        ) % {"number": letter.number, "status": letter.get_status_display(),
             "to": Status(to).label}  # fmt: skip
        raise ValidationError({"status": message})


def _event(letter: Letter, to: str, actor, note: str, via: str, from_status: str) -> None:
    LetterEvent.objects.create(
        letter=letter, from_status=from_status, to_status=to, actor=actor, note=note, via=via
    )


def letter_issue(
    *, actor: AbstractBaseUser, letter: Letter, via: str = LetterEvent.Via.WEB
) -> Letter:
    """Issue a draft: the next number of its office (the regency or city of the holder's
    household) and year, a check token, and its content and page frozen with the page's
    SHA-256. Refused, field by field and changing nothing: without the permission, by the
    letter's own drafter, twice, after revoking, when the holder has left the household since
    the draft, or when the layout's needs are no longer met."""
    _refuse_unless(actor, ISSUE, "status", _only_issuers())
    with transaction.atomic():
        letter = _locked(letter, actor)
        _check_move(letter, Status.ISSUED)
        if letter.drafted_by_id == actor.pk:
            raise ValidationError(
                {"status": _("You drafted this letter: another officer issues it (four eyes).")}
            )
        errors = {}
        if letter.person.household_id != letter.household_id:
            # Moved since the draft (a transfer, a split, a merge): the letter would certify
            # a household, and be numbered by an office, that are no longer the holder's.
            errors = {"person": _("%(name)s no longer lives in the household.") % {
                "name": letter.person.name}}  # fmt: skip
        else:
            errors = letter_requirements(
                kind=letter.kind, person=letter.person, program=letter.program, referral=None
            )
            # A referral letter's referral is checked below, as it stands now.
            errors.pop("referral", None)
        if letter.referral_id and not errors:
            errors = _referral_errors(
                kind=letter.kind, household=letter.household, program=letter.program,
                referral=letter.referral, letter=letter,
            )  # fmt: skip
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        village = letter.household.region_id
        office_region = Region.code_at(village, Region.Level.REGENCY)
        issued_on = local_date_in(village, now)
        serial = next_serial(office_region=office_region, year=issued_on.year)
        number = number_written(
            pattern_for(village), n=serial, year=issued_on.year, office=office_region
        )
        token = new_token()
        content = letter_content(letter, number=number, date=issued_on, issued_by=actor)
        page = letter_page(content, token=token)
        from_status = letter.status
        letter.status = Status.ISSUED
        letter.office_region_id, letter.year, letter.serial = office_region, issued_on.year, serial
        letter.number, letter.token = number, token
        letter.issued_by, letter.issued_at, letter.issued_on = actor, now, issued_on
        letter.content, letter.page, letter.page_sha256 = content, page, page_digest(page)
        try:
            with transaction.atomic():
                letter.save()
        except IntegrityError:
            # Only two offices of one regency whose patterns write one number for two serials
            # get here: nothing is issued (the serial goes back with the transaction).
            raise ValidationError(
                {"status": _("The office's pattern wrote %(number)s, which another letter of "
                             "the office has: an administrator corrects the pattern.")
                 % {"number": number}}
            ) from None  # fmt: skip
        _event(letter, Status.ISSUED, actor, number, via, from_status)
    return letter


def letter_revoke(
    *, actor: AbstractBaseUser, letter: Letter, reason: str, via: str = LetterEvent.Via.WEB
) -> Letter:
    """Revoke an issued letter, with a reason (required). It keeps its number, which is never
    given again, and its page; its public check says revoked from now on."""
    _refuse_unless(actor, ISSUE, "status", _only_issuers())
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the letter is revoked.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("At most 500 characters.")})
    with transaction.atomic():
        letter = _locked(letter, actor)
        _check_move(letter, Status.REVOKED)
        from_status = letter.status
        letter.status = Status.REVOKED
        letter.revoked_by, letter.revoked_at, letter.revoke_reason = actor, timezone.now(), reason
        letter.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
        _event(letter, Status.REVOKED, actor, reason, via, from_status)
    return letter


def letter_discard(
    *, actor: AbstractBaseUser, letter: Letter, note: str = "", via: str = LetterEvent.Via.WEB
) -> Letter:
    """Discard a draft (it never had a number)."""
    _refuse_unless(actor, DRAFT, "status", _("You may not discard letters."))
    with transaction.atomic():
        letter = _locked(letter, actor)
        _check_move(letter, Status.DISCARDED)
        from_status = letter.status
        letter.status = Status.DISCARDED
        letter.save(update_fields=["status"])
        _event(letter, Status.DISCARDED, actor, (note or "").strip()[:500], via, from_status)
    return letter


# --- batches -------------------------------------------------------------------------------


def letter_batch_request(*, actor: AbstractBaseUser, letters: Iterable[Letter]) -> LetterBatch:
    """Ask for drafts to be issued together, as a background job. Refused when the actor may
    not issue, or when a letter chosen is not a draft or is the actor's own."""
    _refuse_unless(actor, ISSUE, "letters", _only_issuers())
    letters = list(letters)
    if not letters:
        raise ValidationError({"letters": _("Choose the drafts to issue.")})
    if len(letters) > BATCH_AT_MOST:
        raise ValidationError(
            {"letters": _("At most %(most)s letters at once.") % {"most": BATCH_AT_MOST}}
        )
    not_drafts = [letter for letter in letters if letter.status != Status.DRAFT]
    if not_drafts:
        raise ValidationError({"letters": _("Only drafts are issued: %(letters)s is not one.") % {
            "letters": ", ".join(str(letter) for letter in not_drafts[:5])}})  # fmt: skip
    own = [letter for letter in letters if letter.drafted_by_id == actor.pk]
    if own:
        raise ValidationError({"letters": _(
            "You drafted %(count)s of these letters: another officer issues them (four eyes)."
        ) % {"count": len(own)}})  # fmt: skip
    with transaction.atomic():
        batch = LetterBatch.objects.create(requested_by=actor, progress_total=len(letters))
        batch.letters.set(letters)
        job_enqueue(batch)
    return batch


def letter_batch_execute(batch_id: int) -> None:
    """Issue the batch's drafts one by one (each in its own transaction), writing progress;
    a draft refused (issued meanwhile, say) is noted and the others go on."""
    batch = job_start(LetterBatch, batch_id, issued_count=0, refused=[])
    if batch is None:
        return  # delivered twice, or not queued: someone else has it
    try:
        letters = list(batch.letters.order_by("pk"))
        refused = []
        issued = 0
        for done, letter in enumerate(letters, 1):
            try:
                letter_issue(actor=batch.requested_by, letter=letter, via=LetterEvent.Via.SYSTEM)
            except ValidationError as error:
                refused.append({"letter": letter.pk, "message": " ".join(error.messages)})
            else:
                issued += 1
            job_progress(batch, done=done, total=len(letters), issued_count=issued)
    except Exception:
        logger.exception("letter batch %s failed", batch_id)
        job_fail(
            batch, _("Issuing stopped before the end. Run it again: letters issued stay issued.")
        )
    else:
        job_finish(batch, issued_count=issued, refused=refused)


# --- the reactivation's recommendation --------------------------------------------------------


def recommendation_of(referral: Referral) -> Letter | None:
    """The live (drafted or issued) recommendation written for `referral`, or None."""
    return (
        Letter.objects.filter(
            referral=referral, kind__layout=Layout.RECOMMENDATION, status__in=Letter.LIVE
        )
        .order_by("-drafted_at", "-pk")
        .first()
    )


def recommendation_missing(referral: Referral) -> str:
    """What the upload of a PBI-JK reactivation lacks from the register: the Dinas Sosial's
    recommendation issued for the referral (`referrals.services.REACTIVATION_NEEDS`)."""
    letter = recommendation_of(referral)
    if letter is not None and letter.status == Status.ISSUED:
        return ""
    if letter is not None:
        return _(
            "The Dinas Sosial's recommendation for this referral is still a draft: the head "
            "of office issues it first."
        )
    return _(
        "Issue the Dinas Sosial's recommendation (surat rekomendasi) for this referral from "
        "the letter register first."
    )
