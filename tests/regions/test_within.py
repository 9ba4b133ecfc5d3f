"""The two rules every app asks of regions: what lies inside a region, and the line of
regions a region lies in."""

import ast
from pathlib import Path

import pytest
from django.db import connection

from regions.models import Region, within_q, within_sql
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.usefixtures("kota_bima")


def test_the_line_of_a_village_runs_from_its_province_down_to_it():
    assert Region.line_of("52.72.01.1001") == ["52", "52.72", "52.72.01", "52.72.01.1001"]
    assert Region.line_of("52") == ["52"]
    assert Region.code_at("52.72.01.1001", Region.Level.REGENCY) == "52.72"


def test_within_a_region_is_the_region_and_what_lies_below_it():
    district = set(Region.objects.within("52.72.01").values_list("code", flat=True))

    assert "52.72.01" in district and "52.72.01.1001" in district
    assert {code for code in district if not code.startswith("52.72.01")} == set()
    assert "52.72" not in district and "52.72.02.1008" not in district
    assert (
        Region.objects.within("52.72.01").count()
        == 1 + Region.objects.filter(parent_id="52.72.01").count()
    )


def test_within_or_above_a_district_adds_its_regency_and_province_only():
    codes = set(Region.objects.within_or_above("52.72.01").values_list("code", flat=True))

    assert codes == {"52", "52.72"} | set(
        Region.objects.within("52.72.01").values_list("code", flat=True)
    )
    assert "52.72.02" not in codes


def test_a_code_that_only_starts_like_another_is_not_inside_it():
    assert not Region.code_is_within("52.72", "52.7")
    assert not Region.objects.within("52.7").exists()
    assert Region.code_is_within("52.72.01.1001", "52.72")
    assert Region.code_is_within("52.72", "52.72")
    assert not Region.code_is_within("52.72", "52.72.01")


def test_within_q_keeps_the_households_of_the_region_only():
    rasanae = HouseholdFactory(region_id="52.72.01.1001")
    elsewhere = HouseholdFactory(region_id="52.72.02.1008")

    found = set(rasanae._meta.model.objects.filter(within_q("52.72.01", "region")))

    assert rasanae in found and elsewhere not in found


def test_regions_imports_no_app_of_the_project():
    """The ground floor: every other app may build on regions, regions on none of them."""
    root = Path(__file__).resolve().parents[2]
    apps = {"accounts", "households", "complaints", "programs", "referrals", "reports"}
    imported = set()
    for path in (root / "regions").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name.split(".")[0]) for alias in node.names)
    assert {(name, module) for name, module in imported if module in apps} == set()


@pytest.mark.parametrize("area", ["52", "52.72", "52.72.01", "52.72.01.1001", "52.7"])
def test_the_sql_form_of_within_keeps_the_same_regions_as_the_filter(area):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code FROM households_region WHERE {within_sql('code', area)}")  # noqa: S608
        by_sql = {code for (code,) in cursor.fetchall()}

    assert by_sql == set(Region.objects.within(area).values_list("code", flat=True))


@pytest.mark.parametrize("code", ["52.72' OR '1'='1", "52.72.%", "", "52..72", "52.72."])
def test_the_sql_form_of_within_refuses_what_is_not_a_region_code(code):
    with pytest.raises(ValueError):
        within_sql("code", code)
