"""Values as people and phones type them on the visit form and the API (comma decimals,
thousands dots, a phone's full-precision position), and what a refused submission leaves
behind: nothing, not even its photos' files."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.models import Document
from tests.documents.conftest import stored_files
from tests.visits.conftest import photo_upload, report
from tests.visits.test_visit_api import client_for, submission
from tests.visits.test_visit_pages import JSON, form_data
from visits.models import Visit, VisitEvent
from visits.services import visit_submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "overrides",
    [
        {"latitude": "40.0"},  # refused by the service, after the photos were stored
        {"gps_consent": None, "latitude": "", "longitude": ""},
        {"floor_area": "-5"},
    ],
)
def test_a_refused_submission_leaves_no_photo_file_in_the_storage(
    assigned, staff, client, settings, overrides
):
    client.force_login(staff["facilitator"])
    events = VisitEvent.objects.count()

    response = client.post(
        reverse("visits:submit", args=[assigned.pk]), form_data(assigned, **overrides), **JSON
    )

    assert response.status_code == 400
    assert not Document.objects.exists() and stored_files(settings) == []
    assert VisitEvent.objects.count() == events and Visit.objects.get().status == "assigned"


def test_a_visit_sent_twice_keeps_only_the_first_sendings_photos(assigned, staff, client, settings):
    client.force_login(staff["facilitator"])
    first = client.post(reverse("visits:submit", args=[assigned.pk]), form_data(assigned), **JSON)
    kept = stored_files(settings)

    again = client.post(reverse("visits:submit", args=[assigned.pk]), form_data(assigned), **JSON)

    assert first.status_code == 200 and again.status_code == 409, again.content
    assert Document.objects.count() == 2 and stored_files(settings) == kept


def test_the_form_takes_a_floor_area_with_a_decimal_comma_and_income_with_thousands_dots(
    assigned, staff, client
):
    client.force_login(staff["facilitator"])

    response = client.post(
        reverse("visits:submit", args=[assigned.pk]),
        form_data(assigned, floor_area="36,5", monthly_income="1.750.000"),
        **JSON,
    )

    assert response.status_code == 200, response.content
    observed = Visit.objects.get().observed
    assert observed["floor_area"] == "36.50" and observed["monthly_income"] == 1750000


@pytest.mark.parametrize("income", ["1.5", "1.50.000", "15.000.00", "1,500,000"])
def test_an_income_that_is_not_a_whole_number_of_rupiah_is_refused(with_photos, staff, income):
    visit = with_photos("foto_depan", "foto_dalam")

    with pytest.raises(ValidationError) as error:
        visit_submit(
            actor=staff["facilitator"], visit=visit,
            **report(visit, observed={"monthly_income": income}),
        )  # fmt: skip

    assert set(error.value.message_dict) == {"observed.monthly_income"}


def test_an_income_sent_as_a_fraction_is_refused_not_cut(with_photos, staff):
    visit = with_photos("foto_depan", "foto_dalam")

    response = client_for(staff["facilitator"]).post(
        f"/api/v1/visits/{visit.pk}/submit/",
        submission(visit, observed={"monthly_income": 1500000.7}),
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"observed.monthly_income"}
    assert Visit.objects.get().status == "assigned"


@pytest.mark.parametrize(
    "latitude, longitude",
    [
        (-8.460612345678901, 118.72671234567891),  # a phone's position, as a JSON number
        ("-8.4606123456", "118.7267123456"),
        ("-8,4606", "118,7267"),  # as the web form takes it
    ],
)
def test_the_api_takes_a_phones_position_as_the_form_does(with_photos, staff, latitude, longitude):
    visit = with_photos("foto_depan", "foto_dalam")

    response = client_for(staff["facilitator"]).post(
        f"/api/v1/visits/{visit.pk}/submit/",
        submission(visit, latitude=latitude, longitude=longitude),
        format="json",
    )

    assert response.status_code == 200, response.json()
    visit.refresh_from_db()
    assert str(visit.latitude).startswith("-8.4606") and str(visit.longitude).startswith("118.7267")


@pytest.mark.parametrize("latitude", [True, [1], {"a": 1}, "utara"])
def test_the_api_refuses_a_position_that_is_not_a_number_at_its_field(with_photos, staff, latitude):
    visit = with_photos("foto_depan", "foto_dalam")

    response = client_for(staff["facilitator"]).post(
        f"/api/v1/visits/{visit.pk}/submit/", submission(visit, latitude=latitude), format="json"
    )

    assert response.status_code == 400 and set(response.json()) == {"latitude"}


def test_the_phone_form_says_every_mistake_at_once(assigned, staff, client, settings):
    client.force_login(staff["facilitator"])
    fake = photo_upload("dalam.jpg")
    fake.file.seek(0)
    fake.file.truncate()
    fake.file.write(b"<html>bukan foto</html>")
    fake.file.seek(0)

    response = client.post(
        reverse("visits:submit", args=[assigned.pk]),
        form_data(assigned, verdict="", latitude="40,5", photo_inside=fake, floor_area="abc"),
        **JSON,
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"verdict", "latitude", "photo_inside", "floor_area"}
    assert "bukan foto" in errors["photo_inside"][0]
    assert not Document.objects.exists() and stored_files(settings) == []


def test_the_phone_forms_variables_are_labelled_as_the_house_style_writes_labels(
    assigned, staff, client
):
    client.force_login(staff["facilitator"])

    page = client.get(reverse("visits:submit", args=[assigned.pk])).content.decode()

    assert ">Lantai<" in page.replace("\n", "").replace(" <", "<").replace("> ", ">")
    assert ">lantai<" not in page.replace("\n", "").replace(" <", "<").replace("> ", ">")


def test_the_visits_page_shows_its_differences_by_label_not_by_code(with_photos, staff, client):
    visit = with_photos("foto_depan", "foto_dalam")
    visit_submit(
        actor=staff["facilitator"], visit=visit,
        **report(visit, observed={"floor_material": 9, "floor_area": "40.5"}),
    )  # fmt: skip
    client.force_login(staff["back_office"])

    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()

    table = page[page.index("table-stack") :]
    assert ">Lantai<" in table and "40,5 m²" in table
    assert ">9<" not in table and ">2<" not in table and "40.50" not in table
