"""The complaint queue's search box: a ticket number whole or in part, the head's or the
complainant's name; only inside the user's area, with the list's total."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from complaints.services import complaint_register
from tests.factories import HouseholdFactory, PersonFactory, staff_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("complaints:queue")


@pytest.fixture
def complaints(kota_bima):
    """Two complaints in district 52.72.01 (one of a caller not registered) and one of a
    household of 52.72.02 whose head bears the same name as the first."""
    category = ComplaintCategory.objects.get(code="kesehatan-pbi")

    def complaint_of(region: str, head: str, **fields):
        household = HouseholdFactory(region_id=region)
        head = PersonFactory(household=household, name=head, relationship="head",
                             birth_date=datetime.date(1975, 1, 1))  # fmt: skip
        return complaint_register(
            actor=staff_user(Role.FRONT_OFFICE, scope=region),
            household=household,
            category=category,
            channel="walk_in",
            description="Kartu KIS tidak aktif.",
            complainant=fields.pop("complainant", head),
            **fields,
        )

    return {
        "aminah": complaint_of("52.72.01.1001", "Siti Aminah"),
        "caller": complaint_of(
            "52.72.01.1002", "Ahmad Yani", complainant=None, complainant_name="Nurlela Daeng"
        ),
        "elsewhere": complaint_of("52.72.02.1008", "Siti Aminah"),
    }


@pytest.fixture
def client_of_barat(as_user, kota_bima):
    return as_user(staff_user(Role.BACK_OFFICE, scope="52.72.01"))


def found(response) -> set[str]:
    assert response.status_code == 200
    return {complaint.ticket_number for complaint in response.context["page"].object_list}


def test_a_whole_ticket_number_finds_its_complaint_however_it_is_typed(complaints, client_of_barat):
    ticket = complaints["aminah"].ticket_number

    response = client_of_barat.get(QUEUE, {"tab": "all", "q": f"  {ticket.lower()} "})

    assert found(response) == {ticket}


def test_a_part_of_a_ticket_number_finds_the_complaints_holding_it(complaints, client_of_barat):
    ticket = complaints["caller"].ticket_number

    response = client_of_barat.get(QUEUE, {"tab": "all", "q": ticket[-6:]})

    assert found(response) == {ticket}


def test_the_heads_name_finds_the_households_complaints(complaints, client_of_barat):
    response = client_of_barat.get(QUEUE, {"tab": "all", "q": "siti aminah"})

    assert found(response) == {complaints["aminah"].ticket_number}


def test_a_callers_written_name_finds_the_complaint(complaints, client_of_barat):
    response = client_of_barat.get(QUEUE, {"tab": "all", "q": "Nurlela"})

    assert found(response) == {complaints["caller"].ticket_number}


def test_a_complaint_outside_the_area_is_found_neither_by_ticket_nor_by_name(
    complaints, client_of_barat
):
    elsewhere = complaints["elsewhere"].ticket_number

    by_ticket = client_of_barat.get(QUEUE, {"tab": "all", "q": elsewhere})
    by_name = client_of_barat.get(QUEUE, {"tab": "all", "q": "Aminah"})

    assert found(by_ticket) == set()
    assert "0 pengaduan" in by_ticket.content.decode()
    assert found(by_name) == {complaints["aminah"].ticket_number}
    assert "1 pengaduan" in by_name.content.decode()  # the total counts the area only


def test_a_search_too_short_to_look_up_is_refused_with_a_message(complaints, client_of_barat):
    response = client_of_barat.get(QUEUE, {"tab": "all", "q": " 1 "})

    assert response.status_code == 400
    assert not response.context["page"].object_list
    assert "Ketik sedikitnya 3 karakter" in response.content.decode()


def test_a_search_keeps_the_lists_filters_and_tab(complaints, client_of_barat):
    response = client_of_barat.get(QUEUE, {"tab": "all", "q": "aminah", "status": "registered"})
    page = response.content.decode()

    assert found(response) == {complaints["aminah"].ticket_number}
    assert '<input type="hidden" name="status" value="registered">' in page
    assert '<input type="hidden" name="q" value="aminah">' in page  # in the filters' form


def test_the_searched_queue_takes_a_handful_of_queries(
    complaints, client_of_barat, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client_of_barat.get(QUEUE, {"tab": "all", "q": "aminah"})

    assert response.status_code == 200
