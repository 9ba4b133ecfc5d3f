"""The demo month of the village operator `desa` (`seed_demo`): two families of Kelurahan
Paruga that are not yet in DTSEN, proposed by the village, and a correction still in draft,
opened and moved through the same services as the pages use. Made once; a run after it
leaves them (and what was done with them) as they are."""

import datetime

from households import registry_codes as codes
from households.models import Household
from households.services import household_register
from proposals.models import Proposal
from proposals.services import proposal_open, proposal_transition

R = codes.Relationship
D = datetime.date

# Families of the demo village that the registry does not know yet (no desil, no DTKS id).
NEW_FAMILIES = [
    (
        {"kk_number": "5272011502240006", "region": "52.72.01.1001", "rt": "004", "rw": "002",
         "address": "Jl. Gatot Subroto No. 7"},
        [
            {"name": "Hasanuddin", "nik": "5272010306900005", "sex": "M",
             "relationship": R.HEAD, "birth_date": D(1990, 6, 3), "birth_place": "Bima"},
            {"name": "Nurhayati", "nik": "5272014711930006", "sex": "F",
             "relationship": R.SPOUSE, "birth_date": D(1993, 11, 7), "birth_place": "Bima"},
        ],
    ),
    (
        {"kk_number": "5272012009230007", "region": "52.72.01.1001", "rt": "001", "rw": "003",
         "address": "Gang Melati No. 2"},
        [
            {"name": "Wahidah", "nik": "5272015204650007", "sex": "F",
             "relationship": R.HEAD, "birth_date": D(1965, 4, 12), "birth_place": "Dompu"},
        ],
    ),
]  # fmt: skip


def seed_proposals(*, village_operator, front_office, household) -> list[Proposal]:
    """The demo month: both new families proposed and submitted, in the village's batch of
    the month, which waits for its berita acara (a new household is verified with a home
    visit, which the back office asks for); a correction of `household`'s walls left in
    draft."""
    mine = Proposal.objects.filter(created_by=village_operator).order_by("pk")
    if mine.exists():
        return list(mine)
    families = [
        Household.objects.filter(kk_number=values["kk_number"]).first()
        or household_register(actor=front_office, household=values, members=members)
        for values, members in NEW_FAMILIES
    ]
    first, second = (
        proposal_open(actor=village_operator, kind=Proposal.Kind.NEW_HOUSEHOLD, household=family,
                      reason=reason)
        for family, reason in zip(families, (
            "Hasil Musdesus: keluarga muda, suami buruh harian, belum terdaftar.",
            "Hasil Musdesus: janda lansia tinggal sendiri, belum terdaftar.",
        ), strict=True)
    )  # fmt: skip
    for proposal in (first, second):
        proposal_transition(actor=village_operator, proposal=proposal, to=Proposal.Status.SUBMITTED)
    walls = next(code for code in codes.WallMaterial.values if code != household.wall_material)
    draft = proposal_open(
        actor=village_operator, kind=Proposal.Kind.CORRECTION, household=household,
        changes={"wall_material": walls}, reason="Dinding rumah sudah diganti (hasil Musdesus).",
    )  # fmt: skip
    return list(Proposal.objects.filter(pk__in=[first.pk, second.pk, draft.pk]).order_by("pk"))
