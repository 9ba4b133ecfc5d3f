"""Ids from query strings and forms: ASCII digits that fit the column, nothing else."""

import pytest

from slrt.ids import MAX_ID, id_from


@pytest.mark.parametrize(
    "value, expected",
    [("12", 12), (12, 12), (str(MAX_ID), MAX_ID), ("²", None), ("١٢", None), ("", None),
     (None, None), ("0", None), ("-3", None), (" 12", None), ("1.5", None), (True, None),
     (str(MAX_ID + 1), None), ("9" * 40, None), (0, None), (MAX_ID + 1, None)],
)  # fmt: skip
def test_only_what_can_be_an_id_is_one(value, expected):
    assert id_from(value) == expected
