"""The monthly batches: which batch a submitted proposal joins, and the batch's own moves
(approval by the head of office, sending), each taking every proposal of it along."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.calendar import batch_month, cycle_for
from proposals.models import Proposal, ProposalBatch
from regions.models import Region

# The document kinds that carry a batch's minutes: the village meeting's berita acara, or
# the SPTJM where no meeting was held.
MINUTES_KINDS = ("berita_acara", "sptjm")


def batch_for(region: Region, day: datetime.date) -> ProposalBatch:
    """The batch of village `region` that a proposal submitted on `day` (the village's own
    date) joins: this month's until the cut-off day, next month's after it."""
    month = batch_month(cycle_for(region.code), day)
    batch, _created = ProposalBatch.objects.get_or_create(region=region, month=month)
    return batch


def batch_minutes(batch: ProposalBatch):
    """The berita acara and SPTJM documents attached to `batch`, newest first."""
    from documents.models import Document

    return Document.objects.filter(
        owner_type=Document.Owner.BATCH, owner_id=batch.pk, kind__code__in=MINUTES_KINDS
    ).select_related("kind")


def _locked_batch(batch: ProposalBatch) -> ProposalBatch:
    return (
        ProposalBatch.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=batch.pk)
    )


def _proposal_names(proposals) -> str:
    return ", ".join(f"#{proposal.pk}" for proposal in proposals)


def batch_approve(
    *, actor: AbstractBaseUser, batch: ProposalBatch, via: str = "web"
) -> ProposalBatch:
    """Approve an open batch: its minutes attached, every proposal in it verified. Every
    proposal moves to approved with its event; the approver is recorded. A refusal is a
    ValidationError on `batch` and changes nothing."""
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
        errors = []
        if not batch_minutes(current).exists():
            errors.append(_("Attach the berita acara or the SPTJM of the village meeting first."))
        if not proposals:
            errors.append(_("This batch has no proposals."))
        unverified = [p for p in proposals if p.status != Proposal.Status.VERIFIED]
        if unverified:
            errors.append(
                _("Not every proposal is verified: %(proposals)s.")
                % {"proposals": _proposal_names(unverified)}
            )
        if errors:
            raise ValidationError({"batch": errors})
        for proposal in proposals:
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
    to sent with its event. A refusal is a ValidationError on `batch`, nothing changed."""
    from proposals.services import APPROVE, _check, _locked, _move

    with transaction.atomic():
        current = _locked_batch(batch)
        if not actor.has_perm(APPROVE):
            raise ValidationError({"batch": _("Your role does not send batches.")})
        if current.status != ProposalBatch.Status.APPROVED:
            raise ValidationError({"batch": _("Only an approved batch can be marked sent.")})
        proposals = [_locked(proposal) for proposal in current.proposals.order_by("pk")]
        for proposal in proposals:
            _check(proposal, Proposal.Status.SENT)
            _move(proposal, to=Proposal.Status.SENT, actor=actor, via=via)
        current.status = ProposalBatch.Status.SENT
        current.sent_by = actor
        current.sent_at = timezone.now()
        current.save(update_fields=["status", "sent_by", "sent_at"])
    return current


def batch_membership(proposal: Proposal, to: str) -> None:
    """Keep the locked `proposal`'s batch in step with a move to `to` (called by
    `proposals.services._move`): a submitted proposal joins its village's batch of the
    month (the next month's after the cut-off day); a returned one leaves its batch."""
    from regions.time_zones import local_date_in

    if to == Proposal.Status.SUBMITTED:
        region = proposal.region
        proposal.batch = batch_for(region, local_date_in(region.code))
    elif to == Proposal.Status.RETURNED:
        proposal.batch = None


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
