"""The demo's letters (`seed_demo`): the recommendation kind given its programmes, a registry
letter drafted by `bo` and issued by `supervisor`, and the recommendation of the demo's PBI-JK
reactivation (its referral, once sent) waiting as a draft. Made once; a run after it leaves
them as they are."""

from households.models import Household
from letters.catalogue import kinds_seed
from letters.models import Letter, LetterKind
from letters.services import letter_draft, letter_issue
from programs.models import Program
from referrals.models import Referral
from referrals.selectors import referrals_for


def seed_letters(*, back_office, supervisor, households: list[Household]) -> list[Letter]:
    kinds_seed(LetterKind, Program)
    made = list(Letter.objects.filter(drafted_by=back_office).order_by("pk"))
    if made:
        return made
    holders = [
        household.members.filter(status="active").order_by("pk").first()
        for household in households
        if household.desil is not None
    ]
    holders = [person for person in holders if person is not None]
    if not holders:
        return []
    registry = letter_draft(
        actor=back_office, kind=LetterKind.objects.get(code="suket_dtsen"), person=holders[0]
    )
    reactivation = (
        referrals_for(back_office)
        .filter(program__code="PBI-JK", status__in=Referral.AT_AGENCY)
        .select_related("complaint__complainant", "household")
        .order_by("pk")
        .first()
    )
    recommendation = letter_draft(
        actor=back_office,
        kind=LetterKind.objects.get(code="rekomendasi"),
        person=(reactivation.complaint.complainant or reactivation.household.head)
        if reactivation
        else holders[-1],
        program=Program.objects.get(code="PBI-JK"),
        referral=reactivation,
    )
    return [letter_issue(actor=supervisor, letter=registry), recommendation]
