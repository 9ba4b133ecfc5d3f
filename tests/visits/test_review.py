"""The back office's review of a submitted home visit: each difference accepted (the
household takes the observed value, with its history) or refused, never twice, never over a
value changed since the visit; the last decision reviews the visit and its verdict reaches
the complaint or referral that asked for it."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from complaints.models import ComplaintEvent
from households.models import Household
from households.registry_codes import FloorMaterial
from referrals.models import ReferralEvent
from referrals.services import referrals_create
from tests.factories import staff_user
from tests.visits.review_data import submitted_visit
from visits.findings import value_label, variable_label
from visits.models import OBSERVED_FIELDS, Visit, VisitEvent, VisitFinding
from visits.review import FindingOutdated, visit_finding_decide, visit_review_finish


@pytest.fixture
def visit(kota_bima):
    return submitted_visit()


def finding_of(visit: Visit, field: str) -> VisitFinding:
    return visit.findings.get(field=field)


def decide(client, finding: VisitFinding, decision: str):
    return client.post(reverse("visits:finding_decide", args=[finding.pk]), {"decision": decision})


def test_the_review_page_shows_each_difference_with_the_labels_of_the_variable_and_codes(
    visit, back_office, as_user
):
    page = as_user(back_office).get(reverse("visits:review", args=[visit.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    with translation.override("id"):
        expected = [
            variable_label("floor_material"),
            str(FloorMaterial(1).label),
            str(FloorMaterial(3).label),
            variable_label("owns_motorcycle"),
        ]
    assert all(html.escape(text) in body for text in expected), expected
    assert body.count('name="decision" value="accepted"') == 3
    assert body.count('name="decision" value="refused"') == 3
    assert "csrfmiddlewaretoken" in body
    assert "5272011203150001" not in body  # the KK number is masked on the review page


def test_accepting_writes_the_observed_value_with_a_history_row_naming_the_officer_and_visit(
    visit, back_office, as_user
):
    floor = finding_of(visit, "floor_material")

    answer = decide(as_user(back_office), floor, "accepted")

    household = Household.objects.get(pk=visit.household_id)
    last = household.history.order_by("-history_id").first()
    floor.refresh_from_db()
    assert answer.status_code == 302
    assert household.floor_material == 3
    assert last.history_user == back_office
    assert f"#{visit.pk}" in last.history_change_reason
    assert (floor.decision, floor.decided_by, floor.decided_at is not None) == (
        "accepted", back_office, True
    )  # fmt: skip
    event = VisitEvent.objects.get(visit=visit, action=VisitEvent.Action.FINDING_ACCEPTED)
    assert event.actor == back_office


def test_the_history_row_names_the_officer_outside_a_request_too(visit, back_office):
    """The API, a task or a command call the service without a request to read a user from."""
    visit_finding_decide(
        actor=back_office, finding=finding_of(visit, "wall_material"), decision="accepted"
    )

    last = Household.history.filter(id=visit.household_id).order_by("-history_id").first()
    assert (last.history_user, last.wall_material) == (back_office, 2)
    assert f"#{visit.pk}" in last.history_change_reason


def test_refusing_keeps_the_registrys_value_and_writes_no_history(visit, back_office, as_user):
    wall = finding_of(visit, "wall_material")
    rows_before = Household.history.filter(id=visit.household_id).count()

    decide(as_user(back_office), wall, "refused")

    wall.refresh_from_db()
    assert Household.objects.get(pk=visit.household_id).wall_material == 1
    assert Household.history.filter(id=visit.household_id).count() == rows_before
    assert wall.decision == "refused"
    assert VisitEvent.objects.filter(visit=visit, action="finding_refused").count() == 1


def test_a_decided_difference_cannot_be_decided_again(visit, back_office, as_user):
    client = as_user(back_office)
    floor = finding_of(visit, "floor_material")
    decide(client, floor, "refused")

    again = decide(client, floor, "accepted")

    floor.refresh_from_db()
    assert again.status_code == 400
    assert 'role="alert"' in again.content.decode()
    assert floor.decision == "refused"
    assert Household.objects.get(pk=visit.household_id).floor_material == 1


def test_a_difference_changed_in_the_household_since_the_visit_is_asked_again_not_overwritten(
    visit, back_office, as_user
):
    Household.objects.filter(pk=visit.household_id).update(floor_material=2)  # edited meanwhile
    floor = finding_of(visit, "floor_material")
    client = as_user(back_office)

    first = decide(client, floor, "accepted")

    floor.refresh_from_db()
    assert first.status_code == 409
    with translation.override("id"):
        now = value_label("floor_material", 2)
    assert html.escape(now) in first.content.decode()
    assert Household.objects.get(pk=visit.household_id).floor_material == 2
    assert (floor.decision, floor.recorded) == ("pending", 2)

    second = decide(client, floor, "accepted")

    assert second.status_code == 302
    assert Household.objects.get(pk=visit.household_id).floor_material == 3


def test_the_service_says_the_household_changed_in_its_own_error(visit, back_office):
    Household.objects.filter(pk=visit.household_id).update(owns_motorcycle=True)

    with pytest.raises(FindingOutdated):
        visit_finding_decide(
            actor=back_office, finding=finding_of(visit, "owns_motorcycle"), decision="refused"
        )


def test_the_last_decision_reviews_the_visit_and_tells_the_complaint_its_verdict(
    assessed, back_office, poor_household, as_user
):
    complaint = assessed()
    visit = submitted_visit(
        household=poor_household,
        complaint=complaint,
        verdict=Visit.Verdict.PINDAH,
        findings=[("floor_material", 2, 3), ("tenure", 1, 2)],
    )
    client = as_user(back_office)

    decide(client, finding_of(visit, "floor_material"), "accepted")
    visit.refresh_from_db()
    assert visit.status == "submitted"
    decide(client, finding_of(visit, "tenure"), "refused")

    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_by) == ("reviewed", back_office)
    assert visit.reviewed_at is not None
    assert VisitEvent.objects.filter(visit=visit, action="reviewed").count() == 1
    event = ComplaintEvent.objects.get(complaint=complaint, action="visit_done")
    assert "12-11-2026" in event.note and visit.get_verdict_display() in event.note
    assert "1" in event.note and "2" in event.note  # one of two accepted
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert html.escape(event.note) in detail


def test_the_verdict_reaches_the_referral_where_the_agency_reads_it(
    assessed, back_office, poor_household, catalogue, officer_of, as_user
):
    complaint = assessed()
    (referral,) = referrals_create(
        actor=back_office, complaint=complaint, programs=[catalogue["PBI-JK"]], notes=""
    )
    visit = submitted_visit(
        household=poor_household,
        referral=referral,
        verdict=Visit.Verdict.TIDAK_LAYAK,
        findings=[("floor_material", 2, 3)],
    )

    decide(as_user(back_office), finding_of(visit, "floor_material"), "accepted")

    event = ReferralEvent.objects.get(referral=referral, action="visit_done")
    assert visit.get_verdict_display() in event.note
    agency_page = as_user(officer_of("PBI-JK")).get(reverse("referrals:detail", args=[referral.pk]))
    assert html.escape(event.note) in agency_page.content.decode()


def test_a_visit_without_differences_is_finished_by_hand(kota_bima, back_office, as_user):
    visit = submitted_visit(findings=[])
    client = as_user(back_office)

    page = client.get(reverse("visits:review", args=[visit.pk])).content.decode()
    answer = client.post(reverse("visits:review_finish", args=[visit.pk]))

    visit.refresh_from_db()
    assert reverse("visits:review_finish", args=[visit.pk]) in page
    assert answer.status_code == 302
    assert visit.status == "reviewed"


def test_each_decision_and_the_move_to_reviewed_raise_the_version_once(visit, back_office):
    version = Visit.objects.get(pk=visit.pk).version

    for field in ("floor_material", "wall_material", "owns_motorcycle"):
        finding = finding_of(visit, field)
        visit_finding_decide(actor=back_office, finding=finding, decision="refused")

    visit.refresh_from_db()
    assert visit.status == "reviewed"
    assert visit.version == version + 4  # three decisions and one move
    assert VisitEvent.objects.filter(visit=visit, action="reviewed").count() == 1


def test_the_review_finishes_only_as_the_transition_table_allows(
    kota_bima, back_office, monkeypatch
):
    from visits import services

    visit = submitted_visit(findings=[])
    monkeypatch.setitem(services.VISIT_TRANSITIONS, Visit.Status.SUBMITTED, {})

    with pytest.raises(ValidationError):
        visit_review_finish(actor=back_office, visit=visit)

    visit.refresh_from_db()
    assert visit.status == "submitted"
    assert not VisitEvent.objects.filter(visit=visit).exists()


def test_a_review_is_not_finished_while_a_difference_waits(visit, back_office, as_user):
    answer = as_user(back_office).post(reverse("visits:review_finish", args=[visit.pk]))

    visit.refresh_from_db()
    assert answer.status_code == 400
    assert visit.status == "submitted"


@pytest.mark.parametrize("status", ["reviewed", "cancelled", "assigned"])
def test_no_decision_is_made_on_a_visit_that_is_not_waiting_for_review(visit, back_office, status):
    Visit.objects.filter(pk=visit.pk).update(status=status)

    with pytest.raises(ValidationError) as refused:
        visit_finding_decide(
            actor=back_office, finding=finding_of(visit, "floor_material"), decision="accepted"
        )

    assert refused.value.messages
    assert Household.objects.get(pk=visit.household_id).floor_material == 1
    assert not VisitEvent.objects.filter(visit=visit).exists()


def test_an_unknown_decision_is_refused_with_a_message_and_nothing_saved(
    visit, back_office, as_user
):
    answer = decide(as_user(back_office), finding_of(visit, "floor_material"), "maybe")

    assert answer.status_code == 400
    assert 'role="alert"' in answer.content.decode()
    assert finding_of(visit, "floor_material").decision == "pending"


def test_the_facilitator_who_made_the_visit_never_decides_it_even_holding_the_back_office_role(
    kota_bima,
):
    facilitator = staff_user(Role.FACILITATOR, "52.72.01")
    facilitator.groups.add(*staff_user(Role.BACK_OFFICE, "52.72.01").groups.all())
    visit = submitted_visit(facilitator=facilitator)

    with pytest.raises(ValidationError):
        visit_finding_decide(
            actor=facilitator, finding=finding_of(visit, "floor_material"), decision="accepted"
        )
    with pytest.raises(ValidationError):
        visit_review_finish(actor=facilitator, visit=visit)


def test_a_supervisor_decides_too(visit, kota_bima, as_user):
    supervisor = staff_user(Role.SUPERVISOR, "52.72")

    answer = decide(as_user(supervisor), finding_of(visit, "owns_motorcycle"), "accepted")

    assert answer.status_code == 302
    assert Household.objects.get(pk=visit.household_id).owns_motorcycle is True


# --- who reaches the review -------------------------------------------------------------------


def review_urls(visit: Visit) -> dict[str, tuple[str, str]]:
    finding = finding_of(visit, "floor_material")
    return {
        "review": ("get", reverse("visits:review", args=[visit.pk])),
        "sheet": ("get", reverse("visits:sheet", args=[visit.pk])),
        "decide": ("post", reverse("visits:finding_decide", args=[finding.pk])),
        "finish": ("post", reverse("visits:review_finish", args=[visit.pk])),
    }


def answer_to(client, method: str, url: str):
    if method == "post":
        return client.post(url, {"decision": "accepted"})
    return client.get(url)


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda: staff_user(Role.BACK_OFFICE, "52.72.02"), id="back office elsewhere"),
        pytest.param(lambda: staff_user(Role.SUPERVISOR, "52.71"), id="supervisor of Mataram"),
        pytest.param(lambda: staff_user(Role.FACILITATOR, "52.72.01"), id="another facilitator"),
        pytest.param(lambda: staff_user(Role.AGENCY_OFFICER, "52.72"), id="agency officer"),
        pytest.param(lambda: staff_user(None, "52.72.01"), id="no role"),
    ],
)
def test_those_out_of_reach_of_the_visit_get_404_everywhere(visit, make_user, client):
    from regions.models import Region

    Region.objects.get_or_create(code="52.71", defaults={"name": "Kota Mataram", "level": 2,
                                                         "parent_id": "52"})  # fmt: skip
    client.force_login(make_user())

    answers = {
        name: answer_to(client, method, url).status_code
        for name, (method, url) in review_urls(visit).items()
    }

    assert answers == dict.fromkeys(answers, 404)
    assert finding_of(visit, "floor_material").decision == "pending"


def test_the_facilitator_who_made_the_visit_reads_it_but_cannot_decide(visit, client):
    client.force_login(visit.assignee)
    urls = review_urls(visit)

    answers = {name: answer_to(client, *urls[name]).status_code for name in urls}

    assert answers == {"review": 200, "sheet": 200, "decide": 403, "finish": 403}
    assert 'value="accepted"' not in client.get(urls["review"][1]).content.decode()


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.ADMIN])
def test_office_staff_who_do_not_decide_read_the_review_without_buttons(visit, role, client):
    client.force_login(staff_user(role, "52.72.01"))
    urls = review_urls(visit)

    page = client.get(urls["review"][1])
    decided = answer_to(client, *urls["decide"])

    assert page.status_code == 200
    assert 'value="accepted"' not in page.content.decode()
    assert decided.status_code == 403
    assert finding_of(visit, "floor_material").decision == "pending"


def test_the_review_page_with_every_variable_different_stays_within_its_query_budget(
    kota_bima, back_office, as_user, django_assert_max_num_queries
):
    findings = [(field, None, 1) for field in OBSERVED_FIELDS]
    assert len(findings) == 17
    visit = submitted_visit(findings=findings)
    client = as_user(back_office)
    url = reverse("visits:review", args=[visit.pk])
    client.get(url)

    # the session, the user, their roles and area, the visit, its differences, the head, its
    # photos: no query per difference
    with django_assert_max_num_queries(8):
        page = client.get(url)

    assert page.content.decode().count('value="accepted"') == 17


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("postgresql")
def test_two_officers_deciding_one_difference_at_once_decide_it_once(kota_bima):
    """One accepts and the other refuses at the same instant: one decision wins, the other
    is told the difference is already decided, and the household matches the winner."""
    import threading

    from django.db import connection

    from tests.services import require_postgresql

    require_postgresql()
    visit = submitted_visit(findings=[("floor_material", 1, 3), ("wall_material", 1, 2)])
    officers = [staff_user(Role.BACK_OFFICE, "52.72.01") for _ in range(2)]
    finding = finding_of(visit, "floor_material")
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def officer(user, decision):
        try:
            barrier.wait()
            visit_finding_decide(actor=user, finding=finding, decision=decision)
            outcomes[decision] = "decided"
        except ValidationError as error:
            outcomes[decision] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=officer, args=(officers[0], "accepted")),
        threading.Thread(target=officer, args=(officers[1], "refused")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    finding.refresh_from_db()
    assert sorted(outcomes.values()).count("decided") == 1
    winner = next(decision for decision, outcome in outcomes.items() if outcome == "decided")
    assert finding.decision == winner
    floor = Household.objects.get(pk=visit.household_id).floor_material
    assert floor == (3 if winner == "accepted" else 1)
    assert VisitEvent.objects.filter(visit=visit).count() == 1


def test_a_visit_not_yet_submitted_says_so_and_offers_nothing_to_decide(
    kota_bima, back_office, as_user
):
    visit = submitted_visit(findings=[], status=Visit.Status.ASSIGNED, submitted_at=None)

    page = as_user(back_office).get(reverse("visits:review", args=[visit.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("visits:review_finish", args=[visit.pk]) not in body
    assert 'role="status"' in body
