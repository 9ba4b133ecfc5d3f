"""A household registered at the desk has no desil (only the national registry gives one):
its complaint says why programmes refuse it and the way forward, the proposal to DTSEN, with
the programmes that do not need a desil listed first."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.services import complaint_assess
from programs.matching import programs_matching
from programs.rules import rule_household_fields
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 28)
HEALTH_AND_HOUSING = [{"domain": "health", "severity": 3}, {"domain": "housing", "severity": 2}]


@pytest.fixture
def back_office(catalogue):
    return staff_user(role=Role.BACK_OFFICE, scope="52.72", username="bo1")


@pytest.fixture
def assessed(register, back_office):
    return complaint_assess(actor=back_office, complaint=register(), needs=HEALTH_AND_HOUSING)


def test_the_complaint_page_says_not_in_dtsen_and_links_the_proposal(
    as_user, assessed, back_office
):
    page = as_user(back_office).get(reverse("complaints:detail", args=[assessed.pk]))

    text = page.content.decode()
    assert "Belum ada di DTSEN: desil belum tercatat." in text
    household = assessed.household_id
    assert f"{reverse('proposals:create', args=[household])}?complaint={assessed.pk}" in text
    assert "Tidak memenuhi: desil belum tercatat (syarat: desil 1–4)" in text  # PKH


def test_programmes_that_do_not_need_a_desil_come_first(household, catalogue):
    matches = programs_matching(household, ["health", "housing"], today=TODAY)

    codes = [m.program.code for m in matches]
    eligible = {m.program.code for m in matches if m.eligible}
    assert eligible == {"BAZNAS-DARURAT"}
    assert set(codes[:1]) == eligible
    refused = matches[1:]
    without_desil = [m for m in refused if "desil" not in rule_household_fields(m.program.rule)]
    assert [m.program.code for m in without_desil] == ["BSPS"]
    assert refused[0].program.code == "BSPS"


def test_a_household_in_the_registry_is_not_offered_the_proposal_unasked(household, catalogue):
    household.desil = 3
    household.save()

    matches = programs_matching(household, ["health", "housing"], today=TODAY)

    assert "DTSEN-USUL" not in {m.program.code for m in matches}
