"""An agency's region is not narrowed past a household whose open referral it holds: else
the administrator of the narrower area, who may then change the agency's e-mail and webhook,
would receive that referral's reminders, escalations and messages sent again."""

from django.urls import reverse

from accounts.admin_scoping import agencies_managed_by
from accounts.roles import Role
from programs.models import Agency
from referrals.services import referrals_create
from tests.factories import staff_user
from tests.programs.test_admin import agency_form


def test_a_city_admin_cannot_narrow_an_agency_away_from_a_household_it_serves(
    assessed, back_office, catalogue, as_user
):
    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    agency = referral.agency
    assert agency.region_id == "52.72"
    client = as_user(staff_user(Role.ADMIN, scope="52.72", is_staff=True))

    response = client.post(
        reverse("admin:programs_agency_change", args=[agency.pk]),
        agency_form(agency, region="52.72.02"),
    )

    agency.refresh_from_db()
    assert response.status_code == 200  # the form again, with the field's message
    assert response.context["adminform"].form.errors["region"]
    assert agency.region_id == "52.72"
    other_admin = staff_user(Role.ADMIN, scope="52.72.02", is_staff=True)
    assert not agencies_managed_by(other_admin, Agency.objects.filter(pk=agency.pk)).exists()


def test_an_agency_without_open_referrals_outside_is_narrowed(
    assessed, back_office, catalogue, as_user
):
    referrals_create(actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]])
    agency = catalogue["BPNT"].agency
    client = as_user(staff_user(Role.ADMIN, scope="52.72", is_staff=True))

    response = client.post(
        reverse("admin:programs_agency_change", args=[agency.pk]),
        agency_form(agency, region="52.72.01"),
    )

    agency.refresh_from_db()
    assert response.status_code == 302
    assert agency.region_id == "52.72.01"
