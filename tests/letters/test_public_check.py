"""The public check (`/v/{token}/` and the API's verify): no sign-in, never cached, valid or
revoked with the number, date, kind, office and the masked name only; a token unknown or
malformed answers alike; limited per address."""

import re

import pytest
from django.test import override_settings

from letters.models import LetterCheck
from letters.services import letter_draft, letter_issue, letter_revoke


@pytest.fixture
def issued(kinds, registered, back_office, head_of_office):
    return letter_issue(
        actor=head_of_office,
        letter=letter_draft(actor=back_office, kind=kinds["suket_dtsen"], person=registered),
    )


def test_the_page_shows_a_valid_letter_with_the_holders_name_masked(issued, client):
    answer = client.get(f"/v/{issued.token}/")

    page = answer.content.decode()
    assert answer.status_code == 200
    assert 'data-verdict="valid"' in page
    assert issued.number in page and "S*** R*****" in page
    assert "Siti" not in page and registered_nik(issued) not in page
    assert "no-store" in answer["Cache-Control"] or "no-cache" in answer["Cache-Control"]


def registered_nik(letter) -> str:
    return letter.person.nik


def test_a_revoked_letter_says_revoked(issued, head_of_office, client):
    letter_revoke(actor=head_of_office, letter=issued, reason="Data keliru")

    answer = client.get(f"/v/{issued.token}/")

    assert answer.status_code == 200
    assert 'data-verdict="revoked"' in answer.content.decode()
    assert "Data keliru" not in answer.content.decode()


def without_csrf(content: bytes) -> bytes:
    """The page without its CSRF token, which is masked anew for each answer, and without
    the address the language switch comes back to (the page's own)."""
    content = re.sub(rb'name="next" value="[^"]*"', b"", content)
    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


@pytest.mark.parametrize(
    "token", ["A" * 32, "x", "%00", "' or 1=1 --", "é" * 32, "A" * 300, "a/b", "%2F..%2Fadmin"]
)
def test_unknown_and_malformed_tokens_answer_alike(issued, client, token):
    unknown = client.get("/v/" + "B" * 32 + "/")
    other = client.get(f"/v/{token}/")
    api_unknown = client.get("/api/v1/letters/verify/" + "B" * 32 + "/")
    api_other = client.get(f"/api/v1/letters/verify/{token}/")

    assert (unknown.status_code, other.status_code) == (404, 404)
    assert without_csrf(unknown.content) == without_csrf(other.content)
    assert (api_unknown.status_code, api_other.status_code) == (404, 404)
    assert api_unknown.json() == api_other.json() == {
        "valid": False, "number": None, "date": None, "kind": None, "office": None, "holder": None,
    }  # fmt: skip


def test_the_api_answers_the_same_fields_without_signing_in(issued, client):
    answer = client.get(f"/api/v1/letters/verify/{issued.token}/")

    assert answer.status_code == 200
    assert answer.json() == {
        "valid": True,
        "number": issued.number,
        "date": issued.issued_on.isoformat(),
        "kind": "Surat Keterangan Terdaftar DTSEN",
        "office": "Kota Bima",
        "holder": "S*** R*****",
    }


@override_settings(SLRT_LETTER_CHECK_PER_ADDRESS=3)
def test_checks_are_limited_per_address(issued, client):
    answers = [client.get(f"/v/{issued.token}/").status_code for _ in range(3)]
    answers.append(client.get(f"/api/v1/letters/verify/{issued.token}/").status_code)
    answers.append(client.get(f"/v/{issued.token}/", REMOTE_ADDR="10.9.9.9").status_code)

    assert answers == [200, 200, 200, 429, 200]
    assert LetterCheck.objects.filter(limited=True).count() == 1
    assert (
        not LetterCheck.objects.filter(address="127.0.0.1")
        .exclude(letter=issued)
        .exclude(limited=True)
        .exists()
    )


def test_the_qr_code_on_the_page_points_at_the_check(issued, settings):
    assert f"{settings.SITE_URL}/v/{issued.token}/" in issued.page


def test_a_caller_whose_address_cannot_be_read_is_answered_too(issued, client):
    answer = client.get(f"/api/v1/letters/verify/{issued.token}/", REMOTE_ADDR="")

    assert answer.status_code == 200
    assert LetterCheck.objects.get().address == "0.0.0.0"  # noqa: S104


@override_settings(SLRT_LETTER_CHECK_PER_ADDRESS=3)
def test_the_addresses_of_one_ipv6_block_are_counted_as_one(issued, client):
    answers = [
        client.get(f"/v/{issued.token}/", REMOTE_ADDR=f"2001:db8:7::{n}").status_code
        for n in range(1, 5)
    ]
    answers.append(client.get(f"/v/{issued.token}/", REMOTE_ADDR="2001:db8:8::1").status_code)
    answers.append(client.get(f"/v/{issued.token}/", REMOTE_ADDR="::ffff:10.1.2.3").status_code)
    assert answers == [200, 200, 200, 429, 200, 200]
    assert LetterCheck.objects.filter(address="10.1.2.3").exists()  # IPv4 in IPv6 clothing
