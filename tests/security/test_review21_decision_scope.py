"""Review of the decision step (issue 21): the approver's queue and the decision itself start
from the referrals the user may see (`referrals.selectors.referrals_for`), one rule for
both. Whoever holds `referrals.decide_referral` without an office role of the area (an
agency officer or a facilitator the office gave it to) sees no referral waiting in the
queue, as they may open none: the queue would list the area's referrals to every agency,
with their programme, agency, village and who prepared them."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import Role
from referrals.selectors import decision_queue_for
from referrals.services import decision_refusal, referrals_create
from tests.factories import staff_user

MONDAY = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


@pytest.fixture
def waiting(assessed, back_office, catalogue):
    program = catalogue["JAMKESDA"]
    program.requires_decision = True
    program.save()
    with time_machine.travel(MONDAY):
        (referral,) = referrals_create(actor=back_office, complaint=assessed(), programs=[program])
    return referral


def given_the_decision(user):
    user.user_permissions.add(Permission.objects.get(codename="decide_referral"))
    return type(user).objects.get(pk=user.pk)  # permissions read afresh


@pytest.mark.parametrize(
    "make",
    [
        lambda catalogue: staff_user(Role.FACILITATOR, scope="52.72.01"),
        lambda catalogue: staff_user(
            Role.AGENCY_OFFICER, scope="52.72", agency=catalogue["PKH"].agency
        ),
    ],
    ids=["facilitator", "agency_officer_of_another_agency"],
)
def test_a_decider_outside_the_office_roles_is_shown_no_referral_waiting(
    waiting, catalogue, as_user, make
):
    user = given_the_decision(make(catalogue))

    page = as_user(user).get(reverse("referrals:decisions"))

    assert page.status_code == 200
    assert list(page.context["page"].object_list) == []
    assert waiting.number not in page.content.decode()
    assert not decision_queue_for(user).exists()
    assert decision_refusal(user, waiting) == "Rujukan ini di luar wilayah kerja Anda."


def test_a_coordinator_of_the_area_still_has_it_in_the_queue(waiting, as_user):
    coordinator = staff_user(Role.COORDINATOR, scope="52.72.01")

    page = as_user(coordinator).get(reverse("referrals:decisions"))

    assert [referral.pk for referral in page.context["page"].object_list] == [waiting.pk]
    assert decision_refusal(coordinator, waiting) is None


def test_a_coordinator_of_another_district_neither_sees_nor_decides_it(waiting, as_user):
    coordinator = staff_user(Role.COORDINATOR, scope="52.72.02")
    client = as_user(coordinator)

    queue = client.get(reverse("referrals:decisions"))
    decided = client.post(
        reverse("referrals:decide", args=[waiting.pk]), {"decision": "approve", "note": ""}
    )
    unknown = client.post(reverse("referrals:decide", args=[waiting.pk + 999]),
                          {"decision": "approve", "note": ""})  # fmt: skip
    api = client.post(f"/api/v1/referrals/{waiting.pk}/decision/", {"decision": "approve"})

    assert list(queue.context["page"].object_list) == []
    assert decided.status_code == unknown.status_code == api.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_decision"
