"""What a user sends about records outside their area (an id, a NIK, a KK number, a region
code) gets the answer a record that does not exist gets: the same status, the same message,
the same counts, and nothing outside changes. The world is the access matrix's: everyone
works in Rasanae Barat (52.72.01); the outside records live in Rasanae Timur (52.72.02)."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from households.models import Person
from tests.test_access_matrix import world  # noqa: F401 — the fixture

OUTSIDE_NIK = "5272024308820002"  # the head of the outside household, a woman born 3-8-1982
OUTSIDE_KK = "5272021910160003"
UNKNOWN_NIK = "5272014308820009"
UNKNOWN_KK = "5272011203159999"


@pytest.fixture
def outside(world):  # noqa: F811 — the access matrix's fixture
    objects, markers, users = world
    head = Person.objects.get(household_id=objects["outside"]["household"])
    Person.objects.filter(pk=head.pk).update(
        nik=OUTSIDE_NIK, sex="F", birth_date=datetime.date(1982, 8, 3)
    )
    return objects, markers, users, head


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def shows_outside(response, markers, typed: str = "") -> list[str]:
    """What of the outside household's text the answer shows (but what the user typed)."""
    body = text_of(response)
    return [
        text for text in [*markers["outside"], "Rasanae Timur"] if text in body and text != typed
    ]


@pytest.mark.parametrize("query", [OUTSIDE_NIK, OUTSIDE_KK, "5272 0243 0882 0002", "Bambang"])
def test_a_search_for_someone_outside_finds_no_one_and_is_logged(outside, client, query):
    _objects, markers, users, _head = outside
    client.force_login(users["back_office"])

    page = client.get(reverse("households:search"), {"q": query})
    api = client.get(reverse("api:household-list"), {"q": query})

    assert page.context["result"].persons == []
    assert api.json()["count"] == 0
    assert shows_outside(page, markers, query) == [] and shows_outside(api, markers) == []
    searches = AccessLog.objects.filter(user=users["back_office"], action="search")
    assert list(searches.values_list("rows", flat=True)) == [0, 0]


@pytest.mark.parametrize(
    ("name", "field", "outside_id"),
    [
        ("api:complaint-list", "household", "household"),
        ("api:complaint-list", "complainant", "person"),
        ("api:referral-list", "complaint", "complaint"),
    ],
)
def test_an_id_of_a_record_outside_gets_the_answer_an_unknown_id_gets(
    outside, client, name, field, outside_id
):
    objects, _markers, users, head = outside
    client.force_login(users["back_office"])
    pk = head.pk if outside_id == "person" else objects["outside"][outside_id]
    base = {"household": objects["inside"]["household"], "category": "kesehatan-pbi",
            "channel": "walk_in", "description": "KIS", "complainant_name": "Z",
            "complaint": objects["inside"]["complaint"], "program": "PKH"}  # fmt: skip

    known = client.post(reverse(name), {**base, field: pk}, content_type="application/json")
    unknown = client.post(reverse(name), {**base, field: 999_999}, content_type="application/json")

    assert known.status_code == unknown.status_code == 400
    assert known.content.decode().replace(str(pk), "999999") == unknown.content.decode()


def test_a_household_cannot_take_in_a_member_from_outside(outside, client):
    objects, _markers, users, head = outside
    client.force_login(users["back_office"])
    url = reverse("api:household-detail", args=[objects["inside"]["household"]])
    members = client.get(url).json()["members"]
    newcomer = {"name": "Siti Baru", "sex": "F", "birth_date": "1982-08-03",
                "relationship": "child"}  # fmt: skip

    by_id = client.patch(url, {"members": [*members, {**newcomer, "id": head.pk}]},
                         content_type="application/json")  # fmt: skip
    by_unknown_id = client.patch(url, {"members": [*members, {**newcomer, "id": 999_999}]},
                                 content_type="application/json")  # fmt: skip
    by_nik = client.patch(url, {"members": [*members, {**newcomer, "nik": OUTSIDE_NIK}]},
                          content_type="application/json")  # fmt: skip

    assert by_id.status_code == by_unknown_id.status_code == by_nik.status_code == 400
    assert by_id.json() == by_unknown_id.json()
    message = by_nik.json()["members"][str(len(members))]["nik"][0]
    assert "Rasanae" not in message and str(objects["outside"]["household"]) not in message
    head.refresh_from_db()
    assert (head.household_id, head.name) == (objects["outside"]["household"], "Bambang Suryadi")


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("households:search", [], {"region__district": "52.72.02"}),
        ("complaints:queue", [], {"tab": "all", "district": "52.72.02"}),
        ("referrals:list", [], {"district": "52.72.02"}),
        ("reports:dashboard", [], {"district": "52.72.02"}),
        ("reports:monthly", [], {"area": "52.72.02"}),
        ("reports:monthly", [], {"area": "52.71", "format": "csv"}),
        ("reports:export", ["households"], {"region__district": "52.72.02"}),
        ("reports:export", ["complaints"], {"district": "52.72.02"}),
        ("reports:export", ["referrals"], {"district": "52.72.02"}),
        ("regions:region_picker", [], {"field": "region", "region__district": "52.72.02"}),
    ],
)
def test_a_region_outside_in_a_filter_shows_nothing_of_it(outside, client, name, args, data):
    _objects, markers, users, _head = outside
    client.force_login(users["supervisor"])

    response = client.get(reverse(name, args=args), data)

    assert response.status_code in (200, 400)
    assert shows_outside(response, markers) == []
    rows = (response.context or {}).get("rows")
    assert rows in (None, 0, 1, 3)  # the area's own: one complaint and referral, 3 households


def test_the_person_data_page_answers_an_outside_nik_as_an_unknown_one(outside, client):
    _objects, markers, users, _head = outside
    client.force_login(users["supervisor"])

    known = client.post(reverse("reports:person_data"), {"nik": OUTSIDE_NIK})
    unknown = client.post(reverse("reports:person_data"), {"nik": UNKNOWN_NIK})

    assert known.status_code == unknown.status_code == 400
    assert known.context["form"].errors == unknown.context["form"].errors
    assert shows_outside(known, markers) == []


def _outside_terms(objects) -> dict[str, str]:
    from referrals.models import Referral

    referral = Referral.objects.select_related("complaint").get(pk=objects["outside"]["referral"])
    ticket = referral.complaint.ticket_number
    return {
        "ticket": ticket,
        "part of the ticket": ticket[-8:],
        "referral number": referral.number,
        "head's name": "Bambang Suryadi",
    }


UNKNOWN_TERMS = {
    "ticket": "SLRT-5272-2026-999999",
    "part of the ticket": "2026-999999",
    "referral number": "SLRT-5272-2026-999999/R1",
    "head's name": "Zulkarnain Mahmud",
}


def _list_answer(client, url: str, data: dict) -> tuple[int, int]:
    response = client.get(url, data)
    assert response.status_code == 200, response.status_code
    if "cl" in response.context:  # the admin's list
        return response.status_code, response.context["cl"].result_count
    return response.status_code, response.context["page"].paginator.count


@pytest.mark.parametrize("kind", list(UNKNOWN_TERMS))
@pytest.mark.parametrize(
    ("user", "url", "data"),
    [
        ("back_office", "complaints:queue", {"tab": "all"}),
        ("back_office", "referrals:list", {}),
        ("supervisor", "admin:referrals_referral_changelist", {}),
        ("agency_elsewhere", "referrals:list", {}),
        ("agency_other_city", "referrals:list", {}),
    ],
)
def test_a_list_searched_for_something_outside_answers_as_for_something_unknown(
    outside, client, user, url, data, kind
):
    objects, markers, users, _head = outside
    actor = users[user]
    if url.startswith("admin:"):
        actor.is_staff = True
        actor.save(update_fields=["is_staff"])
    client.force_login(actor)
    term = _outside_terms(objects)[kind]

    found = client.get(reverse(url), {**data, "q": term})
    answers = [_list_answer(client, reverse(url), {**data, "q": q})
               for q in (term, UNKNOWN_TERMS[kind])]  # fmt: skip

    assert answers[0] == answers[1] and answers[0][1] == 0
    # What was typed comes back in the search box, and one's own area's name in its filter
    # (the officer of Rasanae Timur: the outside referral is another agency's there).
    own_area = actor.staff_profile.scope.name
    shown = shows_outside(found, markers)
    assert [text for text in shown if text not in term and text not in own_area] == []


def test_an_agency_searching_another_agencys_referral_finds_nothing(outside, client):
    from referrals.models import Referral

    objects, _markers, users, _head = outside
    inside = Referral.objects.select_related("complaint").get(pk=objects["inside"]["referral"])
    client.force_login(users["other_agency"])  # PIP's agency; the inside referral is BPNT's

    for term in (inside.number, inside.complaint.ticket_number, "Rahmat Hidayat"):
        status, count = _list_answer(client, reverse("referrals:list"), {"q": term})
        assert (status, count) == (200, 0)
