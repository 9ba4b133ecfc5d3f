"""Review of the resident's messages and the satisfaction survey (issue 21): the survey's
link in the closing message is the resident's alone. The complaint's page shows what the
resident was told, but not the link's token: with it, anyone of the office who reads the
complaint could answer the survey as the resident (by the link, with no `recorded_by`),
where an answer given at the desk names who recorded it."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_close, complaint_register
from complaints.survey import survey_for
from outbox.models import Dispatch
from tests.factories import staff_user


@pytest.fixture
def closed(poor_household, catalogue, back_office, django_capture_on_commit_callbacks, settings):
    """A complaint answered at the desk and closed; its resident takes SMS."""
    settings.SITE_URL = "https://slrt.bimakota.go.id"
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_register(
            actor=staff_user(Role.FRONT_OFFICE, scope="52.72.01"), household=poor_household,
            category=ComplaintCategory.objects.get(code="informasi"), channel="walk_in",
            description="Tanya jadwal PKH.", complainant=poor_household.members.first(),
            consent_given=True, phone="+6281234567890", contact_channel="sms",
            contact_consent=True,
        )  # fmt: skip
        complaint_close(actor=back_office, complaint=complaint,
                        closure_reason="handled_directly", note="Dijawab.")  # fmt: skip
    return Complaint.objects.get(pk=complaint.pk)


def test_the_complaint_s_page_shows_the_closing_message_without_the_survey_s_token(closed, as_user):
    token = survey_for(closed).token
    closing = Dispatch.objects.get(topic="complaint", subject_id=closed.pk, kind="closed")
    assert token in closing.payload["text"]  # the resident's message carries it whole

    page = as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.01")).get(
        reverse("complaints:detail", args=[closed.pk])
    )

    body = page.content.decode()
    assert page.status_code == 200
    assert token not in body
    assert "https://slrt.bimakota.go.id/survey/…" in body
    assert closing.payload["text"].split("https://")[0] in body  # the rest as it was sent


def test_nor_does_the_person_s_data_export_the_supervisor_makes(closed, poor_household):
    from reports.subject_access import person_data_export

    token = survey_for(closed).token
    document = person_data_export(
        actor=staff_user(Role.SUPERVISOR, scope="52.72"), person=poor_household.members.first()
    )

    (listed,) = [c for c in document["complaints"] if c["ticket_number"] == closed.ticket_number]
    closing = [message for message in listed["messages"] if message["kind"] == "closed"]
    assert [message["text"].endswith("/survey/…") for message in closing] == [True]
    assert token not in str(document)
