"""The SLA sweep: one reminder to the agency when the acknowledgement is late, one escalation
to the regency's supervisors after the grace period, each recorded."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from accounts.roles import Role
from referrals.services import referral_transition, referrals_create, sla_sweep
from tests.factories import staff_user

# BPNT answers within 5 working days: referred Monday 23 November 2026, due Monday 30th;
# escalated once 2 more working days (to Wednesday 2 December) have passed.
MONDAY = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


def day(d):
    return datetime.date(2026, *d)


@pytest.fixture
def referral(assessed, back_office, catalogue):
    with time_machine.travel(MONDAY):
        (referral,) = referrals_create(
            actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
        )
    return referral


@pytest.fixture
def supervisors(kota_bima):
    return {
        "city": staff_user(Role.SUPERVISOR, scope="52.72", email="kabid@bima.example"),
        "district": staff_user(Role.SUPERVISOR, scope="52.72.01", email="camat@bima.example"),
        "province": staff_user(Role.SUPERVISOR, scope="52", email="dinsos@ntb.example"),
    }


def test_nothing_happens_before_the_acknowledgement_is_due(referral):
    assert referral.response_due == day((11, 30))

    assert sla_sweep(today=day((11, 30))) == {"reminders": 0, "escalations": 0}


def test_a_late_acknowledgement_gets_exactly_one_reminder(referral):
    assert sla_sweep(today=day((12, 1))) == {"reminders": 1, "escalations": 0}
    assert sla_sweep(today=day((12, 1))) == {"reminders": 0, "escalations": 0}
    assert sla_sweep(today=day((12, 2))) == {"reminders": 0, "escalations": 0}

    (event,) = referral.events.filter(action="reminder")
    assert event.note == "Belum diterima sampai 30-11-2026."
    (reminder,) = referral.dispatches.filter(kind="reminder")
    assert reminder.recipients == ["kemensos@bima.example"]


def test_after_the_grace_period_the_regencys_supervisors_are_told_once(referral, supervisors):
    sla_sweep(today=day((12, 1)))

    assert sla_sweep(today=day((12, 3))) == {"reminders": 0, "escalations": 1}
    assert sla_sweep(today=day((12, 10))) == {"reminders": 0, "escalations": 0}

    (escalation,) = referral.dispatches.filter(kind="escalation")
    # The city's and the province's supervisors; not a district's, who may not be the one.
    assert escalation.recipients == ["dinsos@ntb.example", "kabid@bima.example"]
    assert referral.events.filter(action="escalation").count() == 1


def test_an_acknowledged_referral_is_neither_reminded_nor_escalated(
    referral, officer_of, supervisors
):
    referral_transition(actor=officer_of("BPNT"), referral=referral, to="received")

    assert sla_sweep(today=day((12, 10))) == {"reminders": 0, "escalations": 0}
    assert not referral.events.filter(action__in=["reminder", "escalation"]).exists()


def test_the_command_runs_the_sweep_once(referral):
    out = io.StringIO()

    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)):
        call_command("sla_sweep", stdout=out)

    assert out.getvalue().startswith("1 reminders, 0 escalations")
