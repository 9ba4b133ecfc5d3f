import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.roles import Role
from programs.models import Enrollment, Program
from regions.models import Region
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory, staff_user

VILLAGE = "52.72.01.1001"
OTHER_VILLAGE = "52.72.01.1002"


def photo_upload(name: str = "rumah.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def program(kota_bima):
    return Program.objects.create(
        code="PKH", name="Program Keluarga Harapan", level="central", agency=AgencyFactory(),
        rule={"field": "desil", "op": "lte", "value": 4},
    )  # fmt: skip


@pytest.fixture
def recipient(program):
    """A household of Paruga receiving PKH."""
    household = HouseholdFactory(region_id=VILLAGE, desil=2)
    PersonFactory(household=household, name="Siti Aminah", relationship="head")
    Enrollment.objects.create(household=household, program=program)
    return household


@pytest.fixture
def staff(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    return {
        "front_office": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01", email="bo@bima.example"),
        "supervisor": staff_user(Role.SUPERVISOR, "52.72", email="kabid@bima.example"),
        "village_operator": staff_user(Role.VILLAGE_OPERATOR, VILLAGE),
        "village_operator_other": staff_user(Role.VILLAGE_OPERATOR, OTHER_VILLAGE),
        "front_office_other_district": staff_user(Role.FRONT_OFFICE, "52.72.02"),
        "supervisor_other_city": staff_user(Role.SUPERVISOR, "52.71"),
        "facilitator": staff_user(Role.FACILITATOR, "52.72.01"),
    }
