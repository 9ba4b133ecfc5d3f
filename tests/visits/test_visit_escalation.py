"""Visits running late: one reminder to the facilitator when due today or tomorrow, one
escalation to the supervisors covering the household once overdue, each an event, each
sent once; the queue marks overdue visits by the household's own date."""

import datetime
import io

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from visits.models import VisitEvent
from visits.selectors import is_overdue
from visits.services import visit_sla_sweep


def test_a_reminder_goes_to_the_facilitator_once(
    assigned, staff, django_capture_on_commit_callbacks
):
    day = assigned.due - datetime.timedelta(days=3)
    assert visit_sla_sweep(today=day) == {"visit_reminders": 0, "visit_escalations": 0}

    with django_capture_on_commit_callbacks(execute=True):
        first = visit_sla_sweep(today=assigned.due - datetime.timedelta(days=1))
        second = visit_sla_sweep(today=assigned.due)

    assert first == {"visit_reminders": 1, "visit_escalations": 0}
    assert second == {"visit_reminders": 0, "visit_escalations": 0}
    assert [m.to for m in mail.outbox] == [["fas@bima.example"]]
    assert f"#{assigned.pk}" in mail.outbox[0].subject
    assert assigned.events.filter(action=VisitEvent.Action.REMINDER).count() == 1


def test_an_overdue_visit_is_escalated_to_the_supervisors_once(
    assigned, staff, django_capture_on_commit_callbacks
):
    late = assigned.due + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert visit_sla_sweep(today=late)["visit_escalations"] == 1
        assert visit_sla_sweep(today=late + datetime.timedelta(days=5))["visit_escalations"] == 0

    escalation = assigned.events.get(action=VisitEvent.Action.ESCALATION)
    assert escalation.note == "kabid@bima.example"
    assert [m.to for m in mail.outbox] == [["kabid@bima.example"]]


def test_a_visit_done_in_time_is_neither_reminded_nor_escalated(assigned, staff):
    assigned.status = "cancelled"
    assigned.save()
    assert visit_sla_sweep(today=assigned.due + datetime.timedelta(days=9)) == {
        "visit_reminders": 0,
        "visit_escalations": 0,
    }


def test_the_sla_sweep_command_runs_the_visits_sweep_too(assigned):
    out = io.StringIO()
    moment = datetime.datetime.combine(assigned.due, datetime.time(3), tzinfo=datetime.UTC)
    with time_machine.travel(moment + datetime.timedelta(days=1)):
        call_command("sla_sweep", stdout=out)

    assert "0 visit reminders, 1 visit escalations" in out.getvalue()


def test_the_queue_marks_overdue_visits_in_red(assigned, staff, client):
    moment = datetime.datetime.combine(assigned.due, datetime.time(3), tzinfo=datetime.UTC)

    with time_machine.travel(moment):
        client.force_login(staff["back_office"])
        on_time = client.get(reverse("visits:queue")).content.decode()
    with time_machine.travel(moment + datetime.timedelta(days=1)):
        client.force_login(staff["back_office"])
        late = client.get(reverse("visits:queue")).content.decode()
        assert is_overdue(assigned)

    assert "table-danger" not in on_time and "table-danger" in late
