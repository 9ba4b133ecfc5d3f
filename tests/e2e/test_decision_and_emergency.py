"""A coordinator decides the demo's PKH referral from the decision queue; a PBI-JK emergency
shows its hours left in the back office's and the supervisor's queues."""

import re

import pytest
from django.contrib.auth.models import User

from complaints.models import Complaint
from complaints.services import complaint_assess
from programs.models import Program
from referrals.models import Referral
from referrals.services import referrals_create
from tests.e2e.conftest import assert_accessible, shot, sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def pbi_emergency(demo) -> Referral:
    """The demo's emergency complaint, assessed and referred to PBI-JK by the back office."""
    back_office = User.objects.get(username="bo")
    complaint = Complaint.objects.get(urgency="emergency")
    needs = [{"domain": "health", "severity": 3, "notes": ""}]
    complaint = complaint_assess(actor=back_office, complaint=complaint, needs=needs)
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[Program.objects.get(code="PBI-JK")],
        notes="Darurat: ibu hamil tujuh bulan, KIS nonaktif.",
    )  # fmt: skip
    return referral


def test_a_coordinator_approves_the_referral_waiting_for_a_decision(watched, demo):
    page = watched
    waiting = Referral.objects.get(status="awaiting_decision")
    sign_in(page, demo, "koordinator")

    page.goto(demo + "/referrals/decisions/")
    assert_accessible(page)
    page.locator(f"main a[href='/referrals/{waiting.pk}/']").click()
    page.wait_for_load_state("networkidle")
    shot(page, "coordinator-decision")
    assert_accessible(page)
    page.locator("button[name=decision][value=approve]").click()
    page.wait_for_load_state("networkidle")

    waiting.refresh_from_db()
    assert waiting.status == "sent"
    assert waiting.decided_by.username == "koordinator"
    assert "Tidak ada rujukan yang menunggu penetapan Anda." in page.content()


def test_a_pbi_jk_emergency_shows_its_hours_left_in_the_queues(watched, demo, pbi_emergency):
    page = watched
    for username in ("bo", "supervisor"):
        sign_in(page, demo, username)
        page.goto(demo + "/referrals/")
        row = page.locator(f"main li:has(a[href='/referrals/{pbi_emergency.pk}/'])")
        assert re.search(r"darurat: sisa 2[34] jam", row.inner_text())
        shot(page, f"emergency-queue-{username}")
        assert_accessible(page)
        page.context.clear_cookies()
