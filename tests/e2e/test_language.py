"""Staff read Indonesian first and may switch to English, and back, from the menu."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_language_switches_to_english_and_back(watched, demo):
    page = watched
    sign_in(page, demo, "fo")
    page.goto(demo + "/households/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", name="Rumah tangga").count() == 1

    page.locator(".navbar .dropdown-toggle").last.click()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Households").count() == 1
    assert page.url.endswith("/households/")  # the same page, in the other language

    page.locator(".navbar .dropdown-toggle").last.click()
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "id"
