"""A supervisor's import touches only households and persons inside the supervisor's area:
a row naming a NIK, a KK number or a registry ID of a record elsewhere is refused with its
own message, and nothing elsewhere moves. On PostgreSQL this runs the set-based path too."""

import datetime
import io

import pytest

from households.models import Household, Person
from households.registry_import import ImportResult, import_extract
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("kota_bima")

OUTSIDE_NIK = "NIK ini terdaftar di luar wilayah Anda; pindah data lewat supervisor"
OUTSIDE_KK = "Nomor KK ini terdaftar di luar wilayah Anda; pindah data lewat supervisor"
OUTSIDE_ID = "ID DTKS ini terdaftar di luar wilayah Anda; pindah data lewat supervisor"

HEADER = (
    "dtks_id;kk_number;region_code;address;rt;rw;desil;nik;name;sex;birth_date;birth_place;"
    "relationship;disability;chronic_illness"
)


def row(dtks_id, kk_number, nik, name, sex, born, relationship, region="52.72.01.1001"):
    return f"{dtks_id};{kk_number};{region};Jl. Baru 1;001;002;2;{nik};{name};{sex};{born};Bima;" \
        f"{relationship};0;0"  # fmt: skip


@pytest.fixture(name="mataram")
def mataram_household(db):
    """A household of Kota Mataram (52.71), whose head has the NIK 5271014308820005."""
    Region.objects.bulk_create(
        [
            Region(code="52.71", name="KOTA MATARAM", level=Region.Level.REGENCY, parent_id="52"),
            Region(code="52.71.01", name="Ampenan", level=Region.Level.DISTRICT,
                   parent_id="52.71"),
            Region(code="52.71.01.1001", name="Ampenan Tengah", level=Region.Level.VILLAGE,
                   parent_id="52.71.01"),
        ]
    )  # fmt: skip
    household = HouseholdFactory(
        region_id="52.71.01.1001", kk_number="5271011203150001", dtks_id="DTKS-MTR"
    )
    PersonFactory(household=household, name="Baiq Aminah", nik="5271014308820005", sex="F",
                  birth_date=datetime.date(1982, 8, 3), relationship="head")  # fmt: skip
    PersonFactory(household=household, name="Lalu Anak", sex="M", relationship="child",
                  birth_date=datetime.date(2010, 1, 1))  # fmt: skip
    return household


@pytest.fixture(name="other_district")
def other_district_household(db):
    """A household of the district 52.72.02, of the same city."""
    household = HouseholdFactory(
        region_id="52.72.02.1008", kk_number="5272021910160003", dtks_id="DTKS-RSB"
    )
    PersonFactory(household=household, name="Nur Hasanah", nik="5272025404900004", sex="F",
                  birth_date=datetime.date(1990, 4, 14), relationship="head")  # fmt: skip
    return household


def as_it_was(household: Household) -> tuple:
    household.refresh_from_db()
    members = sorted(household.members.values_list("pk", "nik", "name", "relationship"))
    return household.kk_number, household.dtks_id, household.address, members


def import_into(area, *rows) -> ImportResult:
    data = ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode()
    return import_extract(io.BytesIO(data), area=area)


def errors_of(result) -> dict[int, tuple[str, str]]:
    return {error.line: (error.column, error.message) for error in result.errors}


@pytest.fixture
def indonesian(settings):
    from django.utils import translation

    with translation.override("id"):
        yield


@pytest.mark.usefixtures("indonesian")
def test_a_row_naming_a_nik_of_another_city_is_refused_and_the_person_stays(mataram):
    before = as_it_was(mataram)
    history = Person.history.filter(household_id=mataram.pk).count()

    result = import_into(
        "52.72.01",
        row("DTKS-1", "5272011203150001", "5272011205780001", "Muhammad Yusuf", 1,
            "12-05-1978", 1),
        row("DTKS-1", "5272011203150001", "5271014308820005", "Siti Aminah", 2, "03-08-1982", 2),
    )  # fmt: skip

    assert errors_of(result) == {3: ("nik", OUTSIDE_NIK)}
    assert as_it_was(mataram) == before  # not moved, not renamed, still the head
    assert Person.history.filter(household_id=mataram.pk).count() == history
    yusuf = Household.objects.get(dtks_id="DTKS-1")
    assert list(yusuf.members.values_list("name", flat=True)) == ["Muhammad Yusuf"]
    assert (result.persons_created, result.persons_updated, result.refused) == (1, 0, 1)


@pytest.mark.usefixtures("indonesian")
def test_a_head_whose_nik_is_of_another_district_refuses_the_household(other_district):
    before = as_it_was(other_district)

    result = import_into(
        "52.72.01",
        row("DTKS-1", "5272011203150001", "5272025404900004", "Nur Pindah", 2, "14-04-1990", 1),
    )

    assert errors_of(result)[2][1] == OUTSIDE_NIK
    assert as_it_was(other_district) == before
    assert not Household.objects.filter(dtks_id="DTKS-1").exists()


@pytest.mark.usefixtures("indonesian")
def test_a_kk_number_or_registry_id_of_another_city_is_refused_with_its_own_message(mataram):
    before = as_it_was(mataram)

    result = import_into(
        "52.72.01",
        row("DTKS-NEW", "5271011203150001", "5272011205780001", "Muhammad Yusuf", 1,
            "12-05-1978", 1),
        row("DTKS-MTR", "5272011203150002", "5272011206780001", "Ahmad Yani", 1,
            "12-06-1978", 1),
    )  # fmt: skip

    assert errors_of(result) == {2: ("kk_number", OUTSIDE_KK), 3: ("dtks_id", OUTSIDE_ID)}
    assert as_it_was(mataram) == before
    assert Household.objects.count() == 1
    assert (result.households_created, result.households_updated, result.refused) == (0, 0, 2)


def test_the_messages_do_not_say_where_the_record_is(mataram, other_district):
    result = import_into(
        "52.72.01",
        row("DTKS-RSB", "5272011203150002", "5272011206780001", "Ahmad Yani", 1,
            "12-06-1978", 1),
        row("DTKS-NEW", "5271011203150001", "5272011205780001", "Muhammad Yusuf", 1,
            "12-05-1978", 1),
    )  # fmt: skip

    messages = " ".join(error.message for error in result.errors)
    for detail in ("52.71", "52.72.02", "DTKS-MTR", "household", str(mataram)):
        assert detail not in messages


def test_an_import_without_an_area_still_matches_the_whole_registry(mataram):
    """The IT team's `import_dtks`: the registry is one, and a NIK found elsewhere moves."""
    result = import_into(
        None,
        row("DTKS-1", "5272011203150001", "5271014308820005", "Baiq Aminah", 2, "03-08-1982", 1),
    )

    assert result.refused == 0 and result.persons_updated == 1
    moved = Person.objects.get(nik="5271014308820005")
    assert moved.household.dtks_id == "DTKS-1"
    last = moved.history.order_by("-history_id").first()
    assert (last.household_id, last.history_type) == (moved.household_id, "~")
    assert "dipindah" in last.history_change_reason.lower()
