"""The letter register through the API: drafting, issuing (four eyes, once), revoking with a
reason, the list by status, kind and referral, and the area it keeps to."""

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from letters.models import Letter
from tests.factories import staff_user


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_a_letter_is_drafted_issued_and_revoked_through_the_api(
    kinds, registered, back_office, head_of_office, api
):
    drafted = api(back_office).post(
        "/api/v1/letters/", {"kind": "suket_dtsen", "person": registered.pk}, format="json"
    )
    assert drafted.status_code == 201, drafted.json()
    letter_id = drafted.json()["id"]
    assert drafted.json()["status"] == "draft" and drafted.json()["number"] is None

    own = api(back_office).post(f"/api/v1/letters/{letter_id}/issue/")
    issued = api(head_of_office).post(f"/api/v1/letters/{letter_id}/issue/")
    twice = api(head_of_office).post(f"/api/v1/letters/{letter_id}/issue/")
    no_reason = api(head_of_office).post(
        f"/api/v1/letters/{letter_id}/revoke/", {"reason": " "}, format="json"
    )
    revoked = api(head_of_office).post(
        f"/api/v1/letters/{letter_id}/revoke/", {"reason": "Salah nama."}, format="json"
    )

    assert own.status_code == 403  # who drafts does not hold the permission to issue
    assert issued.status_code == 200
    number = issued.json()["number"]
    assert number and issued.json()["status"] == "issued"
    assert twice.status_code == 400 and number in twice.json()["status"][0]
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert Letter.objects.get(pk=letter_id).number == number  # kept, never given again


def test_the_list_filters_by_status_kind_and_referral_within_the_area(
    kinds, registered, back_office, api, catalogue
):
    client = api(back_office)
    for kind in ("suket_dtsen", "suket_dtsen"):
        client.post("/api/v1/letters/", {"kind": kind, "person": registered.pk}, format="json")
    client.post(
        "/api/v1/letters/",
        {"kind": "rekomendasi", "person": registered.pk, "program": "PBI-JK"},
        format="json",
    )

    def count(query=""):
        answer = client.get(f"/api/v1/letters/{query}")
        assert answer.status_code == 200, answer.json()
        return answer.json()["count"]

    assert count() == 3
    assert count("?kind=suket_dtsen") == 2
    assert count("?kind=rekomendasi&status=draft") == 1
    assert count("?status=issued") == 0
    assert count("?kind=tidak-ada") == 0  # an unknown kind finds nothing
    assert count("?referral=99999") == 0
    bad = client.get("/api/v1/letters/?status=lost&referral=x")
    assert bad.status_code == 400 and set(bad.json()) == {"status", "referral"}
    elsewhere = api(staff_user(Role.BACK_OFFICE, scope="52.72.02"))
    assert elsewhere.get("/api/v1/letters/").json()["count"] == 0


def test_who_drafted_a_letter_does_not_issue_it_through_the_api(
    kinds, registered, head_of_office, api
):
    client = api(head_of_office)
    drafted = client.post(
        "/api/v1/letters/", {"kind": "suket_dtsen", "person": registered.pk}, format="json"
    )
    assert drafted.status_code == 201, drafted.json()

    refused = client.post(f"/api/v1/letters/{drafted.json()['id']}/issue/")

    assert refused.status_code == 400
    assert "empat mata" in refused.json()["status"][0]
    assert Letter.objects.get().status == "draft"


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    "written",
    [
        lambda pk: pk + 0.5,
        lambda pk: float(pk),
        lambda pk: str(pk).translate(ARABIC_INDIC),
        lambda pk: str(pk).translate(FULL_WIDTH),
    ],
    ids=["fraction", "float", "arabic-indic", "full-width"],
)
def test_a_person_that_is_no_whole_id_is_refused_not_rounded(
    kinds, registered, back_office, api, written
):
    """DRF read 1.5 and "١" (an Arabic-Indic one) as the person with id 1."""
    answer = api(back_office).post(
        "/api/v1/letters/", {"kind": "suket_dtsen", "person": written(registered.pk)},
        format="json",
    )  # fmt: skip

    assert answer.status_code == 400 and list(answer.json()) == ["person"]
    assert answer.json()["person"][0].startswith("Jenis salah: yang diharapkan nomor id")
    assert not Letter.objects.exists()


@pytest.mark.parametrize("referral", ["١٢", "１２", "12.0"])
def test_the_list_refuses_a_referral_written_in_other_digits(back_office, api, referral):
    """DRF's integer read "١٢" as 12: a filter other than the one asked for."""
    answer = api(back_office).get("/api/v1/letters/", {"referral": referral})

    assert answer.status_code == 400 and list(answer.json()) == ["referral"]
    assert answer.json()["referral"] == ["Nilai bidang ini harus berupa bilangan bulat."]
