import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ComplaintCategory
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db


def test_supervisors_read_complaints_of_their_area_only(as_user, register, kota_bima):
    complaint = register()
    inside = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72", is_staff=True))

    listing = inside.get(reverse("admin:complaints_complaint_changelist")).content.decode()

    assert complaint.ticket_number in listing


def test_complaints_are_read_only_in_the_admin(as_user, register, kota_bima):
    complaint = register()
    client = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72", is_staff=True))

    response = client.post(
        reverse("admin:complaints_complaint_change", args=[complaint.pk]), {"status": "closed"}
    )

    complaint.refresh_from_db()
    assert response.status_code == 403
    assert complaint.status == "registered"


def test_complaints_of_another_area_are_not_in_the_admin(as_user, register, kota_bima):
    complaint = register()
    client = as_user(staff_user(role=Role.SUPERVISOR, scope="52.72.02", is_staff=True))

    listing = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()

    assert complaint.ticket_number not in listing


CATEGORY_FORM = {"code": "perumahan", "name": "Perumahan", "name_en": "Housing",
                 "resolution_days": 20, "sort_order": 5, "is_active": "on"}  # fmt: skip


def test_a_superuser_edits_a_categorys_resolution_days(as_user, kota_bima):
    category = ComplaintCategory.objects.get(code="perumahan")
    client = as_user(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:complaints_complaintcategory_change", args=[category.pk]), CATEGORY_FORM
    )

    category.refresh_from_db()
    assert response.status_code == 302
    assert category.resolution_days == 20


def test_categories_every_area_shares_are_read_only_to_an_areas_administrator(as_user, kota_bima):
    category = ComplaintCategory.objects.get(code="perumahan")
    days = category.resolution_days
    client = as_user(staff_user(role=Role.ADMIN, scope="52.72", is_staff=True))

    page = client.get(reverse("admin:complaints_complaintcategory_change", args=[category.pk]))
    response = client.post(
        reverse("admin:complaints_complaintcategory_change", args=[category.pk]), CATEGORY_FORM
    )
    added = client.post(reverse("admin:complaints_complaintcategory_add"), CATEGORY_FORM)

    category.refresh_from_db()
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert response.status_code == 403 and added.status_code == 403
    assert category.resolution_days == days
