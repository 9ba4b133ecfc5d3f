"""The back office finds a complaint by a name in the queue, and reads the household and a
long description on a phone: nothing hidden sideways, nothing wider than the screen."""

import pytest

from complaints.models import Complaint
from tests.e2e.conftest import PHONE, assert_accessible, shot, sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_complaint_is_found_by_name_and_read_whole_on_a_phone(watched, demo, viewport):
    page = watched
    size = "phone" if viewport else "desktop"
    if viewport:
        page.set_viewport_size(viewport)
    complaint = (
        Complaint.objects.select_related("complainant").filter(complainant__isnull=False).first()
    )
    Complaint.objects.filter(pk=complaint.pk).update(description="Keluhan:" + "x" * 1500)
    sign_in(page, demo, "bo")

    page.goto(demo + "/complaints/?tab=all")
    page.fill("input[name=q]", complaint.complainant.name)
    page.press("input[name=q]", "Enter")
    shot(page, f"lists-complaint-search-{size}")
    assert_accessible(page)
    assert page.get_by_role("link", name=complaint.ticket_number).is_visible()

    page.get_by_role("link", name=complaint.ticket_number).click()
    shot(page, f"lists-long-description-{size}")
    assert page_width(page) <= page.viewport_size["width"]

    page.goto(demo + f"/households/{complaint.household_id}/")
    shot(page, f"lists-household-members-{size}")
    assert page_width(page) <= page.viewport_size["width"]
    born = page.locator("td[data-label=Lahir]").first
    box = born.bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"]  # on screen, not sideways
