"""The dashboard's "Usulan DTSEN": the proposals of the supervisor's area by the month of
their batch, by kind and by outcome, and the share the registry accepted. One function,
`proposal_figures`, read from `proposals.selectors.proposals_for` like every count here."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from proposals.models import Proposal
from proposals.selectors import proposals_for
from regions.models import Region, within_q
from reports.selectors import Chart, Period

Status = Proposal.Status

# The outcomes shown, each the statuses it gathers. Drafts have no batch yet.
OUTCOMES = [
    ("in_progress", (Status.SUBMITTED, Status.VERIFIED, Status.APPROVED)),
    ("sent", (Status.SENT,)),
    ("accepted", (Status.ACCEPTED,)),
    ("rejected", (Status.REJECTED,)),
    ("returned", (Status.RETURNED,)),
]


def _outcome_labels() -> dict[str, str]:
    return {
        "in_progress": _("In progress"),
        "sent": _("Sent, awaiting the registry"),
        "accepted": _("Accepted"),
        "rejected": _("Rejected"),
        "returned": _("Returned"),
    }


OUTCOME_OF = {status: key for key, statuses in OUTCOMES for status in statuses}


@dataclass
class ProposalFigures:
    total: int
    accepted: int
    rejected: int
    charts: list[Chart] = field(default_factory=list)

    @property
    def accepted_share(self) -> float | None:
        """Accepted proposals as a share of those the registry answered (accepted or
        rejected), 0–100; None while it has answered none."""
        answered = self.accepted + self.rejected
        return round(100 * self.accepted / answered, 1) if answered else None


def proposal_figures(
    user: AbstractBaseUser, period: Period, *, area: Region | None = None
) -> ProposalFigures:
    """The proposals of the user's area (or `area` within it) whose batch is of a month
    the period touches, counted by month, kind and outcome."""
    months = period.months()
    proposals = proposals_for(user).filter(batch__month__in=months)
    if area is not None:
        proposals = proposals.filter(within_q(area.code, "region"))
    counts: dict[tuple[datetime.date, str, str], int] = {}
    for row in (
        proposals.values("batch__month", "kind", "status").annotate(n=Count("pk")).order_by()
    ):
        if (outcome := OUTCOME_OF.get(row["status"])) is not None:
            key = (row["batch__month"], row["kind"], outcome)
            counts[key] = counts.get(key, 0) + row["n"]

    def total(*, month=None, kind=None, outcome=None) -> int:
        return sum(
            n for (m, k, o), n in counts.items()
            if month in (None, m) and kind in (None, k) and outcome in (None, o)
        )  # fmt: skip

    labels = _outcome_labels()
    kinds = list(Proposal.Kind)
    return ProposalFigures(
        total=total(),
        accepted=total(outcome="accepted"),
        rejected=total(outcome="rejected"),
        charts=[
            Chart(
                key="proposals-by-month",
                title=_("DTSEN proposals by batch month and outcome"),
                kind="stacked",
                heading=_("Month"),
                labels=[formats.date_format(month, "M Y") for month in months],
                datasets=[
                    (labels[key], [total(month=month, outcome=key) for month in months])
                    for key, _statuses in OUTCOMES
                ],
            ),
            Chart(
                key="proposals-by-kind",
                title=_("DTSEN proposals by kind and outcome"),
                kind="stacked",
                heading=_("Kind"),
                labels=[str(kind.label) for kind in kinds],
                datasets=[
                    (labels[key], [total(kind=kind.value, outcome=key) for kind in kinds])
                    for key, _statuses in OUTCOMES
                ],
                sideways=True,
            ),
        ],
    )
