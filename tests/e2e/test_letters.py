"""The letter register, in Chromium: the back office drafts three registry letters from
pasted NIKs, the head of office issues them as a batch and prints them, revokes one, and a
phone signed in nowhere opens the QR code's page of a valid letter and of the revoked one."""

import pytest
from playwright.sync_api import expect

from households.models import Person
from letters.models import Letter
from tests.e2e.conftest import PHONE, assert_accessible, shot, sign_in, watch

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_registry_letters_are_drafted_issued_as_a_batch_and_checked_on_a_phone(
    browser, browser_context_args, demo
):
    people = list(
        Person.objects.filter(
            household__desil__isnull=False, household__region__code__startswith="52.72",
            status="active",
        ).exclude(nik=None).order_by("pk")[:3]
    )  # fmt: skip
    assert len(people) == 3

    desk = browser.new_context(**browser_context_args)
    page = desk.new_page()
    problems = watch(page, demo)
    sign_in(page, demo, "bo")
    page.goto(demo + "/letters/")
    page.get_by_role("link", name="Susun surat").click()
    page.select_option("select[name=kind]", "suket_dtsen")
    page.fill("textarea[name=niks]", "\n".join(person.nik for person in people))
    page.get_by_role("button", name="Susun", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("3 surat sudah disusun")
    shot(page, "letters-drafted")
    desk.close()
    assert problems == []
    drafts = list(
        Letter.objects.filter(person__in=people, status="draft", kind__code="suket_dtsen")
    )
    assert len(drafts) == 3

    office = browser.new_context(**browser_context_args)
    page = office.new_page()
    problems = watch(page, demo)
    sign_in(page, demo, "supervisor")
    page.goto(demo + "/letters/?status=draft&kind=suket_dtsen")
    for letter in drafts:
        page.check(f"input[name=letters][value='{letter.pk}']")
    page.get_by_role("button", name="Terbitkan draf yang dipilih").click()
    expect(page.locator("#job-progress")).to_contain_text("3 surat diterbitkan")
    assert_accessible(page)
    page.get_by_role("link", name="Cetak semua surat").click()
    expect(page.locator(".letter-sheet")).to_have_count(3)
    expect(page.locator(".letter-sheet svg")).to_have_count(3)
    shot(page, "letters-batch-printed")
    valid, revoked = Letter.objects.filter(pk__in=[d.pk for d in drafts]).order_by("serial")[:2]
    page.goto(demo + f"/letters/{revoked.pk}/")
    page.fill("textarea[name=reason]", "Data desil keliru")
    page.get_by_role("button", name="Cabut").click()
    expect(page.locator("[data-status]")).to_have_text("dicabut")
    office.close()
    assert problems == []

    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = phone.new_page()
    problems = watch(page, demo)
    valid.refresh_from_db()
    revoked.refresh_from_db()
    page.goto(demo + f"/v/{valid.token}/")
    expect(page.locator("[data-verdict]")).to_have_text("Sah")
    expect(page.locator("main")).to_contain_text(valid.number)
    expect(page.locator("main")).not_to_contain_text(valid.person.name)
    assert_accessible(page)
    shot(page, "letter-check-valid-phone")
    page.goto(demo + f"/v/{revoked.token}/")
    expect(page.locator("[data-verdict]")).to_have_text("Dicabut")
    expect(page.locator("main")).to_contain_text(revoked.number)
    shot(page, "letter-check-revoked-phone")
    phone.close()
    assert problems == []
