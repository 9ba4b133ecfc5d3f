"""A resident, on a phone and signed in nowhere, checks the stage of the demo's complaints:
one at each stage there is, then a wrong pair of digits and a malformed one."""

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from complaints.public_status import STAGES
from tests.e2e.conftest import PHONE, answered, assert_accessible, shot, watch

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_resident_reads_each_stage_of_a_complaint_on_a_phone(browser, browser_context_args,
                                                               demo):  # fmt: skip
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = context.new_page()
    problems = watch(page, demo)
    complaints = Complaint.objects.exclude(complainant__nik=None).select_related("complainant")
    one_per_stage = {complaint.status: complaint for complaint in complaints}
    assert len(one_per_stage) >= 4, one_per_stage  # the demo has several stages

    page.goto(demo + "/accounts/login/")
    page.get_by_role("link", name="Cek pengaduan Anda").click()
    page.wait_for_url(demo + "/status/")
    assert_accessible(page)
    for status, complaint in sorted(one_per_stage.items()):
        page.fill("input[name=ticket]", complaint.ticket_number.lower())
        page.fill("input[name=last4]", complaint.complainant.nik[-4:])
        page.get_by_role("button", name="Cek").click()
        result = page.locator("section[aria-labelledby=status-title]")
        expect(result).to_contain_text(complaint.ticket_number)
        stage, next_step = STAGES[status]
        expect(result).to_contain_text(str(stage))
        expect(result).to_contain_text(str(next_step))
        expect(result).not_to_contain_text(complaint.complainant.name)
        expect(page.locator("input[name=last4]")).to_have_value("")  # not written back
        shot(page, f"resident-status-{status}-phone")
    assert_accessible(page)

    complaint = next(iter(one_per_stage.values()))
    wrong = "0000" if not complaint.complainant.nik.endswith("0000") else "1111"
    page.fill("input[name=ticket]", complaint.ticket_number)
    page.fill("input[name=last4]", wrong)
    page.get_by_role("button", name="Cek").click()
    expect(page.locator("main [role=status]")).to_contain_text("Tidak ada pengaduan")
    page.fill("input[name=last4]", "12a")
    page.get_by_role("button", name="Cek").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("angka saja")
    answered(page, 400)
    shot(page, "resident-status-refused-phone")
    context.close()
    assert problems == []
