"""Enrolments for a synthetic registry (`generate_households`): most households that qualify
for a programme receive it, some do not (exclusion errors), and a few that do not qualify do
(inclusion errors), as targeting surveys find in real registries."""

import datetime
import random

from django.db.models import Q

from households.models import Household
from programs.models import Enrollment, Program
from programs.rules import rule_q, with_rule_fields

COVERAGE = 0.8  # of the qualifying households, the share enrolled
LEAKAGE = 0.03  # of the others in the poorer deciles (desil ≤ 6), the share enrolled anyway


def _depends_on_enrolments(rule) -> bool:
    return '"enrolled"' in repr(rule).replace("'", '"')


def enrolments_generate(
    *, households: Q, seed: int, today: datetime.date, source: str = "synthetic"
) -> dict[str, int]:
    """Enrol the households matching `households` in each active programme that has a rule,
    programmes whose rules read enrolments last. Returns enrolments created by code."""
    rng = random.Random(seed)  # noqa: S311 - made-up enrolments, not secrets
    programs = [p for p in Program.objects.filter(is_active=True) if p.rule != {"all": []}]
    programs.sort(key=lambda program: (_depends_on_enrolments(program.rule), program.code))
    created = {}
    for program in programs:
        scope = with_rule_fields(Household.objects.filter(households)).exclude(
            enrollments__program=program
        )
        rule = rule_q(program.rule, today=today)
        qualifying = list(scope.filter(rule).values_list("pk", flat=True).order_by("pk"))
        others = list(
            scope.exclude(rule).filter(desil__lte=6).values_list("pk", flat=True).order_by("pk")
        )
        chosen = rng.sample(qualifying, round(len(qualifying) * COVERAGE)) + rng.sample(
            others, round(len(others) * LEAKAGE)
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(household_id=pk, program=program, source=source, since=today)
                for pk in chosen
            ],
            batch_size=5000,
        )
        created[program.code] = len(chosen)
    return created
