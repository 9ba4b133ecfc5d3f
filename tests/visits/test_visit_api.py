"""`/api/v1/visits/`: the office asks, the facilitator lists their own and submits; scope,
field messages and the version's 409 as on the web."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from visits.models import Visit, VisitFinding


def client_for(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def submission(visit, **overrides) -> dict:
    body = {
        "version": visit.version,
        "verdict": "layak",
        "observed": {"floor_material": 9, "owns_car": False},
        "met_name": "Siti Aminah",
        "members_present": [p.pk for p in visit.household.members.all()],
        "gps_consent": True,
        "latitude": "-8.460600",
        "longitude": "118.726700",
        "notes": "Lantai tanah.",
    }
    body.update(overrides)
    return body


def test_the_back_office_asks_for_a_visit_and_assigns_it(household, staff):
    response = client_for(staff["back_office"]).post(
        "/api/v1/visits/",
        {"household": household.pk, "reason": "Cek", "assignee": staff["facilitator"].pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["status"], response.json()["version"]) == ("assigned", 2)


def test_a_request_outside_the_area_or_with_a_wrong_facilitator_is_a_field_error(household, staff):
    other = client_for(staff["agency_officer"])
    assert other.post("/api/v1/visits/", {"household": household.pk, "reason": "Cek"},
                      format="json").status_code == 403  # fmt: skip
    response = client_for(staff["back_office"]).post(
        "/api/v1/visits/",
        {"household": household.pk, "reason": "Cek",
         "assignee": staff["facilitator_other_city"].pk, "due": "2020-01-01"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert set(response.json()) == {"assignee", "due"}
    assert not Visit.objects.exists()


def test_a_facilitator_lists_their_own_visits_only(assigned, staff):
    own = client_for(staff["facilitator"]).get("/api/v1/visits/").json()
    colleague = client_for(staff["facilitator_2"]).get("/api/v1/visits/").json()
    elsewhere = client_for(staff["facilitator_other_district"])

    assert [v["id"] for v in own["results"]] == [assigned.pk]
    assert colleague["results"] == []
    assert elsewhere.get(f"/api/v1/visits/{assigned.pk}/").status_code == 404
    assert client_for(staff["agency_officer"]).get("/api/v1/visits/").status_code == 403


def test_the_facilitator_submits_through_the_api(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    api = client_for(staff["facilitator"])

    response = api.post(f"/api/v1/visits/{visit.pk}/submit/", submission(visit), format="json")
    again = api.post(f"/api/v1/visits/{visit.pk}/submit/", submission(visit), format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert VisitFinding.objects.get().observed == 9
    assert again.status_code == 409
    assert again.json()["current"]["status"] == "submitted"


def test_a_stale_version_answers_409_with_the_visit_as_it_is(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")
    body = submission(visit, version=visit.version + 5)

    response = client_for(staff["facilitator"]).post(
        f"/api/v1/visits/{visit.pk}/submit/", body, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current"]["version"] == visit.version
    assert Visit.objects.get().status == "assigned"


def test_bad_values_are_field_messages(with_photos, staff):
    visit = with_photos("foto_depan")
    body = submission(visit, latitude="-20.000000", observed={"floor_material": "x"},
                      members_present=[999999])  # fmt: skip

    response = client_for(staff["facilitator"]).post(
        f"/api/v1/visits/{visit.pk}/submit/", body, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"members_present"}
    body["members_present"] = []
    response = client_for(staff["facilitator"]).post(
        f"/api/v1/visits/{visit.pk}/submit/", body, format="json"
    )
    assert set(response.json()) == {"latitude", "observed.floor_material", "photo_inside"}
