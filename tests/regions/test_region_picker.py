"""The cascading region picker: each list filtered by the one above, limited to scope."""

import re

import pytest
from django import forms
from django.urls import reverse

from accounts.roles import Role
from regions.forms import RegionField
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.usefixtures("kota_bima")


def options(html: str, level_key: str) -> list[str]:
    """The codes the picker offers for one level: a select's options, or a fixed level's
    hidden value."""
    select = re.search(rf'<select[^>]*name="region__{level_key}".*?</select>', html, re.S)
    if select:
        return re.findall(r'<option value="([^"]+)"', select.group(0))
    return re.findall(rf'<input type="hidden" name="region__{level_key}" value="([^"]+)"', html)


def picker(client, **chosen):
    params = {"field": "region", "leaf": 4, **{f"region__{k}": v for k, v in chosen.items()}}
    return client.get(reverse("regions:region_picker"), params)


class VillageForm(forms.Form):
    region = RegionField(label="Wilayah")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)


def test_city_user_starts_at_the_district_with_province_and_city_chosen(as_user):
    html = picker(as_user(staff_user(scope="52.72"))).content.decode()

    assert options(html, "province") == ["52"]
    assert options(html, "regency") == ["52.72"]
    assert "Nusa Tenggara Barat › Kota Bima" in html
    assert 'name="region__regency"' not in html.split("<select")[1]  # fixed: no select
    assert options(html, "district") == [f"52.72.0{n}" for n in range(1, 6)]
    assert options(html, "village") == []


def test_village_user_has_every_level_fixed_to_their_village(as_user):
    html = picker(as_user(staff_user(scope="52.72.01.1001"))).content.decode()

    assert "<select" not in html
    assert options(html, "village") == ["52.72.01.1001"]
    assert "Nusa Tenggara Barat › Kota Bima › Rasanae Barat › Paruga" in html


def test_choosing_a_district_lists_its_villages(as_user):
    html = picker(as_user(staff_user(scope="52.72")), district="52.72.02").content.decode()

    assert options(html, "village") == [
        "52.72.02.1004", "52.72.02.1008", "52.72.02.1009", "52.72.02.1011",
        "52.72.02.1018", "52.72.02.1019", "52.72.02.1020", "52.72.02.1021",
    ]  # fmt: skip


def test_district_user_is_offered_only_their_district(as_user):
    html = picker(as_user(staff_user(scope="52.72.01")), district="52.72.02").content.decode()

    assert options(html, "district") == ["52.72.01"]
    assert all(code.startswith("52.72.01.") for code in options(html, "village"))


def test_a_changed_district_clears_the_village_below_it(as_user):
    client = as_user(staff_user(scope="52.72"))

    html = picker(client, district="52.72.02", village="52.72.01.1001").content.decode()

    assert 'value="52.72.01.1001"' not in html
    assert "selected" not in html.split('name="region__village"')[1].split("</select>")[0]


def test_user_without_scope_is_offered_nothing(as_user):
    html = picker(as_user(staff_user(scope=None))).content.decode()

    assert options(html, "province") == []


@pytest.mark.parametrize(
    "params",
    [{"field": "<script>", "leaf": 4}, {"field": "region", "leaf": 9}, {"field": "r", "leaf": "x"}],
)
def test_bad_picker_requests_answer_400(as_user, params):
    client = as_user(staff_user())

    assert client.get(reverse("regions:region_picker"), params).status_code == 400


def test_field_accepts_a_village_in_scope(kota_bima):
    form = VillageForm({"region__village": "52.72.01.1001"}, user=staff_user(scope="52.72.01"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].name == "Paruga"


def test_field_refuses_a_village_outside_scope():
    form = VillageForm({"region__village": "52.72.02.1008"}, user=staff_user(scope="52.72.01"))

    assert not form.is_valid()
    assert form.errors["region"] == ["Pilih wilayah di dalam wilayah kerja Anda."]


def test_field_refuses_a_district_when_a_village_is_needed():
    form = VillageForm({"region__district": "52.72.01"}, user=staff_user(scope="52.72"))

    assert not form.is_valid()
    assert form.errors["region"] == ["Pilih sampai tingkat desa/kelurahan."]


def test_field_renders_the_saved_village_with_its_lists(kota_bima):
    form = VillageForm(initial={"region": "52.72.03.1002"}, user=staff_user(scope="52.72"))

    html = str(form["region"])

    assert 'value="52.72.03" selected' in html
    assert 'value="52.72.03.1002" selected' in html
    assert 'type="hidden" name="region__regency" value="52.72"' in html
    assert 'id="id_region"' in html
    assert "hx-get" in html


def test_household_list_filters_by_the_picked_district(as_user):
    in_barat = HouseholdFactory(region_id="52.72.01.1001", address="Jalan Barat")
    in_timur = HouseholdFactory(region_id="52.72.02.1008", address="Jalan Timur")
    client = as_user(staff_user(role=Role.FRONT_OFFICE, scope="52.72"))

    page = client.get(reverse("households:search"), {"region__district": "52.72.02"})

    assert in_timur.address in page.content.decode()
    assert in_barat.address not in page.content.decode()


def test_a_field_name_with_a_trailing_newline_is_refused(as_user):
    client = as_user(staff_user())

    response = client.get(reverse("regions:region_picker"), {"field": "region\n", "leaf": 4})

    assert response.status_code == 400
