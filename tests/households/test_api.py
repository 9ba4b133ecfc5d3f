"""`/api/v1/households/`: scoped, masked in lists, field-level errors, nested members."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from households.models import Household
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from tests.households.test_import_scope import mataram_household  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("kota_bima")

HEAD = {
    "name": "Muhammad Yusuf",
    "nik": "5272011205780001",
    "sex": "M",
    "birth_date": "1978-05-12",
    "relationship": "head",
}
SPOUSE = {
    "name": "Siti Aminah",
    "nik": "5272014308820002",
    "sex": "F",
    "birth_date": "1982-08-03",
    "relationship": "spouse",
    "is_pregnant": True,
}
NEW_HOUSEHOLD = {
    "kk_number": "5272011203150001",
    "region": "52.72.01.1001",
    "address": "Jl. Soekarno-Hatta No. 12",
    "rt": "003",
    "desil": 3,
    "floor_material": 9,
    "members": [HEAD, SPOUSE],
}


@pytest.fixture
def api(client):
    def signed_in(user):
        client.force_login(user)
        return client

    return signed_in


def post(client, data):
    return client.post(reverse("api:household-list"), data, content_type="application/json")


def test_create_a_household_with_members(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))

    response = post(client, NEW_HOUSEHOLD)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kk_number"] == "5272011203150001"
    assert body["region"] == "52.72.01.1001"
    assert [m["name"] for m in body["members"]] == ["Muhammad Yusuf", "Siti Aminah"]
    assert body["members"][1]["is_pregnant"] is True
    assert Household.objects.get().members.count() == 2


def test_errors_name_the_field_and_the_member(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    broken = {
        **NEW_HOUSEHOLD,
        "kk_number": "5272011203150000",
        "members": [HEAD, {**SPOUSE, "sex": "M", "is_pregnant": False}],
    }

    response = post(client, broken)

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"kk_number", "members"}
    assert set(body["members"]) == {"1"}  # keyed by position, as DRF does for shape errors
    assert set(body["members"]["1"]) == {"sex"}
    assert not Household.objects.exists()


def test_shape_errors_are_field_level_too(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))

    response = post(
        client,
        {"region": "52.72.01.1001", "members": [{**HEAD, "birth_date": "31-02-1978", "sex": "X"}]},
    )

    assert response.status_code == 400
    body = response.json()
    assert "address" in body
    assert {"birth_date", "sex"} <= set(body["members"]["0"])


@pytest.mark.parametrize("body", ["{", "[]", "null", '"x"', '{"members": "x"}'])
def test_malformed_bodies_are_400_not_500(api, body):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))

    response = client.post(reverse("api:household-list"), body, content_type="application/json")

    assert response.status_code == 400


def test_a_household_without_a_head_is_refused_on_members(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))

    response = post(client, {**NEW_HOUSEHOLD, "members": [SPOUSE]})

    assert response.status_code == 400
    assert response.json() == {"members": ["Tandai satu anggota sebagai kepala rumah tangga."]}


def test_a_village_outside_scope_is_refused_on_region(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))

    response = post(client, {**NEW_HOUSEHOLD, "region": "52.72.02.1008"})

    assert response.status_code == 400
    assert set(response.json()) == {"region"}


def test_list_masks_identifiers_and_retrieve_shows_them(api):
    household = HouseholdFactory(region_id="52.72.01.1001", kk_number="5272011203150001")
    PersonFactory(household=household, nik="5272011205780001", relationship="head",
                  birth_date="1978-05-12")  # fmt: skip
    client = api(staff_user(scope="52.72.01"))

    listed = client.get(reverse("api:household-list")).json()["results"][0]
    one = client.get(reverse("api:household-detail", args=[household.pk])).json()

    assert listed["kk_number"] == "••••••••••••0001"
    assert listed["members"][0]["nik"] == "••••••••••••0001"
    assert "birth_date" not in listed["members"][0] and listed["members"][0]["age"] >= 48
    assert one["kk_number"] == "5272011203150001"
    assert one["members"][0]["nik"] == "5272011205780001"


def test_q_finds_by_nik_and_by_a_misspelt_name(api):
    household = HouseholdFactory(region_id="52.72.01.1001")
    PersonFactory(household=household, name="Siti Aminah", nik="5272014308820002", sex="F",
                  relationship="head", birth_date="1982-08-03")  # fmt: skip
    HouseholdFactory(region_id="52.72.01.1001")
    client = api(staff_user(scope="52.72.01"))

    by_nik = client.get(reverse("api:household-list"), {"q": "5272014308820002"}).json()
    by_name = client.get(reverse("api:household-list"), {"q": "siti aminha"}).json()

    assert [h["id"] for h in by_nik["results"]] == [household.pk]
    assert [h["id"] for h in by_name["results"]] == [household.pk]


def test_another_districts_household_is_404_and_not_listed(api):
    other = HouseholdFactory(region_id="52.72.02.1008")
    client = api(staff_user(scope="52.72.01"))

    assert client.get(reverse("api:household-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("api:household-list")).json()["count"] == 0
    patch = client.patch(
        reverse("api:household-detail", args=[other.pk]),
        {"address": "x"},
        content_type="application/json",
    )
    assert patch.status_code == 404


def test_patch_changes_the_address_and_keeps_members(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    created = post(client, NEW_HOUSEHOLD).json()

    response = client.patch(
        reverse("api:household-detail", args=[created["id"]]),
        {"address": "Jl. Baru 3"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["address"] == "Jl. Baru 3"
    assert len(response.json()["members"]) == 2


def test_put_replaces_members(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    created = post(client, NEW_HOUSEHOLD).json()
    spouse_id = created["members"][1]["id"]

    response = client.put(
        reverse("api:household-detail", args=[created["id"]]),
        {**NEW_HOUSEHOLD, "members": [{**SPOUSE, "id": spouse_id, "relationship": "head"}]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert [(m["id"], m["relationship"]) for m in response.json()["members"]] == [
        (spouse_id, "head")
    ]


def test_supervisors_read_but_do_not_write(api):
    household = HouseholdFactory(region_id="52.72.01.1001")
    client = api(staff_user(role=Role.SUPERVISOR, scope="52.72"))

    assert client.get(reverse("api:household-detail", args=[household.pk])).status_code == 200
    assert post(client, NEW_HOUSEHOLD).status_code == 403


def test_agency_officers_may_not_read_the_registry(api):
    household = HouseholdFactory(region_id="52.72.01.1001")
    client = api(staff_user(role=Role.AGENCY_OFFICER, scope="52.72"))

    listing = client.get(reverse("api:household-list"))
    one = client.get(reverse("api:household-detail", args=[household.pk]))

    assert (listing.status_code, one.status_code) == (403, 403)
    assert household.address not in listing.content.decode() + one.content.decode()


def test_list_queries_do_not_grow_with_households(api, django_assert_max_num_queries):
    for _ in range(10):
        household = HouseholdFactory(region_id="52.72.01.1001")
        PersonFactory(household=household, relationship="head")
        PersonFactory(household=household)
    client = api(staff_user(scope="52.72"))

    with django_assert_max_num_queries(8):
        client.get(reverse("api:household-list"))


def test_patch_checks_a_members_nik_against_the_whole_record(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    created = post(client, NEW_HOUSEHOLD).json()
    yusuf, aminah = (m["id"] for m in created["members"])

    response = client.patch(
        reverse("api:household-detail", args=[created["id"]]),
        {
            "members": [
                {"id": yusuf, "birth_date": "1990-01-01"},  # his NIK says 12-05-78
                {"id": aminah},
            ]
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["members"]["0"]) == {"birth_date"}
    assert Household.objects.get().members.get(pk=yusuf).birth_date.year == 1978


def test_patch_a_new_member_needs_every_required_field(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    created = post(client, NEW_HOUSEHOLD).json()
    ids = [{"id": m["id"]} for m in created["members"]]

    response = client.patch(
        reverse("api:household-detail", args=[created["id"]]),
        {"members": [*ids, {"name": "Anak Baru"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["members"]["2"]) == {"sex", "birth_date", "relationship"}


def test_the_same_member_twice_is_refused(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    created = post(client, NEW_HOUSEHOLD).json()
    yusuf = created["members"][0]["id"]

    response = client.put(
        reverse("api:household-detail", args=[created["id"]]),
        {
            **NEW_HOUSEHOLD,
            "members": [{**HEAD, "id": yusuf}, {**HEAD, "id": yusuf, "relationship": "child"}],
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "id" in response.json()["members"]["1"]
    assert Household.objects.get().members.count() == 2


def test_two_members_can_swap_niks_typed_the_wrong_way_round(api):
    twins_nik = ["5272012001100003", "5272012001100004"]
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    child = {"sex": "M", "birth_date": "2010-01-20", "relationship": "child"}
    created = post(
        client,
        {
            **NEW_HOUSEHOLD,
            "members": [
                HEAD,
                {**child, "name": "Hasan", "nik": twins_nik[0]},
                {**child, "name": "Husen", "nik": twins_nik[1]},
            ],
        },
    ).json()
    head, hasan, husen = (m["id"] for m in created["members"])

    response = client.patch(
        reverse("api:household-detail", args=[created["id"]]),
        {
            "members": [
                {"id": head},
                {"id": hasan, "nik": twins_nik[1]},
                {"id": husen, "nik": twins_nik[0]},
            ]
        },
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    names = {m["name"]: m["nik"] for m in response.json()["members"]}
    assert names["Hasan"] == twins_nik[1]
    assert names["Husen"] == twins_nik[0]


def test_front_office_cannot_set_the_registry_only_fields(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    registry = {"desil": 1, "desil_source": "DTKS", "desil_date": "2026-01-01", "dtks_id": "X-1"}

    created = post(client, {**NEW_HOUSEHOLD, **registry})
    household = Household.objects.get()
    household.desil, household.dtks_id = 4, "DTKS-4"
    household.save()
    patched = client.patch(
        reverse("api:household-detail", args=[household.pk]), registry,
        content_type="application/json",
    )  # fmt: skip

    assert created.status_code == 201 and patched.status_code == 200
    assert created.json()["desil"] is None and created.json()["dtks_id"] is None
    household.refresh_from_db()
    assert (household.desil, household.desil_source, household.dtks_id) == (4, "", "DTKS-4")
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    properties = schema["components"]["schemas"]["Household"]["properties"]
    assert all(properties[name].get("readOnly") for name in registry)


def test_a_registry_id_already_used_is_refused_on_its_field(api):
    admin = staff_user(role=Role.ADMIN, scope="52.72.01")
    admin.user_permissions.add(Permission.objects.get(codename="add_household"))
    client = api(admin)
    assert post(client, {**NEW_HOUSEHOLD, "dtks_id": "DTKS-001"}).json()["dtks_id"] == "DTKS-001"

    response = post(
        client,
        {
            **NEW_HOUSEHOLD,
            "kk_number": "5272011203150002",
            "dtks_id": "DTKS-001",
            "members": [{**SPOUSE, "relationship": "head", "nik": ""}],
        },
    )

    assert response.status_code == 400
    assert set(response.json()) == {"dtks_id"}


def test_a_nik_of_another_city_is_refused_without_a_word_of_where_and_logged(api, mataram):
    user = staff_user(role=Role.FRONT_OFFICE, scope="52.72.01")
    client = api(user)
    baiq = {**SPOUSE, "name": "Baiq Aminah", "nik": "5271014308820005", "relationship": "head"}

    response = post(client, {**NEW_HOUSEHOLD, "kk_number": mataram.kk_number, "members": [baiq]})

    assert response.status_code == 400
    assert response.json() == {
        "kk_number": ["Nomor KK ini sudah terdaftar; hubungi supervisor untuk memindahkan data"],
        "members": {"0": {"nik": [
            "NIK ini sudah terdaftar; hubungi supervisor untuk memindahkan data"]}},
    }  # fmt: skip
    logged = AccessLog.objects.filter(user=user, action=AccessLog.Action.SEARCH)
    assert sorted(logged.values_list("household_id", flat=True)) == [mataram.pk, mataram.pk]


def test_more_than_thirty_members_are_refused(api):
    client = api(staff_user(role=Role.FRONT_OFFICE, scope="52.72.01"))
    many = [HEAD] + [{**SPOUSE, "nik": "", "relationship": "other"}] * 30

    response = post(client, {**NEW_HOUSEHOLD, "members": many})

    assert response.status_code == 400
    assert "members" in response.json()
    assert not Household.objects.exists()


def test_a_very_long_query_is_answered(api):
    client = api(staff_user(scope="52.72.01"))

    response = client.get(reverse("api:household-list"), {"q": "siti " * 1100})

    assert response.status_code == 200
