"""One complaint's or referral's own answer shows the NIK and KK numbers officers typed into
its free text as typed: like every answer with a whole number, it is written to the access
log, and kept by no browser cache or proxy."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from tests.test_free_text_in_lists import NIK, referred  # noqa: F401 (the fixture)


def _pages(complaint, referral):
    return {
        "complaint page": reverse("complaints:detail", args=[complaint.pk]),
        "complaint API": reverse("api:complaint-detail", args=[complaint.pk]),
        "referral API": reverse("api:referral-detail", args=[referral.pk]),
    }


@pytest.mark.parametrize("page", ["complaint page", "complaint API", "referral API"])
def test_a_detail_showing_a_typed_nik_is_logged_and_not_stored(
    referred,  # noqa: F811
    back_office,
    client,
    page,
):
    complaint, referral = referred
    client.force_login(back_office)
    before = AccessLog.objects.count()

    response = client.get(_pages(complaint, referral)[page])

    assert response.status_code == 200
    assert NIK in response.content.decode()
    assert "no-store" in response.headers.get("Cache-Control", "")
    rows = AccessLog.objects.order_by("pk")[before:]
    assert [(row.user, row.action, row.household_id) for row in rows] == [
        (back_office, AccessLog.Action.VIEW, complaint.household_id)
    ]


def test_a_detail_without_a_typed_number_writes_no_row(referred, back_office, client):  # noqa: F811
    complaint, _referral = referred
    complaint.description = "Butuh bantuan pangan."
    complaint.complainant_name = "Siti"
    complaint.save(update_fields=["description", "complainant_name"])
    complaint.events.update(note="")
    client.force_login(back_office)
    before = AccessLog.objects.count()

    response = client.get(reverse("api:complaint-detail", args=[complaint.pk]))

    assert response.status_code == 200
    assert AccessLog.objects.count() == before
