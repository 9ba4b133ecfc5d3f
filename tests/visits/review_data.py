"""Submitted visits for the review's tests, made directly in the database: a household in
Rasanae Barat (52.72.01), its facilitator, and the differences the visit found."""

import datetime

from accounts.roles import Role
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from visits.models import Visit, VisitFinding

# 12 November 2026, 10.00 in Bima (WITA, UTC+8).
VISITED_AT = datetime.datetime(2026, 11, 12, 2, 0, tzinfo=datetime.UTC)


def submitted_visit(*, household=None, facilitator=None, findings=None, **fields) -> Visit:
    """A submitted visit of `household` (a new one in 52.72.01.1001 by default), with one
    finding per `(field, recorded, observed)` in `findings`."""
    if household is None:
        household = HouseholdFactory(
            region_id="52.72.01.1001", kk_number="5272011203150001", floor_material=1,
            wall_material=1, floor_area="36.00", owns_motorcycle=False,
        )  # fmt: skip
        PersonFactory(household=household, name="Rahmat Hidayat", relationship="head")
    facilitator = facilitator or staff_user(Role.FACILITATOR, "52.72.01")
    findings = (
        [("floor_material", 1, 3), ("wall_material", 1, 2), ("owns_motorcycle", False, True)]
        if findings is None
        else findings
    )
    values = {
        "household": household,
        "reason": "Verifikasi pengaduan",
        "due": datetime.date(2026, 11, 20),
        "status": Visit.Status.SUBMITTED,
        "requested_by": staff_user(Role.BACK_OFFICE, "52.72.01"),
        "assignee": facilitator,
        "met_name": "Siti Aminah",
        "observed": {field: observed for field, _recorded, observed in findings},
        "gps_consent": True,
        "latitude": "-8.460000",
        "longitude": "118.730000",
        "notes": "Rumah panggung, dinding papan.",
        "verdict": Visit.Verdict.LAYAK,
        "submitted_at": VISITED_AT,
        **fields,
    }
    visit = Visit.objects.create(**values)
    VisitFinding.objects.bulk_create(
        VisitFinding(visit=visit, field=field, recorded=recorded, observed=observed)
        for field, recorded, observed in findings
    )
    return visit
