"""The intake form helps: categories listed under their parent, no "---------", the
household's head as the complainant to begin with, and a member and a typed name together
refused at the name instead of one of them silently kept."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import Complaint, ComplaintCategory
from tests.complaints.test_pages import intake
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_page(as_user, front_office, household):
    PersonFactory(household=household, name="Putri", relationship="child", sex="F",
                  birth_date=datetime.date(2015, 1, 1))  # fmt: skip
    return as_user(front_office).get(reverse("complaints:create", args=[household.pk]))


def test_sub_categories_are_listed_under_their_parent(intake_page):
    html = intake_page.content.decode()

    group = re.search(r'<optgroup label="Bantuan sosial tidak diterima">(.*?)</optgroup>', html,
                      re.S)  # fmt: skip
    assert group, "the parent is a group"
    assert "PKH tidak diterima atau terhenti" in group.group(1)
    assert "Bantuan sosial tidak diterima (umum)" in group.group(1)  # the parent itself
    assert ">Pendidikan</option>" in html  # a category without sub-categories stands alone


def test_no_list_reads_dashes_and_the_category_asks_to_choose(intake_page):
    html = intake_page.content.decode()

    assert "---------" not in html
    assert "— pilih —" in html


def test_the_complainant_is_the_head_to_begin_with(intake_page, household):
    form = intake_page.context["form"]

    assert form["complainant"].value() == household.head.pk


def test_a_member_and_a_typed_name_together_are_refused_at_the_name(
    as_user, front_office, household
):
    response = as_user(front_office).post(
        reverse("complaints:create", args=[household.pk]),
        intake(household, complainant_name="Pak RT Ahmad"),
    )

    assert response.status_code == 400
    assert "kosongkan nama" in response.context["form"].errors["complainant_name"][0]
    assert not Complaint.objects.exists()


def test_the_service_refuses_a_member_and_a_name_together(register, household):
    with pytest.raises(ValidationError) as refused:
        register(complainant=household.members.first(), complainant_name="Pak RT Ahmad")

    assert set(refused.value.message_dict) == {"complainant_name"}


def test_a_category_chosen_in_its_group_registers(as_user, front_office, household):
    pkh = ComplaintCategory.objects.get(code="bansos-pkh")

    response = as_user(front_office).post(
        reverse("complaints:create", args=[household.pk]), intake(household, category=pkh.pk)
    )

    assert response.status_code == 302
    assert Complaint.objects.get().category == pkh


def test_the_household_form_reads_no_dashes_either(as_user, kota_bima):
    from accounts.roles import Role
    from tests.factories import staff_user

    client = as_user(staff_user(Role.FRONT_OFFICE, scope="52.72.01"))

    html = client.get(reverse("households:register")).content.decode()

    assert "---------" not in html
    assert "— pilih —" in html


def test_the_complaint_page_assigns_without_dashes_either(assessed, back_office, as_user):
    complaint = assessed()

    html = as_user(back_office).get(reverse("complaints:detail", args=[complaint.pk])).text

    assert 'name="assignee"' in html
    assert "---------" not in html
    assert "— pilih —" in html
