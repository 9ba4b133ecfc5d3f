"""The verdicts of a household's reviewed home visits, on the household's page:
`{% load visit_verdicts %}{% household_visit_verdicts household %}`. A tag rather than the
household view's context, since the registry does not read the apps above it."""

from django import template

from households.models import Household
from visits.review import PERSON_STATUS_VERDICTS, visit_date, visit_verdicts_of

register = template.Library()


@register.inclusion_tag("visits/includes/household_visit_verdicts.html")
def household_visit_verdicts(household: Household) -> dict:
    visits = visit_verdicts_of(household)
    return {
        "verdicts": [
            {
                "visit": visit,
                "date": visit_date(visit),
                "asks_person_status": visit.verdict in PERSON_STATUS_VERDICTS,
            }
            for visit in visits
        ]
    }
