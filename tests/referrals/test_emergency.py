"""The emergency lane: a referral of an emergency complaint is due in the programme's hours
(24 for PBI-JK), its queue shows the hours left, and the sweep reminds the agency at half
time and escalates to the supervisors once the deadline has passed, each once."""

import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint
from referrals.models import Referral
from referrals.services import emergency_sweep, referral_transition, referrals_create, sla_sweep
from tests.factories import staff_user

SENT = datetime.datetime(2026, 11, 23, 1, tzinfo=datetime.UTC)  # 09.00 WITA, Monday
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def emergency(assessed, back_office, catalogue):
    complaint = assessed()
    Complaint.objects.filter(pk=complaint.pk).update(urgency=Complaint.Urgency.EMERGENCY)
    complaint.refresh_from_db()
    with time_machine.travel(SENT, tick=False):
        (referral,) = referrals_create(
            actor=back_office, complaint=complaint, programs=[catalogue["PBI-JK"]]
        )
    return referral


@pytest.fixture
def supervisor(kota_bima):
    return staff_user(Role.SUPERVISOR, scope="52.72", email="kabid@bima.example")


def test_an_emergency_is_due_in_the_programme_s_hours(emergency):
    assert emergency.status == Referral.Status.SENT
    assert emergency.due_at == SENT + 24 * HOUR
    assert emergency.remind_at == SENT + 12 * HOUR
    assert emergency.response_due == emergency.resolution_due == datetime.date(2026, 11, 24)
    assert emergency.hours_left(SENT + 5 * HOUR) == 19
    assert emergency.hours_left(SENT + 25 * HOUR + HOUR / 2) == -2


def test_the_hours_follow_the_programme(assessed, back_office, catalogue):
    program = catalogue["BPNT"]
    program.emergency_hours = 6
    program.save()
    complaint = assessed()
    Complaint.objects.filter(pk=complaint.pk).update(urgency="emergency")
    complaint.refresh_from_db()
    with time_machine.travel(SENT, tick=False):
        (referral,) = referrals_create(actor=back_office, complaint=complaint, programs=[program])
    assert (referral.due_at, referral.remind_at) == (SENT + 6 * HOUR, SENT + 3 * HOUR)


def test_a_normal_referral_keeps_its_working_days(assessed, back_office, catalogue):
    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["PBI-JK"]]
    )
    assert (referral.due_at, referral.remind_at, referral.hours_left()) == (None, None, None)


def test_reminded_at_half_time_and_escalated_after_the_deadline_each_once(emergency, supervisor):
    with time_machine.travel(SENT + 11 * HOUR, tick=False):
        assert emergency_sweep() == {"reminders": 0, "escalations": 0}
    with time_machine.travel(SENT + 12 * HOUR, tick=False):
        assert emergency_sweep() == {"reminders": 1, "escalations": 0}
        assert emergency_sweep() == {"reminders": 0, "escalations": 0}
    with time_machine.travel(SENT + 23 * HOUR, tick=False):
        assert sla_sweep() == {"reminders": 0, "escalations": 0}  # the hourly sweep too
    with time_machine.travel(SENT + 24 * HOUR + datetime.timedelta(minutes=15), tick=False):
        assert emergency_sweep() == {"reminders": 0, "escalations": 1}
        assert emergency_sweep() == {"reminders": 0, "escalations": 0}
    with time_machine.travel(SENT + 72 * HOUR, tick=False):
        assert sla_sweep() == {"reminders": 0, "escalations": 0}

    (reminder,) = emergency.events.filter(action="reminder")
    assert reminder.note == "Darurat: separuh waktu telah lewat; batas 24-11-2026 09.00 WITA."
    assert emergency.events.filter(action="escalation").count() == 1
    (to_agency,) = emergency.dispatches.filter(kind="reminder")
    assert to_agency.recipients == ["kemensos@bima.example"]
    (escalation,) = emergency.dispatches.filter(kind="escalation")
    assert escalation.recipients == ["kabid@bima.example"]


def test_an_acknowledged_emergency_not_settled_is_still_escalated(
    emergency, officer_of, supervisor
):
    with time_machine.travel(SENT + HOUR):
        referral_transition(actor=officer_of("PBI-JK"), referral=emergency, to="received")
    with time_machine.travel(SENT + 25 * HOUR):
        assert emergency_sweep() == {"reminders": 1, "escalations": 1}


def test_a_settled_emergency_is_neither_reminded_nor_escalated(emergency, officer_of):
    officer = officer_of("PBI-JK")
    with time_machine.travel(SENT + HOUR):
        referral_transition(actor=officer, referral=emergency, to="received")
        emergency.refresh_from_db()
        referral_transition(actor=officer, referral=emergency, to="completed", note="Aktif.")
    with time_machine.travel(SENT + 48 * HOUR):
        assert emergency_sweep() == {"reminders": 0, "escalations": 0}
    assert not emergency.events.filter(action__in=["reminder", "escalation"]).exists()


def test_the_daily_sweep_does_not_judge_an_emergency_by_the_day(emergency):
    with time_machine.travel(SENT + HOUR, tick=False):
        # a date far past its dates: only its hours count, and they have not run out
        assert sla_sweep(today=datetime.date(2026, 12, 31)) == {"reminders": 0, "escalations": 0}


def test_late_by_the_hour_is_one_rule_in_sql_and_python(emergency):
    day = datetime.date(2026, 11, 24)
    for now, late in [(SENT + 23 * HOUR, False), (SENT + 25 * HOUR, True)]:
        in_sql = Referral.objects.filter(Referral.late_to_settle_q(day, now), pk=emergency.pk)
        assert in_sql.exists() is late
        assert emergency.is_late_to_settle(day, now) is late
        in_sql = Referral.objects.filter(Referral.late_to_acknowledge_q(day, now), pk=emergency.pk)
        assert in_sql.exists() is late
        assert emergency.is_late_to_acknowledge_on(day, now) is late
    assert emergency.is_emergency_reminder_due(SENT + 12 * HOUR)
    assert Referral.objects.filter(
        Referral.emergency_reminder_due_q(SENT + 12 * HOUR), pk=emergency.pk
    ).exists()


def test_the_queues_show_the_hours_left(emergency, back_office, officer_of, client):
    with time_machine.travel(SENT + 5 * HOUR + HOUR / 2, tick=False):
        for user in (back_office, officer_of("PBI-JK"), staff_user(Role.SUPERVISOR, "52.72")):
            client.force_login(user)
            page = client.get(reverse("referrals:list")).content.decode()
            assert "darurat: sisa 18 jam" in page, user
    with time_machine.travel(SENT + 26 * HOUR + HOUR / 2, tick=False):
        client.force_login(back_office)  # a day later: signed in again
        page = client.get(reverse("referrals:list")).content.decode()
        assert "darurat: terlambat 3 jam" in page
        detail = client.get(reverse("referrals:detail", args=[emergency.pk])).content.decode()
        assert "24-11-2026 09.00 WITA" in detail


def test_beat_runs_the_emergency_sweep_every_fifteen_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["emergency-sla-sweep"]
    assert entry == {"task": "referrals.tasks.emergency_sla_sweep", "schedule": 900.0}
    from referrals import tasks

    assert tasks.emergency_sla_sweep.name == entry["task"]


def test_the_command_still_sweeps_emergencies(emergency, supervisor):
    out = io.StringIO()
    with time_machine.travel(SENT + 30 * HOUR):
        call_command("sla_sweep", stdout=out)
    assert out.getvalue().startswith("1 reminders, 1 escalations;")
