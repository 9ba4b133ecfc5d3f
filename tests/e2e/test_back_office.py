"""The back office takes a complaint from its queue: assesses the needs, reads why each
programme fits, refers the household to two of them and prints the letter."""

import pytest

from complaints.models import Complaint
from referrals.models import Referral
from tests.e2e.conftest import assert_accessible, pages_in, shot, sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_complaint_is_assessed_and_referred_to_two_programmes(watched, demo):
    page = watched
    complaint = Complaint.objects.filter(status="registered", consent_given=True).first()
    sign_in(page, demo, "bo")

    page.goto(demo + "/complaints/?tab=mine")
    shot(page, "back-office-queue")
    assert_accessible(page)
    page.get_by_role("link", name=complaint.ticket_number).click()
    page.check("input[name=health__on]")
    page.select_option("select[name=health__severity]", "3")
    page.check("input[name=food__on]")
    page.select_option("select[name=food__severity]", "2")
    page.click("form[action$='/assess/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.status == "assessed"

    assert_accessible(page)
    page.get_by_role("link", name="Rujuk ke program").click()
    why = page.locator("li:has(#program-PBI-JK) details")
    why.locator("summary").click()
    assert "✓" in why.inner_text()  # the rule's lines, each met or not
    shot(page, "back-office-referral-form")
    assert_accessible(page)
    page.check("#program-PBI-JK")
    page.check("#program-JAMKESDA")
    page.fill("textarea[name=notes_PBI-JK]", "Ibu hamil tujuh bulan, KIS tidak aktif.")
    page.fill("textarea[name=notes_JAMKESDA]", "Belum ada di DTSEN; dirujuk karena darurat.")
    page.click("form:has(textarea[name=notes_JAMKESDA]) button[type=submit]")
    page.wait_for_load_state("networkidle")

    referrals = Referral.objects.filter(complaint=complaint).select_related("program")
    assert sorted(r.program.code for r in referrals) == ["JAMKESDA", "PBI-JK"]
    letter = referrals.get(program__code="PBI-JK")
    # Each programme's notes go to its own referral only.
    assert letter.notes == "Ibu hamil tujuh bulan, KIS tidak aktif."
    assert referrals.get(program__code="JAMKESDA").notes.startswith("Belum ada di DTSEN")
    page.goto(f"{demo}/referrals/{letter.pk}/letter/")
    assert complaint.ticket_number in page.content()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert pages_in(page.pdf(format="A4")) == 1, "the letter prints on one page"
