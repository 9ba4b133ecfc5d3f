"""NIK and KK structure, and a NIK's agreement with the person's birth date and sex."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from households.identity import (
    nik_parts,
    validate_kk_number,
    validate_nik_for_person,
)


@pytest.mark.parametrize(
    ("nik", "day", "month", "year", "female"),
    [
        ("5272010101900001", 1, 1, 90, False),  # a man born 1 January 1990
        ("5272014101900001", 1, 1, 90, True),  # a woman: day + 40
        ("5272013112850007", 31, 12, 85, False),
        ("5272017112850007", 31, 12, 85, True),  # day 71 = 31 for a woman
        ("3171012902000123", 29, 2, 0, False),  # 29 February 2000, a leap year
        ("3171016902040123", 29, 2, 4, True),  # 29 February 2004, a woman
        ("1101010105459999", 1, 5, 45, False),  # serial 9999
    ],
)
def test_valid_niks_are_split_into_their_parts(nik, day, month, year, female):
    parts = nik_parts(nik)

    assert (parts.day, parts.month, parts.year_in_century, parts.is_female) == (
        day,
        month,
        year,
        female,
    )
    assert parts.district_code == nik[:6]
    assert parts.serial == nik[12:]


@pytest.mark.parametrize(
    ("nik", "code", "says"),  # `says`: what the (Indonesian) message quotes
    [
        ("527201010190000", "length", "16 digit"),
        ("52720101019000011", "length", "16 digit"),
        ("5272O10101900001", "length", "16 digit"),  # a letter O, not a zero
        ("５２７２０１０１０１９０００01", "length", "16 digit"),  # full-width digits
        ("9972010101900001", "province", "(99)"),
        ("5200010101900001", "district", "Digit 1–6"),
        ("5272000101900001", "district", "Digit 1–6"),
        ("5272010001900001", "birth_day", "(00)"),
        ("5272013201900001", "birth_day", "(32)"),
        ("5272014001900001", "birth_day", "(40)"),
        ("5272017201900001", "birth_day", "(72)"),
        ("5272010113900001", "birth_month", "(13)"),
        ("5272010100900001", "birth_month", "(00)"),
        ("5272012902010001", "birth_date", "(290201)"),  # 2001 and 1901: no 29 Feb
        ("5272016902010001", "birth_date", "(690201)"),  # the same, a woman
        ("5272013104900001", "birth_date", "tanggal 31"),  # 31 April
        ("5272017104900001", "birth_date", "tanggal 31"),  # 31 April, a woman
        ("5272010101900000", "serial", "0000"),
    ],
)
def test_invalid_niks_say_which_part_is_wrong(nik, code, says):
    with pytest.raises(ValidationError) as raised:
        nik_parts(nik)

    assert raised.value.code == code
    assert says in raised.value.messages[0]


def test_messages_are_indonesian_by_default():
    with pytest.raises(ValidationError) as raised:
        nik_parts("5272010101900000")

    assert raised.value.messages == ["Digit 13–16 NIK (nomor urut) tidak boleh 0000."]


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("5272010101900001", datetime.date(1990, 1, 1), "M"),
        ("5272014101900001", datetime.date(1990, 1, 1), "F"),
        ("3171012902000123", datetime.date(2000, 2, 29), "M"),
        ("5272016902040123", datetime.date(2004, 2, 29), "F"),
        ("5272010101900001", None, None),  # nothing to compare with yet
    ],
)
def test_nik_agreeing_with_the_person_is_accepted(nik, birth_date, sex):
    validate_nik_for_person(nik, birth_date=birth_date, sex=sex)


def test_nik_of_another_birth_date_is_refused_on_the_birth_date():
    with pytest.raises(ValidationError) as raised:
        validate_nik_for_person("5272010101900001", birth_date=datetime.date(1990, 1, 2), sex="M")

    assert set(raised.value.message_dict) == {"birth_date"}
    assert "01-01-..90" in raised.value.message_dict["birth_date"][0]


def test_nik_of_another_century_year_is_refused():
    with pytest.raises(ValidationError) as raised:
        validate_nik_for_person("5272010101900001", birth_date=datetime.date(1991, 1, 1), sex="M")

    assert "birth_date" in raised.value.message_dict


def test_a_womans_nik_for_a_man_is_refused_on_the_sex():
    with pytest.raises(ValidationError) as raised:
        validate_nik_for_person("5272014101900001", birth_date=datetime.date(1990, 1, 1), sex="M")

    assert set(raised.value.message_dict) == {"sex"}


def test_a_mans_nik_for_a_woman_is_refused_on_the_sex():
    with pytest.raises(ValidationError) as raised:
        validate_nik_for_person("5272010101900001", birth_date=datetime.date(1990, 1, 1), sex="F")

    assert set(raised.value.message_dict) == {"sex"}


def test_a_broken_nik_is_reported_on_the_nik_field():
    with pytest.raises(ValidationError) as raised:
        validate_nik_for_person("5272019901900001", birth_date=datetime.date(1990, 1, 1), sex="M")

    assert set(raised.value.message_dict) == {"nik"}


@pytest.mark.parametrize("number", ["5272011203150001", "1101010101200101", "5272019999999999"])
def test_valid_kk_numbers(number):
    validate_kk_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("527201120315000", "length"),
        ("52720112031500011", "length"),
        ("5272011203l50001", "length"),
        ("9972011203150001", "province"),
        ("5272001203150001", "district"),
        ("5272011203150000", "serial"),
    ],
)
def test_invalid_kk_numbers_say_which_part_is_wrong(number, code):
    with pytest.raises(ValidationError) as raised:
        validate_kk_number(number)

    assert raised.value.code == code
