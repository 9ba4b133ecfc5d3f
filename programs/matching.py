"""Which programmes fit a household's needs, and whether it qualifies for each, and why.

Takes a household and need domains, so that programmes never depend on complaints.
"""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from households.models import Household
from programs.models import Agency, Program
from programs.rules import Explanation, rule_evaluate


@dataclass
class Match:
    program: Program
    eligible: bool
    explanation: Explanation
    addresses: list[str]  # the household's need domains this programme addresses


def programs_matching(
    household: Household, domains: list[str], *, today: datetime.date
) -> list[Match]:
    """Active programmes of agencies serving the household's village (`Agency.serves`),
    addressing at least one of `domains`: eligible first, then those addressing more of the
    needs, then by code."""
    prefetch_related_objects([household], "members")  # once, not once per programme
    enrolled = household.enrollments.active().program_codes()
    matches = []
    offered = Program.objects.filter(
        Agency.serving_q(household.region_id, "agency"), is_active=True
    ).select_related("agency")
    for program in offered:
        addresses = [domain for domain in program.domains if domain in domains]
        if not addresses:
            continue
        explanation = rule_evaluate(program.rule, household, today=today, enrolled_codes=enrolled)
        matches.append(Match(program, explanation.met, explanation, addresses))
    matches.sort(key=lambda m: (not m.eligible, -len(m.addresses), m.program.code))
    return matches


def enrolled_programs(household: Household):
    return household.enrollments.active().select_related("program")
