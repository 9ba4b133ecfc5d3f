"""An agency serves the households of its own region: its programmes are offered, and
referrals sent, only there. Otherwise an administrator of one district, who may change the
e-mail and webhook of the agencies of their district, would receive the referrals (whole KK,
NIK, address, needs) of every other area through a programme of their own."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from programs.matching import programs_matching
from programs.models import Program
from referrals.services import referral_reassign, referrals_create
from regions.models import Region
from tests.factories import AgencyFactory, staff_user


@pytest.fixture
def rasanae_timur_programme(catalogue):
    """A programme of an agency of another district, open to every household that asks."""
    agency = AgencyFactory(
        name="Puskesmas Lampe", region=Region.objects.get(code="52.72.02"),
        webhook_url="https://lampe.example/hook",
    )  # fmt: skip
    return Program.objects.create(
        code="LAMPE-PANGAN", name="Pangan Lampe", level="municipal", agency=agency,
        domains=["food", "health"], rule={"all": []},
    )  # fmt: skip


def test_a_programme_of_another_districts_agency_is_not_offered(
    assessed, rasanae_timur_programme, poor_household
):
    offered = programs_matching(poor_household, ["food", "health"], today=timezone.localdate())

    codes = {match.program.code for match in offered}
    assert "LAMPE-PANGAN" not in codes
    assert {"BPNT", "PBI-JK"} <= codes  # Kota Bima's and the ministries' still are


def test_a_household_is_not_referred_to_an_agency_that_does_not_serve_its_area(
    assessed, back_office, rasanae_timur_programme
):
    complaint = assessed()

    with pytest.raises(ValidationError) as refused:
        referrals_create(
            actor=back_office, complaint=complaint, programs=[rasanae_timur_programme],
            notes="Mohon dibantu.",
        )  # fmt: skip

    assert refused.value.message_dict == {
        "program": ["LAMPE-PANGAN tidak tersedia di wilayah rumah tangga ini."]
    }
    assert not complaint.referrals.exists()


def test_a_referral_is_not_sent_on_to_an_agency_outside_the_households_area(
    assessed, back_office, catalogue, rasanae_timur_programme
):
    (referral,) = referrals_create(
        actor=back_office, complaint=assessed(), programs=[catalogue["BPNT"]]
    )
    supervisor = staff_user(Role.SUPERVISOR, scope="52.72.01", is_staff=True)

    with pytest.raises(ValidationError) as refused:
        referral_reassign(
            actor=supervisor, referral=referral, agency=rasanae_timur_programme.agency,
            note="Salah tujuan",
        )  # fmt: skip

    referral.refresh_from_db()
    assert refused.value.message_dict == {
        "agency": ["Lembaga ini tidak melayani wilayah rumah tangga tersebut."]
    }
    assert referral.agency == catalogue["BPNT"].agency
