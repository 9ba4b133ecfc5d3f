"""Which proposals, batches and objections a user may see: those of the villages in their
area, for the roles that work on them (the registry's roles, village operators, facilitators
for what they proposed). Out of those, 404."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.roles import REGISTRY_ROLES, Role, has_role
from accounts.selectors import region_scope_q
from proposals.models import Objection, Proposal, ProposalBatch

User = AbstractBaseUser | AnonymousUser

# The roles that see the proposals and objections of their area.
PROPOSAL_ROLES = REGISTRY_ROLES | {Role.VILLAGE_OPERATOR}


def proposals_for(user: User) -> QuerySet[Proposal]:
    """Proposals the user may see, with what lists show. Facilitators see the ones they
    proposed, in their area."""
    if has_role(user, *PROPOSAL_ROLES):
        visible = region_scope_q(user, "region")
    elif has_role(user, Role.FACILITATOR):
        visible = region_scope_q(user, "region") & Q(created_by_id=user.pk)
    else:
        return Proposal.objects.none()
    return Proposal.objects.filter(visible).select_related(
        "household", "person", "region", "batch", "created_by"
    )


def proposal_get_for(user: User, pk: int) -> Proposal:
    return get_object_or_404(proposals_for(user), pk=pk)


def batches_for(user: User) -> QuerySet[ProposalBatch]:
    """The monthly batches of the villages in the user's area."""
    if not has_role(user, *PROPOSAL_ROLES):
        return ProposalBatch.objects.none()
    return ProposalBatch.objects.filter(region_scope_q(user, "region")).select_related("region")


def batch_get_for(user: User, pk: int) -> ProposalBatch:
    return get_object_or_404(batches_for(user), pk=pk)


def batches_taking_minutes_for(user: User) -> QuerySet[ProposalBatch]:
    """The batches of the user's area that a berita acara or SPTJM may be attached to:
    open ones (an approved or sent batch keeps the minutes its approval read) with a
    proposal (a document is filed under one of its households)."""
    return batches_for(user).filter(
        Exists(Proposal.objects.filter(batch_id=OuterRef("pk"))),
        status=ProposalBatch.Status.OPEN,
    )


def objections_for(user: User) -> QuerySet[Objection]:
    """Objections to the households of the user's area."""
    if not has_role(user, *PROPOSAL_ROLES):
        return Objection.objects.none()
    return Objection.objects.filter(region_scope_q(user, "region")).select_related(
        "household", "region", "visit", "proposal"
    )


def proposal_documents_q(user: User) -> Q | None:
    """The documents a user who is not of the registry's roles reads: a village operator's,
    those of the village's proposals, objections and batches (the evidence it attached, the
    minutes); a facilitator's, those of the proposals they opened. The registry's roles
    read these through their area already."""
    if has_role(user, *REGISTRY_ROLES) or not has_role(user, *PROPOSAL_ROLES, Role.FACILITATOR):
        return None
    return (
        Q(owner_type="proposal", owner_id__in=proposals_for(user).values("pk"))
        | Q(owner_type="objection", owner_id__in=objections_for(user).values("pk"))
        | Q(owner_type="batch", owner_id__in=batches_for(user).values("pk"))
    )


def objection_get_for(user: User, pk: int) -> Objection:
    return get_object_or_404(objections_for(user), pk=pk)


# The follow-up of the proposals the registry has not answered: supervisors and back office.
FOLLOW_UP_ROLES = frozenset({Role.SUPERVISOR, Role.BACK_OFFICE})


def proposals_needing_follow_up_for(user: User) -> QuerySet[Proposal]:
    """Sent proposals of the user's area left unanswered for `FOLLOW_UP_CYCLES` imports,
    the longest waiting first."""
    if not has_role(user, *FOLLOW_UP_ROLES):
        return Proposal.objects.none()
    return proposals_for(user).needs_follow_up().order_by("-cycles_unanswered", "pk")
