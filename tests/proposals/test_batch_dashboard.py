"""The supervisor's dashboard counts the proposals of their area by batch month, kind and
outcome, with the share the registry accepted, and nothing beyond their area."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from proposals.models import ProposalBatch
from regions.models import Region
from reports.proposal_figures import proposal_figures
from reports.selectors import Period
from tests.factories import HouseholdFactory, ProposalFactory, staff_user

VILLAGE, OTHER_DISTRICT_VILLAGE = "52.72.01.1001", "52.72.02.1008"
NOVEMBER, DECEMBER = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)
PERIOD = {"start": "2026-11-01", "end": "2026-12-31"}


def proposals_in(region, month, *statuses, kind="new_household"):
    batch, _created = ProposalBatch.objects.get_or_create(region_id=region, month=month)
    for status in statuses:
        ProposalFactory(
            household=HouseholdFactory(region_id=region), kind=kind, status=status, batch=batch
        )


@pytest.fixture
def proposals(kota_bima):
    proposals_in(VILLAGE, NOVEMBER, "accepted", "accepted", "accepted", "rejected")
    proposals_in(VILLAGE, DECEMBER, "verified", "sent", kind="exit")
    proposals_in(VILLAGE, datetime.date(2026, 10, 1), "accepted")  # before the period
    ProposalFactory(household=HouseholdFactory(region_id=VILLAGE), status="draft")  # no batch
    proposals_in(OTHER_DISTRICT_VILLAGE, NOVEMBER, "rejected", "rejected")


def chart(body: str, key: str) -> dict:
    found = re.search(rf'<script id="{key}-data" type="application/json">(.*?)</script>', body)
    return json.loads(found.group(1))


def test_the_dashboard_shows_the_proposals_by_month_kind_and_outcome(proposals, client):
    client.force_login(staff_user(Role.SUPERVISOR, "52.72.01"))
    page = client.get(reverse("reports:dashboard"), PERIOD)
    assert page.status_code == 200
    figures = page.context["proposal_figures"]
    assert (figures.total, figures.accepted, figures.rejected) == (6, 3, 1)
    assert figures.accepted_share == 75.0
    body = page.content.decode()
    assert "Usulan DTSEN" in body and "75,0%" in body
    by_month = {d["label"]: d["data"] for d in chart(body, "proposals-by-month")["datasets"]}
    assert by_month == {
        "Dalam proses": [0, 1],
        "Terkirim, menunggu jawaban DTSEN": [0, 1],
        "Diterima": [3, 0],
        "Ditolak": [1, 0],
        "Dikembalikan": [0, 0],
    }
    by_kind = chart(body, "proposals-by-kind")
    accepted = next(d["data"] for d in by_kind["datasets"] if d["label"] == "Diterima")
    assert accepted == [3, 0, 0, 0]


@pytest.mark.parametrize(
    "scope, expected", [("52.72.02", (2, 0, 2)), ("52.71", (0, 0, 0)), ("52.72", (8, 3, 3))]
)
def test_the_figures_keep_to_the_supervisors_area(proposals, scope, expected):
    Region.objects.get_or_create(code="52.71", defaults={"name": "Kota Mataram", "level": 2,
                                                         "parent_id": "52"})  # fmt: skip
    figures = proposal_figures(
        staff_user(Role.SUPERVISOR, scope), Period(NOVEMBER, datetime.date(2026, 12, 31))
    )
    assert (figures.total, figures.accepted, figures.rejected) == expected


def test_no_answer_yet_shows_no_share(kota_bima, client):
    proposals_in(VILLAGE, NOVEMBER, "sent")
    client.force_login(staff_user(Role.SUPERVISOR, "52.72.01"))
    page = client.get(reverse("reports:dashboard"), PERIOD)
    assert page.context["proposal_figures"].accepted_share is None
