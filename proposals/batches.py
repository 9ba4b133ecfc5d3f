"""The monthly batches: which batch a submitted proposal joins, and the batch's own moves
(approval by the head of office, sending), each taking every proposal of it along."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.calendar import batch_month, cycle_for
from proposals.models import Proposal, ProposalBatch, ProposalEvent
from regions.models import Region

# The document kinds that carry a batch's minutes: the village meeting's berita acara, or
# the SPTJM where no meeting was held.
MINUTES_KINDS = ("berita_acara", "sptjm")


def batch_for(region: Region, day: datetime.date) -> ProposalBatch:
    """The batch of village `region` that a proposal submitted on `day` (the village's own
    date) joins: this month's until the cut-off day, next month's after it; and when that
    batch is approved or sent already, the next month's still open.

    Called inside the submission's transaction: each batch read is locked, so that a
    proposal never joins a batch an approval is committing meanwhile (the approval, which
    locks the batch first, waits for the submission and finds the proposal unverified, or
    the submission waits for the approval and joins the next month's)."""
    month = batch_month(cycle_for(region.code), day)
    while True:
        ProposalBatch.objects.get_or_create(region=region, month=month)
        batch = ProposalBatch.objects.select_for_update().get(region=region, month=month)
        if batch.status == ProposalBatch.Status.OPEN:
            return batch
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def batch_minutes(batch: ProposalBatch):
    """The berita acara and SPTJM documents attached to `batch`, newest first."""
    from documents.models import Document

    return Document.objects.filter(
        owner_type=Document.Owner.BATCH, owner_id=batch.pk, kind__code__in=MINUTES_KINDS
    ).select_related("kind")


# The proposals an open batch holds: those submitted or verified. A returned proposal, one
# given up or one still a draft is not in it (a returned one joins a batch again when it is
# submitted again); approval and sending let such leftovers go, so that an approved or sent
# batch holds exactly the proposals it took along.
OPEN_HOLDS = (Proposal.Status.SUBMITTED, Proposal.Status.VERIFIED)


def batch_proposals(batch: ProposalBatch) -> QuerySet[Proposal]:
    """The proposals `batch` holds (see OPEN_HOLDS), or for a sent batch those it sent, for
    its page, the API and the BNBA."""
    if batch.status == ProposalBatch.Status.SENT:
        return batch.sent_proposals.all()
    proposals = batch.proposals.all()
    if batch.status == ProposalBatch.Status.OPEN:
        proposals = proposals.filter(status__in=OPEN_HOLDS)
    return proposals


def with_counts(batches: QuerySet[ProposalBatch]) -> QuerySet[ProposalBatch]:
    """`batches`, newest month first, with `proposal_count` (the proposals each holds)
    and `verified_count`."""
    held = ~Q(status=ProposalBatch.Status.OPEN) | Q(proposals__status__in=OPEN_HOLDS)
    sent = (
        ProposalBatch.sent_proposals.through.objects.filter(proposalbatch_id=OuterRef("pk"))
        .order_by()
        .values("proposalbatch_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return batches.annotate(
        proposal_count=Case(
            When(status=ProposalBatch.Status.SENT, then=Coalesce(Subquery(sent), 0)),
            default=Count("proposals", filter=held),
        ),
        verified_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.VERIFIED)),
    ).order_by("-month", "region_id", "pk")


def _locked_batch(batch: ProposalBatch) -> ProposalBatch:
    return (
        ProposalBatch.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=batch.pk)
    )


def _proposal_names(proposals) -> str:
    return ", ".join(f"#{proposal.pk}" for proposal in proposals)


def _let_go(current: ProposalBatch, keep: list[Proposal]) -> None:
    """The batch's proposals other than `keep` leave it (returned, given up, drafts)."""
    current.proposals.exclude(pk__in=[proposal.pk for proposal in keep]).update(batch=None)


def _prepared_by(actor: AbstractBaseUser, proposals: list[Proposal]) -> list[Proposal]:
    """The proposals of `proposals` that `actor` proposed or verified: the person who
    prepared a thing never decides it (DESIGN), so they do not approve their batch."""
    verified = set(
        ProposalEvent.objects.filter(
            proposal__in=proposals, actor=actor, to_status=Proposal.Status.VERIFIED
        ).values_list("proposal_id", flat=True)
    )
    return [p for p in proposals if p.created_by_id == actor.pk or p.pk in verified]


def batch_approve(
    *, actor: AbstractBaseUser, batch: ProposalBatch, via: str = "web"
) -> ProposalBatch:
    """Approve an open batch: its minutes attached, every proposal it holds verified, none
    of them proposed or verified by `actor`. Every one of them moves to approved with its
    event; the approver is recorded. A refusal is a ValidationError on `batch` and changes
    nothing."""
    from proposals.services import APPROVE, _check, _locked, _move

    with transaction.atomic():
        current = _locked_batch(batch)
        if not actor.has_perm(APPROVE):
            raise ValidationError({"batch": _("Your role does not approve batches.")})
        if current.status != ProposalBatch.Status.OPEN:
            raise ValidationError(
                {"batch": _("This batch is already %(status)s.")
                 % {"status": current.get_status_display()}}
            )  # fmt: skip
        proposals = [_locked(proposal) for proposal in current.proposals.order_by("pk")]
        held = [proposal for proposal in proposals if proposal.status in OPEN_HOLDS]
        errors = []
        if not batch_minutes(current).exists():
            errors.append(_("Attach the berita acara or the SPTJM of the village meeting first."))
        if not held:
            errors.append(_("This batch has no proposals."))
        unverified = [p for p in held if p.status != Proposal.Status.VERIFIED]
        if unverified:
            errors.append(
                _("Not every proposal is verified: %(proposals)s.")
                % {"proposals": _proposal_names(unverified)}
            )
        if prepared := _prepared_by(actor, held):
            errors.append(
                _("You proposed or verified %(proposals)s of this batch: another officer "
                  "approves it.") % {"proposals": _proposal_names(prepared)}
            )  # fmt: skip
        if errors:
            raise ValidationError({"batch": errors})
        _let_go(current, held)
        for proposal in held:
            _check(proposal, Proposal.Status.APPROVED)
            _move(proposal, to=Proposal.Status.APPROVED, actor=actor, via=via)
        current.status = ProposalBatch.Status.APPROVED
        current.approved_by = actor
        current.approved_at = timezone.now()
        current.save(update_fields=["status", "approved_by", "approved_at"])
    return current


def batch_mark_sent(
    *, actor: AbstractBaseUser, batch: ProposalBatch, via: str = "web"
) -> ProposalBatch:
    """Mark an approved batch as sent to the ministry: every approved proposal in it moves
    to sent with its event (one returned since the approval leaves the batch). A refusal is
    a ValidationError on `batch`, nothing changed."""
    from proposals.services import APPROVE, _check, _locked, _move

    with transaction.atomic():
        current = _locked_batch(batch)
        if not actor.has_perm(APPROVE):
            raise ValidationError({"batch": _("Your role does not send batches.")})
        if current.status != ProposalBatch.Status.APPROVED:
            raise ValidationError({"batch": _("Only an approved batch can be marked sent.")})
        proposals = [_locked(proposal) for proposal in current.proposals.order_by("pk")]
        approved = [p for p in proposals if p.status == Proposal.Status.APPROVED]
        if not approved:
            raise ValidationError({"batch": _("This batch has no proposals.")})
        _let_go(current, approved)
        for proposal in approved:
            _check(proposal, Proposal.Status.SENT)
            _move(proposal, to=Proposal.Status.SENT, actor=actor, via=via)
        current.status = ProposalBatch.Status.SENT
        current.sent_by = actor
        current.sent_at = timezone.now()
        current.save(update_fields=["status", "sent_by", "sent_at"])
        current.sent_proposals.set(approved)
    return current


def batch_countdown(region: Region, day: datetime.date | None = None) -> dict:
    """The countdown of the village's input for this month, in its own date: the month
    whose batch a proposal entered now joins, and the days left before input closes (0
    once it has: new proposals then go into next month's batch)."""
    from proposals.calendar import input_days_left
    from regions.time_zones import local_date_in

    day = day or local_date_in(region.code)
    cycle = cycle_for(region.code)
    days_left = input_days_left(cycle, day)
    return {
        "today": day,
        "days_left": days_left,
        "closed": days_left == 0,
        "joins_month": batch_month(cycle, day),
        "cycle": cycle,
    }
