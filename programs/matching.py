"""Which programmes fit a household's needs, and whether it qualifies for each, and why.

Takes a household and need domains, so that programmes never depend on complaints.
"""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from households.models import Household
from programs.models import Agency, Program
from programs.rules import Explanation, rule_evaluate, rule_household_fields
from programs.verdicts import explanation_summary


@dataclass
class Match:
    program: Program
    eligible: bool
    explanation: Explanation
    addresses: list[str]  # the household's need domains this programme addresses
    summary: str = ""  # the verdict in a sentence (`programs.verdicts`)
    needs_desil: bool = False  # the rule reads the desil, which comes only from the registry


def programs_matching(
    household: Household, domains: list[str], *, today: datetime.date
) -> list[Match]:
    """Active programmes of agencies serving the household's village (`Agency.serves`),
    addressing at least one of `domains`: eligible first, then those addressing more of the
    needs, then by code.

    For a household without a desil (not in the national registry yet), among the
    programmes it does not qualify for, those whose rule does not read the desil come first:
    they are the ones it may still qualify for. Its way into the registry is a proposal
    (`proposals`), not a programme."""
    prefetch_related_objects([household], "members")  # once, not once per programme
    enrolled = household.enrollments.active().program_codes()
    unregistered = household.desil is None
    matches = []
    offered = Program.objects.filter(
        Agency.serving_q(household.region_id, "agency"), is_active=True
    ).select_related("agency")
    for program in offered:
        addresses = [domain for domain in program.domains if domain in domains]
        if not addresses:
            continue
        explanation = rule_evaluate(program.rule, household, today=today, enrolled_codes=enrolled)
        matches.append(
            Match(
                program,
                explanation.met,
                explanation,
                addresses,
                summary=explanation_summary(explanation),
                needs_desil="desil" in rule_household_fields(program.rule),
            )
        )
    matches.sort(
        key=lambda m: (
            not m.eligible,
            unregistered and m.needs_desil,
            -len(m.addresses),
            m.program.code,
        )
    )
    return matches


def enrolled_programs(household: Household):
    return household.enrollments.active().select_related("program")
