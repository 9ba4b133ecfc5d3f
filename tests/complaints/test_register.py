"""Registering a complaint: ticket number, due dates in working days, consent, scope."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from complaints.models import Complaint, ComplaintCategory
from complaints.services import next_ticket_number
from tests.factories import HouseholdFactory
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db


def test_ticket_numbers_follow_the_regency_and_year(register, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))

    first, second = register(), register()

    assert first.ticket_number == "SLRT-5272-2026-000001"
    assert second.ticket_number == "SLRT-5272-2026-000002"


def test_numbering_restarts_each_year_and_is_separate_per_regency(db):
    assert next_ticket_number("52.72", 2026) == "SLRT-5272-2026-000001"
    assert next_ticket_number("52.72", 2026) == "SLRT-5272-2026-000002"
    assert next_ticket_number("52.72", 2027) == "SLRT-5272-2027-000001"
    assert next_ticket_number("52.71", 2026) == "SLRT-5271-2026-000001"


def test_due_dates_are_counted_in_working_days(register, time_machine):
    # Friday 14 August 2026; Monday the 17th is Independence Day.
    time_machine.move_to(datetime.datetime(2026, 8, 14, 3, 0, tzinfo=datetime.UTC))

    complaint = register(category=ComplaintCategory.objects.get(code="bencana"))

    assert complaint.first_action_due == datetime.date(2026, 8, 18)
    assert complaint.resolution_due == datetime.date(2026, 8, 20)  # 3 working days


def test_resolution_days_come_from_the_category(register, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 3, 0, tzinfo=datetime.UTC))

    complaint = register(category=ComplaintCategory.objects.get(code="perumahan"))

    # 30 working days, past Christmas with its joint leave, New Year and Isra Mikraj
    assert complaint.resolution_due == datetime.date(2027, 1, 8)


def test_consent_is_recorded_with_who_and_when(register, front_office):
    complaint = register(consent_given=True)

    assert complaint.consent_recorded_by == front_office
    assert complaint.consent_recorded_at is not None
    assert [e.action for e in complaint.events.all()] == ["registered", "consent"]


def test_without_consent_nothing_is_recorded(register):
    complaint = register(consent_given=False)

    assert complaint.consent_recorded_by is None
    assert complaint.consent_recorded_at is None


def test_a_caller_who_is_not_a_member_is_named(register):
    complaint = register(complainant=None, complainant_name="Pak RT Ahmad")

    assert complaint.complainant_display == "Pak RT Ahmad"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"complainant": None, "complainant_name": "  "}, "complainant_name"),
        ({"description": " "}, "description"),
    ],
)
def test_a_complaint_needs_a_complainant_and_a_description(register, fields, field):
    with pytest.raises(ValidationError) as raised:
        register(**fields)

    assert set(raised.value.message_dict) == {field}
    assert not Complaint.objects.exists()


def test_a_complainant_from_another_household_is_refused(register, kota_bima):
    from tests.factories import PersonFactory

    stranger = PersonFactory(household=HouseholdFactory(region_id="52.72.01.1001"))

    with pytest.raises(ValidationError) as raised:
        register(complainant=stranger)

    assert set(raised.value.message_dict) == {"complainant"}


def test_a_household_outside_the_scope_is_refused(register):
    outside = HouseholdFactory(region_id="52.72.02.1008")

    with pytest.raises(ValidationError) as raised:
        register(household=outside, complainant=None, complainant_name="X")

    assert set(raised.value.message_dict) == {"household"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("postgresql")
def test_concurrent_registrations_never_share_a_number(kota_bima):
    """Eight desks register at the same instant: eight different, consecutive numbers."""
    require_postgresql()
    numbers: list[str] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def desk():
        try:
            barrier.wait()
            from django.db import transaction

            with transaction.atomic():
                numbers.append(next_ticket_number("52.72", 2026))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [f"SLRT-5272-2026-{n:06d}" for n in range(1, 9)]
