"""The visit pages: asking for a visit from a household, assigning it, and the
facilitator's phone form, with its photos stored with the submission or not at all, its
answers to the page's script (JSON) and its 409 when the visit changed meanwhile."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from documents.models import Document
from tests.visits.conftest import photo_upload
from visits.findings import value_label, variable_label
from visits.models import Visit, VisitFinding
from visits.services import visit_assign

JSON = {"HTTP_ACCEPT": "application/json"}


def form_data(visit, **overrides) -> dict:
    data = {
        "version": visit.version,
        "met_name": "Siti Aminah",
        "members_present": [p.pk for p in visit.household.members.all()],
        "floor_material": "9",
        "wall_material": "1",
        "floor_area": "36",
        "owns_motorcycle": "true",
        "gps_consent": "on",
        "latitude": "-8.4606",
        "longitude": "118.7267",
        "notes": "Lantai tanah.",
        "verdict": "layak",
        "photo_front": photo_upload("depan.jpg"),
        "photo_inside": photo_upload("dalam.jpg"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_household_page_offers_a_visit_and_the_form_asks_it(household, staff, client):
    client.force_login(staff["back_office"])
    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert reverse("visits:request", args=[household.pk]) in page

    asked = {"reason": "Cek rumah", "due": "", "assignee": staff["facilitator"].pk}
    response = client.post(reverse("visits:request", args=[household.pk]), asked)

    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("visits:detail", args=[visit.pk])
    assert (visit.status, visit.assignee) == ("assigned", staff["facilitator"])


def test_a_past_due_date_is_a_field_message(household, staff, client):
    client.force_login(staff["front_office"])
    response = client.post(reverse("visits:request", args=[household.pk]),
                           {"reason": "Cek", "due": "01-01-2020"})  # fmt: skip

    assert response.status_code == 400
    assert not Visit.objects.exists()
    assert "invalid-feedback" in response.content.decode()


def test_the_phone_form_is_prefilled_with_the_registry(assigned, staff, client):
    client.force_login(staff["facilitator"])
    page = client.get(reverse("visits:submit", args=[assigned.pk])).content.decode()

    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert 'value="2" selected' in page  # the recorded floor
    assert "js/visit_draft.js" in page and "<script>" not in page
    assert "Siti Aminah" in page and "Budi" in page


def test_the_form_sends_the_visit_with_its_photos(assigned, staff, client):
    client.force_login(staff["facilitator"])
    response = client.post(reverse("visits:submit", args=[assigned.pk]), form_data(assigned))

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.status == "submitted"
    assert set(Document.objects.values_list("kind__code", flat=True)) == {
        "foto_depan", "foto_dalam"
    }  # fmt: skip
    assert VisitFinding.objects.get().field == "floor_material"


def test_a_refused_submission_keeps_no_photo(assigned, staff, client):
    client.force_login(staff["facilitator"])
    response = client.post(
        reverse("visits:submit", args=[assigned.pk]),
        form_data(assigned, latitude="40.0", photo_inside=None),
        **JSON,
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"latitude", "photo_inside"}
    assert not Document.objects.exists()
    assert Visit.objects.get().status == "assigned"


def test_a_visit_changed_meanwhile_answers_409_with_both_versions(assigned, staff, client):
    stale = form_data(assigned)
    visit_assign(actor=staff["back_office"], visit=assigned, assignee=staff["facilitator_2"])
    visit_assign(actor=staff["back_office"], visit=assigned, assignee=staff["facilitator"])
    client.force_login(staff["facilitator"])

    answer = client.post(reverse("visits:submit", args=[assigned.pk]), stale, **JSON)
    page = client.post(reverse("visits:submit", args=[assigned.pk]), form_data(assigned))

    assert answer.status_code == 409
    assert answer.json()["current"]["version"] == 4
    assert not Document.objects.exists()
    assert page.status_code == 409
    body = page.content.decode()
    assert 'name="version" value="4"' in body  # sending again is the facilitator's choice


def test_the_form_is_the_assignees_only(assigned, staff, client):
    for role in ("facilitator_2", "facilitator_other_district", "facilitator_other_city"):
        client.force_login(staff[role])
        assert client.get(reverse("visits:submit", args=[assigned.pk])).status_code == 404
        assert client.get(reverse("visits:detail", args=[assigned.pk])).status_code == 404
    client.force_login(staff["agency_officer"])
    assert client.get(reverse("visits:detail", args=[assigned.pk])).status_code == 403


@pytest.mark.parametrize("role", ["facilitator", "back_office"])
def test_the_queue_lists_what_each_may_see(assigned, staff, client, role):
    client.force_login(staff[role])
    page = client.get(reverse("visits:queue")).content.decode()
    assert reverse("visits:detail", args=[assigned.pk]) in page
    client.force_login(staff["facilitator_2"])
    assert (
        reverse("visits:detail", args=[assigned.pk])
        not in client.get(reverse("visits:queue")).content.decode()
    )


def test_the_phone_pages_fit_a_phone(assigned, staff, client):
    client.force_login(staff["back_office"])
    assert "table-stack" in client.get(reverse("visits:queue")).content.decode()


def test_a_sent_visit_leads_the_office_to_its_review(with_photos, staff, client):
    from tests.visits.conftest import report
    from visits.services import visit_submit

    visit = with_photos("foto_depan", "foto_dalam")
    visit_submit(actor=staff["facilitator"], visit=visit, **report(visit))
    client.force_login(staff["back_office"])

    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()

    assert reverse("visits:review", args=[visit.pk]) in page
    assert client.get(reverse("visits:review", args=[visit.pk])).status_code == 200
    # the difference reads as on the review: the variable and the codes' labels
    with translation.override("id"):
        labels = [variable_label("floor_material"), value_label("floor_material", 2),
                  value_label("floor_material", 9)]  # fmt: skip
    assert all(html.escape(label) in page for label in labels), labels
