"""Every allowed and refused status change goes through one service and leaves an event."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from complaints.models import Complaint
from complaints.services import (
    CLOSURE_REASONS,
    TRANSITIONS,
    complaint_assign,
    complaint_close,
    complaint_record_consent,
    complaint_transition,
)
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
S = Complaint.Status

PATHS = {  # how to bring a fresh complaint to each status, through allowed steps
    S.REGISTERED: [],
    S.ASSESSED: [S.ASSESSED],
    S.REFERRED: [S.ASSESSED, S.REFERRED],
    S.FOLLOW_UP: [S.ASSESSED, S.REFERRED, S.FOLLOW_UP],
}


def brought_to(status, register, actor):
    complaint = register()
    for step in PATHS[status]:
        complaint = complaint_transition(actor=actor, complaint=complaint, to=step)
    return complaint


@pytest.fixture
def back_office(kota_bima):
    return staff_user(role=Role.BACK_OFFICE, scope="52.72", username="bo1")


ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets if b != S.CLOSED]
REFUSED = [(a, b) for a in PATHS for b in S.values if b not in TRANSITIONS[a] and b != a]


@pytest.mark.parametrize(("current", "to"), ALLOWED)
def test_allowed_changes_happen_and_leave_an_event(register, back_office, current, to):
    complaint = brought_to(current, register, back_office)

    changed = complaint_transition(actor=back_office, complaint=complaint, to=to, note="ok")

    assert changed.status == to
    event = changed.events.last()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        current,
        to,
        back_office,
        "ok",
    )


@pytest.mark.parametrize(("current", "to"), REFUSED)
def test_refused_changes_say_why_and_change_nothing(register, back_office, current, to):
    complaint = brought_to(current, register, back_office)
    events = complaint.events.count()

    with pytest.raises(ValidationError) as raised:
        complaint_transition(actor=back_office, complaint=complaint, to=to)

    complaint.refresh_from_db()
    assert "status" in raised.value.message_dict
    assert complaint.status == current
    assert complaint.events.count() == events


@pytest.mark.parametrize(
    ("current", "reason"),
    [(status, reason) for status, reasons in CLOSURE_REASONS.items() for reason in reasons],
)
def test_closing_with_a_fitting_reason(register, back_office, current, reason):
    complaint = brought_to(current, register, back_office)

    closed = complaint_close(
        actor=back_office, complaint=complaint, closure_reason=reason, note="n"
    )

    assert (closed.status, closed.closure_reason) == (S.CLOSED, reason)
    assert closed.closed_at is not None


@pytest.mark.parametrize(
    ("current", "reason"),
    [
        (S.REGISTERED, "served"),  # nothing was served before an assessment
        (S.REGISTERED, "not_eligible"),
        (S.FOLLOW_UP, "duplicate"),
        (S.ASSESSED, ""),
    ],
)
def test_closing_with_an_unfitting_reason_is_refused(register, back_office, current, reason):
    complaint = brought_to(current, register, back_office)

    with pytest.raises(ValidationError) as raised:
        complaint_close(actor=back_office, complaint=complaint, closure_reason=reason, note="n")

    assert "closure_reason" in raised.value.message_dict
    complaint.refresh_from_db()
    assert complaint.status == current


def test_closing_needs_a_note(register, back_office):
    with pytest.raises(ValidationError) as raised:
        complaint_close(
            actor=back_office, complaint=register(), closure_reason="handled_directly", note=" "
        )

    assert "note" in raised.value.message_dict


def test_a_closed_complaint_cannot_change_again(register, back_office):
    closed = complaint_close(
        actor=back_office, complaint=register(), closure_reason="handled_directly", note="Dijawab"
    )

    with pytest.raises(ValidationError):
        complaint_transition(actor=back_office, complaint=closed, to=S.ASSESSED)


def test_the_first_action_is_recorded_once(register, back_office):
    complaint = register()
    assert complaint.first_action_at is None

    assigned = complaint_assign(actor=back_office, complaint=complaint, assignee=back_office)
    first = assigned.first_action_at
    moved = complaint_transition(actor=back_office, complaint=assigned, to=S.ASSESSED)

    assert first is not None
    assert moved.first_action_at == first


def test_only_a_back_office_officer_of_the_area_can_be_assigned(register, back_office):
    complaint = register()
    other_area = staff_user(role=Role.BACK_OFFICE, scope="52.72.02", username="bo2")
    front = staff_user(role=Role.FRONT_OFFICE, scope="52.72", username="fo2")

    for assignee in (other_area, front):
        with pytest.raises(ValidationError) as raised:
            complaint_assign(actor=back_office, complaint=complaint, assignee=assignee)
        assert "assignee" in raised.value.message_dict


def test_consent_given_later_is_recorded_once(register, back_office):
    complaint = register(consent_given=False)

    complaint_record_consent(actor=back_office, complaint=complaint)
    again = complaint_record_consent(actor=back_office, complaint=complaint)

    assert again.consent_given
    assert again.consent_recorded_by == back_office
    assert again.events.filter(action="consent").count() == 1
