"""A resident answers the satisfaction survey of a closed complaint by its link, on a phone
and signed in nowhere; the supervisor's monthly report then shows the month's index (IKM)
and its grade."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from complaints.models import Complaint, SatisfactionSurvey
from complaints.survey import ELEMENTS, survey_url
from tests.e2e.conftest import PHONE, assert_accessible, shot, sign_in, watch

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_resident_answers_the_survey_on_a_phone_and_the_report_shows_the_index(
    browser, browser_context_args, demo
):
    complaint = Complaint.objects.filter(status="closed").select_related("household").first()
    link = survey_url(complaint).replace(settings.SITE_URL, demo)
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = context.new_page()
    problems = watch(page, demo)

    page.goto(link)
    expect(page.get_by_role("heading", name="Survei kepuasan")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(complaint.ticket_number)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    for element in ELEMENTS:
        question = page.locator("fieldset.survey-question", has_text=str(element.code))
        question.get_by_label(str(element.answers[3]), exact=True).check()
    page.fill("textarea[name=suggestion]", "Petugas sangat membantu.")
    shot(page, "resident-survey-phone")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("main [role=status]")).to_contain_text("Terima kasih")
    survey = SatisfactionSurvey.objects.get(complaint=complaint)
    assert survey.scores() == [4] * 9 and survey.answered_via == "link"

    page.goto(link)  # once only: the link now answers as any unusable one
    expect(page.locator("main [role=status]")).to_contain_text("tidak dapat digunakan")
    context.close()
    assert problems == []

    office = browser.new_context(**browser_context_args).new_page()
    problems = watch(office, demo)
    sign_in(office, demo, "supervisor")
    office.goto(demo + "/reports/monthly/")
    report = office.locator("main.report")
    expect(report).to_contain_text("Indeks Kepuasan Masyarakat (IKM, PermenPANRB 14/2017)")
    expect(report).to_contain_text("100,00")
    expect(report).to_contain_text("A (Sangat Baik)")
    expect(report).to_contain_text("U9 Sarana dan prasarana")
    expect(report).not_to_contain_text("Petugas sangat membantu.")  # the suggestion stays
    shot(office, "supervisor-monthly-ikm")
    assert problems == []
