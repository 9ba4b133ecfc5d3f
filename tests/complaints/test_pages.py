"""The front office registers and prints; the back office works its queue."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import Complaint, ComplaintCategory
from tests.factories import HouseholdFactory, staff_user

pytestmark = pytest.mark.django_db


def intake(household, **fields):
    return {
        "complainant": household.members.first().pk,
        "complainant_name": "",
        "channel": "walk_in",
        "category": ComplaintCategory.objects.get(code="kesehatan-pbi").pk,
        "urgency": "urgent",
        "description": "Kartu KIS tidak aktif.",
        "consent_given": "on",
        **fields,
    }


def test_front_office_registers_a_complaint_and_gets_the_receipt(as_user, front_office, household):
    client = as_user(front_office)

    response = client.post(reverse("complaints:create", args=[household.pk]), intake(household))

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("complaints:detail", args=[complaint.pk])
    assert complaint.consent_given and complaint.consent_recorded_by == front_office
    receipt = client.get(reverse("complaints:receipt", args=[complaint.pk])).content.decode()
    assert complaint.ticket_number in receipt
    assert "Tanda terima pengaduan" in receipt
    narrow = client.get(reverse("complaints:receipt", args=[complaint.pk]), {"width": "narrow"})
    assert "receipt-narrow.css" in narrow.content.decode()


def test_bad_intake_shows_field_errors_and_saves_nothing(as_user, front_office, household):
    client = as_user(front_office)

    response = client.post(
        reverse("complaints:create", args=[household.pk]),
        intake(household, complainant="", complainant_name="", description="", category="999"),
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"description", "category"} <= set(errors)
    assert not Complaint.objects.exists()


def test_a_caller_without_a_name_is_refused_on_the_name(as_user, front_office, household):
    client = as_user(front_office)

    response = client.post(
        reverse("complaints:create", args=[household.pk]),
        intake(household, complainant="", complainant_name=""),
    )

    assert response.status_code == 400
    assert "complainant_name" in response.context["form"].errors


def test_intake_for_a_household_outside_the_scope_is_404(as_user, front_office):
    outside = HouseholdFactory(region_id="52.72.02.1008")
    client = as_user(front_office)

    assert client.get(reverse("complaints:create", args=[outside.pk])).status_code == 404


def test_front_office_sees_todays_registrations_of_its_office(as_user, front_office, register):
    complaint = register()
    client = as_user(front_office)

    page = client.get(reverse("complaints:queue"), {"tab": "today"}).content.decode()

    assert complaint.ticket_number in page


def test_back_office_queue_shows_unassigned_and_mine_oldest_due_first(as_user, register, kota_bima):
    from complaints.services import complaint_assign

    me = staff_user(role=Role.BACK_OFFICE, scope="52.72", username="bo1")
    colleague = staff_user(role=Role.BACK_OFFICE, scope="52.72", username="bo2")
    slow = register(category=ComplaintCategory.objects.get(code="perumahan"))  # due later
    fast = register(category=ComplaintCategory.objects.get(code="bencana"))
    theirs = register()
    complaint_assign(actor=colleague, complaint=theirs, assignee=colleague)
    client = as_user(me)

    page = client.get(reverse("complaints:queue"), {"tab": "mine"})

    listed = list(page.context["page"].object_list)
    assert listed == [fast, slow]


def test_queue_filters_by_urgency_and_district(as_user, register, kota_bima):
    urgent = register(urgency="emergency")
    normal = register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    by_urgency = client.get(reverse("complaints:queue"), {"tab": "all", "urgency": "emergency"})
    other_district = client.get(reverse("complaints:queue"), {"tab": "all", "district": "52.72.02"})

    assert list(by_urgency.context["page"].object_list) == [urgent]
    assert normal not in other_district.context["page"].object_list
    assert list(other_district.context["page"].object_list) == []


def test_queue_of_another_district_shows_nothing(as_user, register, kota_bima):
    register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72.02"))

    page = client.get(reverse("complaints:queue"), {"tab": "all"})

    assert page.context["page"].paginator.count == 0


def test_back_office_closes_as_handled_directly_from_the_page(as_user, register, kota_bima):
    complaint = register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))
    url = reverse("complaints:close", args=[complaint.pk])
    closing = {"closure_reason": "handled_directly", "note": "Informasi diberikan di meja layanan."}

    asked = client.post(url, closing)  # the detail page's form: the confirmation first
    complaint.refresh_from_db()
    assert asked.status_code == 200 and complaint.status == "registered"
    assert complaint.ticket_number in asked.content.decode()
    response = client.post(url, {**closing, "confirm": "1"})

    complaint.refresh_from_db()
    assert response.status_code == 302
    assert (complaint.status, complaint.closure_reason) == ("closed", "handled_directly")
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Informasi diberikan di meja layanan." in detail
    assert "Status berubah dari terdaftar menjadi selesai" in detail
    assert " → " not in detail


def test_the_complaint_page_reads_no_dashes_in_its_lists(as_user, register, kota_bima):
    complaint = register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert "Serahkan kepada" in page  # the assignment list is on the page
    assert "---------" not in page and "— pilih —" in page


def test_closing_without_a_note_is_refused_on_the_page(as_user, register, kota_bima):
    complaint = register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    response = client.post(
        reverse("complaints:close", args=[complaint.pk]), {"closure_reason": "served", "note": ""}
    )

    complaint.refresh_from_db()
    assert response.status_code == 400
    assert complaint.status == "registered"


def test_front_office_cannot_close(as_user, front_office, register):
    complaint = register()
    client = as_user(front_office)

    response = client.post(
        reverse("complaints:close", args=[complaint.pk]),
        {"closure_reason": "handled_directly", "note": "x"},
    )

    assert response.status_code == 403


def test_detail_page_is_404_outside_the_scope(as_user, register, kota_bima):
    complaint = register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72.02"))

    assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("complaints:receipt", args=[complaint.pk])).status_code == 404


def test_overdue_complaints_are_marked(as_user, register, kota_bima, time_machine):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 11, 2, 3, 0, tzinfo=datetime.UTC))
    complaint = register(category=ComplaintCategory.objects.get(code="bencana"))
    time_machine.move_to(datetime.datetime(2026, 11, 27, 3, 0, tzinfo=datetime.UTC))
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    queue = client.get(reverse("complaints:queue"), {"tab": "all"}).content.decode()
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()

    assert "terlambat" in queue
    assert "terlambat" in detail


def test_queue_queries_do_not_grow_with_complaints(
    as_user, register, kota_bima, django_assert_max_num_queries
):
    for _ in range(12):
        register()
    client = as_user(staff_user(role=Role.BACK_OFFICE, scope="52.72"))

    with django_assert_max_num_queries(12):
        client.get(reverse("complaints:queue"), {"tab": "all"})


def test_closing_a_complaint_someone_else_closed_says_so(as_user, register, kota_bima):
    from complaints.services import complaint_close

    complaint = register()
    officer = staff_user(role=Role.BACK_OFFICE, scope="52.72")
    complaint_close(actor=officer, complaint=complaint, closure_reason="withdrawn", note="x")
    client = as_user(officer)

    response = client.post(
        reverse("complaints:close", args=[complaint.pk]),
        {"closure_reason": "handled_directly", "note": "again"},
        follow=True,
    )

    assert "sudah ditutup" in response.content.decode() or "ditutup" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.closure_reason == "withdrawn"


def test_consent_cannot_be_added_to_a_closed_complaint(as_user, front_office, register, kota_bima):
    from complaints.services import complaint_close

    complaint = register(consent_given=False)
    complaint_close(
        actor=staff_user(role=Role.BACK_OFFICE, scope="52.72"),
        complaint=complaint,
        closure_reason="withdrawn",
        note="x",
    )
    client = as_user(front_office)

    client.post(reverse("complaints:consent", args=[complaint.pk]))

    complaint.refresh_from_db()
    assert not complaint.consent_given


def test_admin_filters_with_a_nul_character_are_refused_not_crashed(as_user, kota_bima):
    client = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72", is_staff=True))

    response = client.get(
        reverse("admin:complaints_complaint_changelist"), {"status__exact": "\x00"}
    )

    assert response.status_code == 400
