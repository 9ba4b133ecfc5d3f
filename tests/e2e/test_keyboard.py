"""The intake form can be completed with the keyboard alone: every field is reached with Tab,
chosen with the arrow keys or typed, and the form is sent with Enter."""

import re

import pytest

from complaints.models import Complaint
from households.models import Household
from tests.e2e.conftest import sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tab_to(page, selector: str, presses: int = 80) -> None:
    """Press Tab until the focus is on `selector` (as a keyboard user moves through a page)."""
    for _ in range(presses):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_complaint_is_registered_with_the_keyboard_alone(watched, demo):
    page = watched
    household = Household.objects.filter(members__relationship="head").order_by("pk").first()
    before = Complaint.objects.filter(household=household).count()
    sign_in(page, demo, "fo")
    page.goto(f"{demo}/complaints/new/{household.pk}/")

    tab_to(page, "select[name=complainant]")
    page.keyboard.press("ArrowDown")  # the first member
    tab_to(page, "select[name=category]")
    page.keyboard.press("ArrowDown")  # the first category
    tab_to(page, "textarea[name=description]")
    page.keyboard.type("Rumah rusak setelah banjir; butuh bantuan perbaikan.")
    tab_to(page, "input[name=consent_given]")
    page.keyboard.press("Space")
    tab_to(page, "form:has(textarea[name=description]) button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/complaints/\d+/$"))
    complaint = Complaint.objects.filter(household=household).order_by("-pk").first()
    assert Complaint.objects.filter(household=household).count() == before + 1
    assert complaint.consent_given and complaint.description.startswith("Rumah rusak")
