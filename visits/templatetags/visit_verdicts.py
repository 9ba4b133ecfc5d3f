"""A household's home visits waiting for review, and the verdicts of those reviewed, on the
household's page:
`{% load visit_verdicts %}{% household_visit_verdicts household user %}` (those of the visits
the user may see). A tag rather than the
household view's context, since the registry does not read the apps above it."""

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from households.models import Household
from visits.models import Visit
from visits.review import PERSON_STATUS_VERDICTS
from visits.selectors import visit_date, visits_of_household

register = template.Library()


@register.inclusion_tag("visits/includes/household_visit_verdicts.html")
def household_visit_verdicts(household: Household, user: AbstractBaseUser | AnonymousUser) -> dict:
    return {
        "visits": [
            {
                "visit": visit,
                "date": visit_date(visit),
                "reviewed": visit.status == Visit.Status.REVIEWED,
                "asks_person_status": visit.status == Visit.Status.REVIEWED
                and visit.verdict in PERSON_STATUS_VERDICTS,
            }
            for visit in visits_of_household(user, household)
        ]
    }
