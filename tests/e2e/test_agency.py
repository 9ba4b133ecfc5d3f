"""An agency answers its referrals: acknowledges one and completes it, rejects the other
with a reason."""

import pytest
from django.contrib.auth.models import User

from accounts.selectors import staff_profile_of
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
def two_referrals(demo) -> list[Referral]:
    """A complaint the back office refers to two programmes of the agency user's agency."""
    back_office = User.objects.get(username="bo")
    agency = staff_profile_of(User.objects.get(username="agency")).agency
    complaint = Complaint.objects.filter(status="registered", consent_given=True).first()
    needs = [{"domain": "health", "severity": 3, "notes": ""}]
    complaint = complaint_assess(actor=back_office, complaint=complaint, needs=needs)
    programs = list(Program.objects.filter(agency=agency, is_active=True).order_by("code")[:2])
    assert len(programs) == 2
    return referrals_create(actor=back_office, complaint=complaint, programs=programs,
                            notes="Mohon ditindaklanjuti.")  # fmt: skip


FINAL = ("completed", "rejected", "cancelled")


def answer(page, to: str, note: str = "") -> None:
    """Answer on the referral's page; a move that cannot be undone is then confirmed on
    its confirmation page, which names the referral and keeps the note."""
    form = page.locator(f"form:has(input[name=to][value={to}])")
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    if to in FINAL:
        confirm = page.locator("form:has(input[name=confirm])")
        assert "tidak dapat dibatalkan" in page.content().lower()
        assert confirm.locator("textarea[name=note]").input_value() == note
        shot(page, f"agency-confirm-{to}")
        assert_accessible(page)
        confirm.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")


def test_an_agency_acknowledges_completes_and_rejects_with_a_reason(watched, demo, two_referrals):
    page = watched
    done, refused = two_referrals
    sign_in(page, demo, "agency")

    page.goto(demo + "/referrals/")
    assert_accessible(page)
    page.locator(f"main a[href='/referrals/{done.pk}/']").first.click()
    shot(page, "agency-referral")
    assert_accessible(page)
    answer(page, "received")
    answer(page, "completed", "Kartu JAMKESDA sudah aktif kembali.")
    page.goto(f"{demo}/referrals/{refused.pk}/")
    answer(page, "rejected", "Tidak memenuhi syarat: penghasilan di atas batas.")

    done.refresh_from_db()
    refused.refresh_from_db()
    assert (done.status, refused.status) == ("completed", "rejected")
    assert refused.events.filter(note__startswith="Tidak memenuhi syarat").exists()
    assert "Tidak memenuhi syarat" in page.content()
