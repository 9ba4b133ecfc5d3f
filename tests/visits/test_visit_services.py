"""Asking for a visit, assigning it and the facilitator's submission: the transition table,
the version check, the location's bounds, the photos a verdict needs, and the differences it
records for the back office."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.visits.conftest import report
from visits.models import Visit, VisitEvent, VisitFinding
from visits.services import (
    VISIT_TRANSITIONS,
    VisitConflict,
    visit_assign,
    visit_cancel,
    visit_request,
    visit_submit,
)

MONDAY = datetime.datetime(2026, 11, 23, 2, tzinfo=datetime.UTC)  # 10.00 WITA


def messages_of(error: ValidationError) -> dict:
    return error.value.message_dict


@override_settings(SLRT_VISIT_DUE_DAYS=5)
def test_a_visit_is_due_five_working_days_after_the_request_by_default(household, staff):
    with time_machine.travel(MONDAY):
        visit = visit_request(actor=staff["front_office"], household=household, reason="Cek")

    assert visit.due == datetime.date(2026, 11, 30)
    assert visit.status == Visit.Status.REQUESTED
    assert list(visit.events.values_list("action", flat=True)) == ["requested"]


def test_a_due_date_in_the_past_and_an_empty_reason_are_refused_together(household, staff):
    with time_machine.travel(MONDAY), pytest.raises(ValidationError) as error:
        visit_request(actor=staff["back_office"], household=household, reason=" ",
                      due=datetime.date(2026, 11, 20))  # fmt: skip

    assert set(messages_of(error)) == {"reason", "due"}
    assert not Visit.objects.exists()


def test_facilitators_and_agency_officers_do_not_ask_for_visits(household, staff):
    for role in ("facilitator", "agency_officer"):
        with pytest.raises(ValidationError):
            visit_request(actor=staff[role], household=household, reason="Cek")
    assert not Visit.objects.exists()


def test_only_a_facilitator_covering_the_village_is_assigned(household, staff):
    visit = visit_request(actor=staff["back_office"], household=household, reason="Cek")
    for wrong in ("facilitator_other_district", "facilitator_other_city", "front_office"):
        with pytest.raises(ValidationError) as error:
            visit_assign(actor=staff["back_office"], visit=visit, assignee=staff[wrong])
        assert "assignee" in messages_of(error)
    with pytest.raises(ValidationError):  # the front office does not plan the field work
        visit_assign(actor=staff["front_office"], visit=visit, assignee=staff["facilitator"])

    visit = visit_assign(actor=staff["back_office"], visit=visit, assignee=staff["facilitator"])

    assert (visit.status, visit.assignee, visit.version) == ("assigned", staff["facilitator"], 2)


def test_the_table_has_no_way_back_from_a_cancelled_visit(assigned, staff):
    visit = visit_cancel(actor=staff["supervisor"], visit=assigned, note="Rumah kosong")

    assert Visit.Status.CANCELLED not in VISIT_TRANSITIONS
    with pytest.raises(ValidationError):
        visit_assign(actor=staff["back_office"], visit=visit, assignee=staff["facilitator"])
    assert visit.events.last().action == VisitEvent.Action.CANCELLED


def test_a_submission_records_each_difference_from_the_registry(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")

    visit = visit_submit(actor=staff["facilitator"], visit=visit, **report(visit))

    assert visit.status == Visit.Status.SUBMITTED
    assert visit.submitted_at is not None
    findings = {f.field: (f.recorded, f.observed, f.decision) for f in VisitFinding.objects.all()}
    # the floor differs; the walls and the floor area (36 = 36.00) are as recorded
    assert findings == {"floor_material": (2, 9, "pending")}
    assert visit.members_present.count() == 2
    assert visit.household.floor_material == 2  # the registry is unchanged until review


def test_a_stale_version_is_a_conflict_carrying_the_visit_as_it_is_now(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    stale = report(visit)
    # meanwhile the office gave the visit to a colleague and back
    visit_assign(actor=staff["back_office"], visit=visit, assignee=staff["facilitator_2"])
    visit_assign(actor=staff["back_office"], visit=visit, assignee=staff["facilitator"])

    with pytest.raises(VisitConflict) as conflict:
        visit_submit(actor=staff["facilitator"], visit=visit, **stale)

    assert conflict.value.visit.version == 4
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.ASSIGNED
    assert not VisitFinding.objects.exists()


def test_a_visit_submitted_twice_is_refused_the_second_time(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    visit_submit(actor=staff["facilitator"], visit=visit, **report(visit))
    again = Visit.objects.get(pk=visit.pk)

    with pytest.raises(VisitConflict) as conflict:
        visit_submit(actor=staff["facilitator"], visit=again,
                     **report(again, observed={"floor_material": 1}, notes="Lain"))  # fmt: skip

    assert "sent already" in str(conflict.value) or "sudah dikirim" in str(conflict.value)
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.notes, stored.version) == ("Lantai tanah.", again.version)
    assert VisitFinding.objects.get().observed == 9


@pytest.mark.parametrize(
    "latitude, longitude, wrong",
    [
        ("-12.0", "118.7", {"latitude"}),  # south of Rote
        ("-8.46", "150.0", {"longitude"}),  # Papua New Guinea's side
        ("7.0", "90.0", {"latitude", "longitude"}),
        ("utara", "", {"latitude", "longitude"}),
    ],
)
def test_a_location_outside_indonesia_is_refused(with_photos, staff, latitude, longitude, wrong):
    visit = with_photos("foto_depan", "foto_dalam")

    with pytest.raises(ValidationError) as error:
        visit_submit(actor=staff["facilitator"], visit=visit,
                     **report(visit, latitude=latitude, longitude=longitude))  # fmt: skip

    assert set(messages_of(error)) == wrong
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.ASSIGNED


def test_without_consent_a_reason_replaces_the_location(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    without = report(visit, gps_consent=False, latitude="-8.46", longitude="118.72")

    with pytest.raises(ValidationError) as error:
        visit_submit(actor=staff["facilitator"], visit=visit, **without)
    assert set(messages_of(error)) == {"no_location_reason"}

    without["no_location_reason"] = "Warga tidak bersedia"
    visit = visit_submit(actor=staff["facilitator"], visit=visit, **without)
    assert (visit.latitude, visit.longitude, visit.gps_consent) == (None, None, False)


def test_eligible_needs_both_photos_and_names_the_missing_one(with_photos, staff):
    visit = with_photos("foto_depan")

    with pytest.raises(ValidationError) as error:
        visit_submit(actor=staff["facilitator"], visit=visit, **report(visit))

    assert set(messages_of(error)) == {"photo_inside"}
    assert (
        "inside" in messages_of(error)["photo_inside"][0]
        or "dalam" in (messages_of(error)["photo_inside"][0])
    )


def test_a_household_not_found_needs_the_front_photo_only(with_photos, staff):
    visit = with_photos()
    with pytest.raises(ValidationError) as error:
        visit_submit(actor=staff["facilitator"], visit=visit,
                     **report(visit, verdict="tidak_ditemukan", met_name=""))  # fmt: skip
    assert set(messages_of(error)) == {"photo_front"}

    visit = with_photos("foto_depan")
    visit = visit_submit(actor=staff["facilitator"], visit=visit,
                         **report(visit, verdict="tidak_ditemukan", met_name=""))  # fmt: skip
    assert visit.observed == {} and not VisitFinding.objects.exists()


def test_observed_values_follow_the_households_choices_and_types(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    observed = {"floor_material": 99, "floor_area": "luas", "owns_car": "mungkin",
                "monthly_income": -5, "desil": 1}  # fmt: skip

    with pytest.raises(ValidationError) as error:
        visit_submit(actor=staff["facilitator"], visit=visit, **report(visit, observed=observed))

    assert set(messages_of(error)) == {f"observed.{name}" for name in observed}


def test_only_the_assignee_submits(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    for role in ("facilitator_2", "back_office", "facilitator_other_district"):
        with pytest.raises(ValidationError):
            visit_submit(actor=staff[role], visit=visit, **report(visit))
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.ASSIGNED


def test_a_verdict_is_required(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    with pytest.raises(ValidationError) as error:
        visit_submit(actor=staff["facilitator"], visit=visit, **report(visit, verdict=""))
    assert "verdict" in messages_of(error)
