import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from documents.models import DocumentKind
from documents.services import document_store
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from visits.services import visit_assign, visit_request

VILLAGE = "52.72.01.1001"


def photo_upload(name: str = "rumah.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def household(kota_bima):
    household = HouseholdFactory(
        region_id=VILLAGE, floor_material=2, wall_material=1, roof_material=3,
        floor_area="36.00", owns_motorcycle=True, monthly_income=1500000,
    )  # fmt: skip
    PersonFactory(household=household, name="Siti Aminah", relationship="head")
    PersonFactory(household=household, name="Budi", relationship="child",
                  birth_date=datetime.date(2012, 3, 4))  # fmt: skip
    return household


@pytest.fixture
def staff(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    return {
        "front_office": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01", email="bo@bima.example"),
        "supervisor": staff_user(Role.SUPERVISOR, "52.72", email="kabid@bima.example"),
        "facilitator": staff_user(Role.FACILITATOR, "52.72.01", email="fas@bima.example"),
        "facilitator_2": staff_user(Role.FACILITATOR, "52.72.01.1001"),
        "facilitator_other_district": staff_user(Role.FACILITATOR, "52.72.02"),
        "facilitator_other_city": staff_user(Role.FACILITATOR, "52.71"),
        "agency_officer": staff_user(Role.AGENCY_OFFICER, "52.72"),
    }


@pytest.fixture
def assigned(household, staff):
    """A visit of `household` assigned to the district's facilitator."""
    visit = visit_request(
        actor=staff["back_office"], household=household, reason="Verifikasi rumah"
    )
    return visit_assign(actor=staff["back_office"], visit=visit, assignee=staff["facilitator"])


@pytest.fixture
def with_photos(assigned, staff):
    def store(*codes):
        for code in codes:
            document_store(
                actor=staff["facilitator"], household_id=assigned.household_id,
                owner_type="visit", owner_id=assigned.pk,
                kind=DocumentKind.objects.get(code=code), upload=photo_upload(),
            )  # fmt: skip
        return assigned

    return store


def report(visit, **overrides) -> dict:
    """A complete, valid submission of `visit`."""
    values = {
        "version": visit.version,
        "met_name": "Siti Aminah",
        "members_present": list(visit.household.members.all()),
        "observed": {"floor_material": 9, "wall_material": 1, "floor_area": "36"},
        "gps_consent": True,
        "latitude": "-8.4606",
        "longitude": "118.7267",
        "no_location_reason": "",
        "notes": "Lantai tanah.",
        "verdict": "layak",
    }
    values.update(overrides)
    return values
