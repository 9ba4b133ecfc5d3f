"""A letter's number is its office's: each regency or city counts its own letters and writes
them in its office's pattern (the office's setting, else `SLRT_LETTER_NUMBER_PATTERN`), so
that two offices may give the same number, and one office never gives one twice."""

import datetime
import functools

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Office
from accounts.roles import Role
from letters.models import Letter, LetterCounter
from letters.services import letter_draft, letter_issue
from regions.codes import read_region_rows
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, staff_user


@functools.cache
def _kabupaten_bima_rows():
    return [row for row in read_region_rows(prefix="52.06") if row.code != "52"]


@pytest.fixture
def kabupaten_bima(kota_bima):
    """Kabupaten Bima (52.06), beside Kota Bima."""
    Region.objects.bulk_create(
        Region(code=row.code, name=row.name, level=row.level, parent_id=row.parent_code)
        for row in _kabupaten_bima_rows()
    )
    return Region.objects.filter(code__startswith="52.06.", level=Region.Level.VILLAGE).order_by(
        "code"
    )[0]


def registry_letter(kinds, village_code: str, nik: str):
    district = village_code.rsplit(".", 1)[0]
    household = HouseholdFactory(region_id=village_code, desil=3)
    person = PersonFactory(household=household, relationship="head", nik=nik)
    drafter = staff_user(Role.BACK_OFFICE, scope=district)
    head = staff_user(Role.SUPERVISOR, scope=district)
    letter = letter_draft(actor=drafter, kind=kinds["suket_dtsen"], person=person)
    return letter_issue(actor=head, letter=letter)


def test_two_regencies_each_give_their_first_number(kinds, kabupaten_bima, settings):
    settings.SLRT_LETTER_NUMBER_PATTERN = "400.9/{n}/Dinsos/{year}"
    city = registry_letter(kinds, "52.72.01.1001", "5272014101800001")
    regency = registry_letter(kinds, kabupaten_bima.code, "5206014101800001")

    assert city.number == regency.number == f"400.9/1/Dinsos/{city.year}"
    assert (city.office_region_id, regency.office_region_id) == ("52.72", "52.06")


def test_an_office_numbers_in_its_own_pattern_and_the_others_in_the_server_s(
    kinds, kabupaten_bima, settings
):
    settings.SLRT_LETTER_NUMBER_PATTERN = "400.9/{n}/Dinsos/{year}"
    Office.objects.create(
        region_id="52.06", name="Dinas Sosial Kabupaten Bima", address="Woha",
        head_name="Kepala", letter_number_pattern="460/{n}/DINSOS-{office}/{year}",
    )  # fmt: skip
    # a district office of the city sets none: the city's letters keep the server's
    Office.objects.create(region_id="52.72.01", name="SLRT Rasanae Barat", address="Bima",
                          head_name="Kepala")  # fmt: skip

    regency = registry_letter(kinds, kabupaten_bima.code, "5206014101800001")
    city = registry_letter(kinds, "52.72.01.1001", "5272014101800001")

    assert regency.number == f"460/1/DINSOS-5206/{regency.year}"
    assert city.number == f"400.9/1/Dinsos/{city.year}"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("400.9/Dinsos/{year}", "Pola harus memuat {n}."),
        (
            "400.9/{n}/{tahun}",
            "{tahun} bukan bagian nomor surat: gunakan {n}, {year} dan {office}.",
        ),
    ],
)
def test_an_office_s_pattern_that_cannot_number_is_refused_at_its_field(
    kota_bima, pattern, message
):
    office = Office(region_id="52.72", name="Dinas Sosial Kota Bima", address="Bima",
                    head_name="Kepala", letter_number_pattern=pattern)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert message in refused.value.message_dict["letter_number_pattern"]


def test_two_offices_of_one_regency_whose_patterns_collide_issue_nothing_twice(kinds, kota_bima):
    # n=11 in "{n}{year}" and n=1 in "{n}1{year}" are both "112026"
    for district, pattern in (("52.72.01", "{n}{year}"), ("52.72.02", "{n}1{year}")):
        Office.objects.create(region_id=district, name=f"SLRT {district}", address="Bima",
                              head_name="Kepala", letter_number_pattern=pattern)  # fmt: skip
    LetterCounter.objects.create(office_region_id="52.72", year=2026, last=10)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 3, tzinfo=datetime.UTC)):
        first = registry_letter(kinds, "52.72.01.1001", "5272014101800001")  # n=11
        LetterCounter.objects.filter(office_region_id="52.72").update(last=0)
        with pytest.raises(ValidationError) as refused:
            registry_letter(kinds, "52.72.02.1008", "5272024101800001")  # n=1
    assert first.number == "112026"
    assert "112026" in refused.value.message_dict["status"][0]
    assert Letter.objects.filter(status="issued").count() == 1
    assert LetterCounter.objects.get(office_region_id="52.72").last == 0  # rolled back
