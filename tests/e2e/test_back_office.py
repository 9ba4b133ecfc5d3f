"""The back office takes a complaint from its queue: assesses the needs, reads each
programme's verdict, refers the household to two of them and prints the letter; a household
without a desil is shown the way into the registry."""

import re

import pytest
from django.contrib.auth.models import User

from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_assess, complaint_register
from referrals.models import Referral
from tests.e2e.conftest import assert_accessible, pages_in, shot, sign_in
from tests.factories import HouseholdFactory, PersonFactory

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

    # Each programme says its verdict in one sentence; the clause-by-clause tree is folded.
    pkh = page.locator("#match-PKH")
    assert pkh.locator(".verdict").inner_text() == "Memenuhi: desil 2; Nur Hasanah (hamil)"
    assert not pkh.locator("details ul").is_visible()
    pkh.locator("details summary").click()
    assert pkh.locator("details ul").is_visible()
    assert "✓ hamil" in pkh.locator("details ul").inner_text()
    for verdict in page.locator(".verdict").all_inner_texts():
        assert verdict.startswith(("Memenuhi: ", "Tidak memenuhi: ")), verdict
        assert len(verdict) <= 160, verdict
    shot(page, "back-office-verdicts")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "back-office-verdicts-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
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
    assert page.locator(".verdict").inner_text() == "Memenuhi: desil 2"  # PBI-JK, as referred
    header = page.locator("main header").inner_text()
    assert "Dinas Sosial Kota Bima" in header and letter.number in header
    assert re.search(r"/R[12]$", letter.number)
    shot(page, "back-office-referral-letter")
    assert_accessible(page)
    page.emulate_media(media="print")
    assert pages_in(page.pdf(format="A4")) == 1, "the letter prints on one page"


def test_a_household_without_a_desil_is_shown_the_proposal_to_dtsen(watched, demo):
    page = watched
    household = HouseholdFactory(region_id="52.72.01.1001", desil=None)
    head = PersonFactory(household=household, name="Ahmad Yani", relationship="head")
    complaint = complaint_register(
        actor=User.objects.get(username="fo"), household=household,
        category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="walk_in",
        description="Belum terdaftar di DTSEN; KIS tidak ada.", complainant=head,
        consent_given=True,
    )  # fmt: skip
    complaint_assess(actor=User.objects.get(username="bo"), complaint=complaint,
                     needs=[{"domain": "health", "severity": 3, "notes": ""}])  # fmt: skip
    sign_in(page, demo, "bo")

    page.goto(f"{demo}/complaints/{complaint.pk}/")
    step = page.locator("#registry-next-step")
    assert "Belum ada di DTSEN: desil belum tercatat." in step.inner_text()
    pkh = page.locator("#match-PKH .verdict").inner_text()
    assert pkh.startswith("Tidak memenuhi: desil belum tercatat (syarat: desil 1–4)")
    assert page.locator("#match-BAZNAS-DARURAT .verdict").inner_text().startswith("Memenuhi: ")
    shot(page, "back-office-no-desil")
    assert_accessible(page)
    page.locator("#registry-proposal").get_by_role("link", name="Usulkan ke DTSEN").click()
    assert page.locator("select[name=kind]").input_value() == "new_household"
