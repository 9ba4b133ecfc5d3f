"""The field roles. A facilitator reads the households of their area, on the web and over the
API, and changes nothing; their complaints stay out of sight. A village operator sees no
household data yet: their home page says what they will do here."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token

from accounts.models import AccessLog
from accounts.navigation import HOME_GUIDANCE, menu_for
from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_register
from households.models import Household, Person
from households.selectors import households_in_scope, persons_in_scope
from tests.accounts.test_admin_scope import user_form
from tests.factories import HouseholdFactory, PersonFactory, staff_user
from tests.test_translations import po_entries

pytestmark = pytest.mark.usefixtures("kota_bima")

HEAD_NIK = "5272010102850001"  # Abdul Haris, born 1-2-1985, of Rasanae Barat
OUTSIDE_KK = "5272021910160003"


@pytest.fixture
def homes(assessed):
    """A household of Rasanae Barat with a complaint, and one of Rasanae Timur."""
    complaint = assessed()
    inside = complaint.household
    Person.objects.filter(household=inside, relationship="head").update(nik=HEAD_NIK)
    outside = HouseholdFactory(
        region_id="52.72.02.1008", kk_number=OUTSIDE_KK, address="Jalan Rasanae Timur 9"
    )
    PersonFactory(household=outside, name="Bambang Suryadi", relationship="head")
    return inside, outside, complaint


@pytest.fixture
def facilitator():
    return staff_user(Role.FACILITATOR, "52.72.01", username="pendamping")


@pytest.fixture
def village_operator():
    return staff_user(Role.VILLAGE_OPERATOR, "52.72.01.1001", username="operator_paruga")


def test_a_facilitator_reads_the_households_of_their_area_only(homes, facilitator):
    inside, _outside, _complaint = homes

    assert set(households_in_scope(facilitator)) == {inside}
    assert set(persons_in_scope(facilitator)) == set(inside.members.all())


def test_a_facilitator_finds_households_of_their_area_by_list_and_search(
    homes, facilitator, as_user
):
    inside, _outside, _complaint = homes
    client = as_user(facilitator)

    listed = client.get(reverse("households:search"))
    found = client.get(reverse("households:search"), {"q": "Abdul Haris"})
    not_found = client.get(reverse("households:search"), {"q": "Bambang Suryadi"})

    assert listed.status_code == 200
    assert list(listed.context["page"].object_list) == [inside]
    assert [person.household for person in found.context["result"].persons] == [inside]
    assert not_found.context["result"].persons == []
    page = listed.content.decode()
    assert HEAD_NIK not in found.content.decode()  # masked in results
    assert "Jalan Rasanae Timur 9" not in page
    for url in (reverse("households:register"), reverse("reports:export", args=["households"])):
        assert url not in page and url not in found.content.decode()
    assert reverse("complaints:create", args=[inside.pk]) not in found.content.decode()
    searches = AccessLog.objects.filter(user=facilitator, action=AccessLog.Action.SEARCH)
    assert {"Abdul Haris", "Bambang Suryadi"} <= set(searches.values_list("query", flat=True))


def test_a_facilitator_reads_a_household_whole_logged_without_its_complaints(
    homes, facilitator, as_user
):
    inside, outside, complaint = homes
    client = as_user(facilitator)

    page = client.get(reverse("households:detail", args=[inside.pk]))
    elsewhere = client.get(reverse("households:detail", args=[outside.pk]))

    assert page.status_code == 200 and elsewhere.status_code == 404
    body = page.content.decode()
    assert HEAD_NIK in body  # the one whole view
    assert complaint.ticket_number not in body
    assert reverse("complaints:detail", args=[complaint.pk]) not in body
    assert reverse("complaints:create", args=[inside.pk]) not in body
    assert reverse("households:edit", args=[inside.pk]) not in body
    viewed = AccessLog.objects.get(user=facilitator, action=AccessLog.Action.VIEW)
    assert viewed.household_id == inside.pk
    assert viewed.purpose == AccessLog.Purpose.SERVICE


def test_the_back_office_still_sees_the_households_complaints(homes, back_office, as_user):
    inside, _outside, complaint = homes

    body = as_user(back_office).get(reverse("households:detail", args=[inside.pk]))

    assert complaint.ticket_number in body.content.decode()


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("households:register", [], "get"),
        ("households:register", [], "post"),
        ("households:edit", ["inside"], "get"),
        ("households:edit", ["inside"], "post"),
        ("households:duplicates", [], "get"),
        ("households:imports", [], "get"),
        ("complaints:queue", [], "get"),
        ("complaints:create", ["inside"], "get"),
        ("complaints:detail", ["complaint"], "get"),
        ("referrals:list", [], "get"),
        ("reports:dashboard", [], "get"),
        ("reports:export", ["households"], "get"),
        ("accounts:access_log", [], "get"),
    ],
)
def test_a_facilitator_is_refused_every_page_that_changes_or_lists_more(
    homes, facilitator, as_user, name, args, method
):
    inside, _outside, complaint = homes
    values = {"inside": inside.pk, "complaint": complaint.pk}
    url = reverse(name, args=[values.get(arg, arg) for arg in args])
    client = as_user(facilitator)

    response = client.post(url, {"address": "Diubah"}) if method == "post" else client.get(url)

    assert response.status_code == 403
    assert not Household.objects.filter(address="Diubah").exists()


def test_a_facilitator_opens_no_admin(facilitator, as_user):
    response = as_user(facilitator).get(reverse("admin:index"))

    assert response.status_code == 302 and "/admin/login/" in response.url


def token_header(user) -> dict:
    """The header an API client of `user` sends."""
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def test_a_facilitators_token_reads_households_of_their_area(homes, facilitator, client):
    inside, outside, _complaint = homes
    auth = token_header(facilitator)

    listed = client.get(reverse("api:household-list"), **auth)
    searched = client.get(reverse("api:household-list"), {"q": OUTSIDE_KK}, **auth)
    one = client.get(reverse("api:household-detail", args=[inside.pk]), **auth)
    other = client.get(reverse("api:household-detail", args=[outside.pk]), **auth)

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [inside.pk]
    assert HEAD_NIK not in listed.content.decode()  # masked in lists
    assert searched.json()["count"] == 0
    assert one.status_code == 200 and HEAD_NIK in one.content.decode()
    assert other.status_code == 404
    assert AccessLog.objects.filter(
        user=facilitator, action=AccessLog.Action.VIEW, household_id=inside.pk
    ).exists()


def test_a_facilitators_token_changes_nothing(homes, facilitator, client):
    inside, _outside, _complaint = homes
    auth = token_header(facilitator)
    detail = reverse("api:household-detail", args=[inside.pk])
    body = json.dumps({"address": "Diubah", "region": inside.region_id, "members": []})

    answers = [
        client.post(reverse("api:household-list"), body, content_type="application/json", **auth),
        client.put(detail, body, content_type="application/json", **auth),
        client.patch(detail, body, content_type="application/json", **auth),
        client.post(
            reverse("api:complaint-list"),
            json.dumps({"household": inside.pk}),
            content_type="application/json",
            **auth,
        ),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert not Household.objects.filter(address="Diubah").exists()


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("api:complaint-list", False),
        ("api:referral-list", False),
        ("api:program-list", True),  # the catalogue, as agency officers read it
    ],
)
def test_a_facilitators_token_reads_the_catalogue_not_complaints_or_referrals(
    homes, facilitator, client, name, allowed
):
    response = client.get(reverse(name), **token_header(facilitator))

    assert response.status_code == (200 if allowed else 403)


def test_a_village_operator_reads_the_households_of_their_village_only(
    homes, village_operator, as_user, client
):
    inside, outside, _complaint = homes
    web = as_user(village_operator)

    assert set(households_in_scope(village_operator)) == {inside}
    assert web.get(reverse("households:detail", args=[inside.pk])).status_code == 200
    assert web.get(reverse("households:detail", args=[outside.pk])).status_code == 404
    assert web.get(reverse("complaints:queue")).status_code == 403
    client.logout()
    auth = token_header(village_operator)
    assert client.get(reverse("api:household-list"), **auth).status_code == 200
    assert client.get(reverse("api:complaint-list"), **auth).status_code == 403


def test_the_village_operators_home_says_what_they_will_do_here(village_operator, as_user):
    page = as_user(village_operator).get(reverse("home")).content.decode()

    for paragraph in HOME_GUIDANCE[Role.VILLAGE_OPERATOR]:
        assert escape(str(paragraph)) in page
    assert escape(str(Role.VILLAGE_OPERATOR.label)) in page
    assert [item["url"] for item in menu_for(village_operator)] == [
        reverse("home"),
        reverse("households:search"),
        reverse("proposals:list"),
        reverse("proposals:batch_list"),
        reverse("proposals:objection_list"),
    ]


def test_the_facilitators_home_and_menu_lead_to_the_households(facilitator, as_user):
    page = as_user(facilitator).get(reverse("home")).content.decode()

    for paragraph in HOME_GUIDANCE[Role.FACILITATOR]:
        assert escape(str(paragraph)) in page
    assert escape(str(Role.FACILITATOR.label)) in page
    urls = {item["url"] for item in menu_for(facilitator)}
    assert reverse("households:search") in urls
    for closed in ("complaints:queue", "referrals:list", "households:duplicates", "admin:index"):
        assert reverse(closed) not in urls


def test_the_field_roles_are_named_in_indonesian():
    entries = po_entries()

    assert entries[None, "Facilitator"] == "Fasilitator"
    assert entries[None, "Village operator"] == "Operator desa/kelurahan"


def test_an_administrator_grants_the_field_roles_by_name(as_user):
    admin = staff_user(Role.ADMIN, "52.72", is_staff=True)
    desk = staff_user(Role.FRONT_OFFICE, "52.72.01", username="desk")

    page = as_user(admin).get(reverse("admin:auth_user_change", args=[desk.pk]))

    body = page.content.decode()
    for role in (Role.FACILITATOR, Role.VILLAGE_OPERATOR):
        group = Group.objects.get(name=role)
        assert f'type="checkbox" name="groups" value="{group.pk}"' in body
        assert escape(str(role.label)) in body


def test_a_user_made_facilitator_does_not_open_the_admin(as_user):
    admin = staff_user(Role.ADMIN, "52.72", is_staff=True)
    desk = staff_user(Role.SUPERVISOR, "52.72.01", username="desk", is_staff=True)
    group = Group.objects.get(name=Role.FACILITATOR)

    answer = as_user(admin).post(
        reverse("admin:auth_user_change", args=[desk.pk]), user_form(desk, groups=[group.pk])
    )

    desk.refresh_from_db()
    assert answer.status_code == 302
    assert list(desk.groups.values_list("name", flat=True)) == [Role.FACILITATOR]
    assert not desk.is_staff


def test_a_complaint_is_not_registered_for_a_facilitator_even_past_the_pages(homes, facilitator):
    inside, _outside, _complaint = homes
    before = Complaint.objects.count()

    with pytest.raises(ValidationError) as refused:
        complaint_register(
            actor=facilitator, household=inside,
            category=ComplaintCategory.objects.get(code="kesehatan-pbi"), channel="home_visit",
            description="Dicatat saat kunjungan", complainant_name="Warga",
        )  # fmt: skip

    assert "household" in refused.value.message_dict
    assert Complaint.objects.count() == before
