"""Proposals, objections and household changes attacked by a reviewer: odd ids in the query
string, a file prepared and verified by one person, framework messages left in English."""

import pytest
from django.test import Client
from django.urls import reverse

from proposals.models import Proposal

# Characters str.isdigit() takes for digits that int() refuses.
NOT_INTS = ["²", "³", "①", "１²"]


@pytest.fixture
def web(staff):
    def sign_in(who: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="id", raise_request_exception=False)
        client.force_login(staff[who])
        return client

    return sign_in


@pytest.mark.parametrize("value", NOT_INTS)
def test_a_complaint_id_that_only_looks_like_digits_is_not_a_crash(recipient, web, value):
    client = web("front_office")
    url = reverse("proposals:create", args=[recipient.pk])
    member = recipient.members.first()
    assert client.get(url, {"complaint": value}).status_code in (200, 404)
    response = client.post(url, {"kind": "exit", "person": member.pk, "exit_reason": "moved",
                                 "complaint": value})  # fmt: skip
    assert response.status_code in (302, 400, 404)
    assert not Proposal.objects.filter(complaint__isnull=False).exists()


@pytest.mark.parametrize("value", NOT_INTS)
@pytest.mark.parametrize("page", ["households:record_death", "households:record_move_out"])
def test_a_member_id_that_only_looks_like_digits_is_not_a_crash(recipient, web, page, value):
    response = web("front_office").get(reverse(page, args=[recipient.pk]), {"member": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NOT_INTS)
def test_the_visit_pages_take_such_ids_without_a_crash(recipient, web, value):
    client = web("back_office")
    assert client.get(reverse("visits:queue"), {"assignee": value}).status_code == 200
    request = reverse("visits:request", args=[recipient.pk])
    for name in ("complaint", "referral"):
        assert client.get(request, {name: value}).status_code == 200
