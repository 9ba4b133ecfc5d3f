"""A home visit from the phone to the registry: the facilitator fills in the demo's waiting
visit on a phone (390 px) with two photos from files and the phone's location, and the back
office, at its desk, accepts two of the three differences observed, refuses the third and
opens the verification sheet with the photos."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from documents.demo import sample_photo
from documents.models import Document
from slrt.management.commands.seed_demo import DEMO_VISIT_REASON
from tests.e2e.conftest import PHONE, answered, assert_accessible, shot, sign_in, watch
from visits.models import Visit, VisitFinding

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Near Kota Bima's centre, where the demo's household lives.
WHERE = {"latitude": -8.46, "longitude": 118.72}


@pytest.fixture
def phone(browser, browser_context_args, demo):
    """A phone's browser (390 px) that may give the page its location, and what it meets
    (`watch`): a console error or a request elsewhere fails the test at its end."""
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE},
        geolocation=WHERE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems = watch(page, demo)
    yield page
    context.close()
    assert problems == []


def another_value(page, name: str, recorded) -> str:
    """A choice of the select `name` other than the recorded value (and not empty)."""
    values = page.locator(f"select[name={name}] option").evaluate_all(
        "options => options.map(option => option.value)"
    )
    recorded = ("true" if recorded else "false") if isinstance(recorded, bool) else str(recorded)
    return next(value for value in values if value not in ("", recorded))


def test_a_visit_done_on_a_phone_changes_the_registry_once_the_back_office_decides(
    phone, watched, demo, tmp_path
):
    visit = Visit.objects.get(reason=DEMO_VISIT_REASON, status=Visit.Status.ASSIGNED)
    household = visit.household
    member = household.members.order_by("pk").first()
    front, inside = tmp_path / "depan.jpg", tmp_path / "dalam.jpg"
    front.write_bytes(sample_photo("Rumah tampak depan", size=(1200, 900)))
    inside.write_bytes(sample_photo("Rumah bagian dalam", size=(900, 1200)))

    # The facilitator, on the phone: the menu, the queue, the visit, its form.
    page = phone
    sign_in(page, demo, "fasilitator")
    page.locator(".navbar-toggler").click()
    page.locator("#main-menu").get_by_role("link", name="Kunjungan", exact=True).click()
    page.wait_for_url(f"{demo}/visits/")
    shot(page, "facilitator-queue-phone")
    assert_accessible(page)
    page.locator(f"main a[href='/visits/{visit.pk}/']").click()
    page.get_by_role("link", name="Isi kunjungan").click()
    page.wait_for_url(f"{demo}/visits/{visit.pk}/submit/")
    assert_accessible(page)

    # Sent as it is with the verdict "layak": both photos are asked for, nothing is saved.
    page.check("input[name=verdict][value=layak]")
    page.get_by_role("button", name="Kirim kunjungan").click()
    expect(page.locator(".mb-2:has(input[name=photo_front]) .js-error")).to_contain_text(
        "foto rumah tampak depan"
    )
    expect(page.locator(".mb-2:has(input[name=photo_inside]) .js-error")).to_contain_text(
        "foto rumah bagian dalam"
    )
    shot(page, "facilitator-visit-photos-missing-phone")
    answered(page, 400)  # the refusal, which Chromium reports on the console
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ASSIGNED and visit.submitted_at is None
    assert not Document.objects.filter(owner_type="visit", owner_id=visit.pk).exists()
    assert not visit.findings.exists()

    # Filled in: who was met, three variables seen otherwise, the photos, the location.
    floor = another_value(page, "floor_material", household.floor_material)
    wall = another_value(page, "wall_material", household.wall_material)
    motorcycle = another_value(page, "owns_motorcycle", household.owns_motorcycle)
    page.fill("input[name=met_name]", member.name)
    page.check(f"input[name=members_present][value='{member.pk}']")
    page.select_option("select[name=floor_material]", floor)
    page.select_option("select[name=wall_material]", wall)
    page.select_option("select[name=owns_motorcycle]", motorcycle)
    page.set_input_files("input[name=photo_front]", front)
    page.set_input_files("input[name=photo_inside]", inside)
    locate = page.get_by_role("button", name="Ambil lokasi dari ponsel")
    expect(locate).to_be_disabled()  # not before the resident agrees
    page.check("input[name=gps_consent]")
    locate.click()
    expect(page.locator("input[name=latitude]")).to_have_value("-8.460000")
    expect(page.locator("input[name=longitude]")).to_have_value("118.720000")
    page.fill("textarea[name=notes]", "Lantai sudah dikeramik sebagian; motor milik anak.")
    shot(page, "facilitator-visit-filled-phone")
    assert_accessible(page)
    page.get_by_role("button", name="Kirim kunjungan").click()
    page.wait_for_url(f"{demo}/visits/{visit.pk}/")
    shot(page, "facilitator-visit-sent-phone")
    assert_accessible(page)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED
    assert (visit.verdict, visit.met_name, visit.gps_consent) == ("layak", member.name, True)
    assert (visit.latitude, visit.longitude) == (Decimal("-8.460000"), Decimal("118.720000"))
    assert list(visit.members_present.all()) == [member]
    findings = {finding.field: finding for finding in visit.findings.all()}
    assert set(findings) == {"floor_material", "wall_material", "owns_motorcycle"}
    photos = Document.objects.filter(owner_type="visit", owner_id=visit.pk)
    assert sorted(photos.values_list("kind__code", flat=True)) == ["foto_dalam", "foto_depan"]
    assert all(photo.content_type == "image/jpeg" and photo.thumbnail for photo in photos)

    # The back office, at its desk: two differences accepted, one refused.
    desk = watched
    sign_in(desk, demo, "bo")
    desk.goto(f"{demo}/visits/{visit.pk}/review/")
    shot(desk, "back-office-visit-review")
    assert_accessible(desk)
    expect(desk.locator(".visit-photo img")).to_have_count(2)
    decisions = [("floor_material", "accepted"), ("owns_motorcycle", "refused"),
                 ("wall_material", "accepted")]  # fmt: skip
    for field, decision in decisions:
        card = desk.locator(f"#finding-{findings[field].pk}")
        card.locator(f"button[name=decision][value={decision}]").click()
        desk.wait_for_load_state("networkidle")
        expect(card.locator(".badge")).to_be_visible()
        expect(card.locator("form")).to_have_count(0)
    shot(desk, "back-office-visit-reviewed")
    assert_accessible(desk)

    recorded_motorcycle = household.owns_motorcycle
    household.refresh_from_db()
    assert str(household.floor_material) == floor
    assert str(household.wall_material) == wall
    assert household.owns_motorcycle == recorded_motorcycle  # refused: kept as recorded
    changes = household.history.filter(history_change_reason__contains=f"#{visit.pk}")
    assert changes.count() == 2
    assert set(changes.values_list("history_user__username", flat=True)) == {"bo"}
    decided = dict(visit.findings.values_list("field", "decision"))
    assert decided == {"floor_material": VisitFinding.Decision.ACCEPTED,
                       "wall_material": VisitFinding.Decision.ACCEPTED,
                       "owns_motorcycle": VisitFinding.Decision.REFUSED}  # fmt: skip
    visit.refresh_from_db()
    assert visit.status == Visit.Status.REVIEWED
    assert visit.reviewed_by == User.objects.get(username="bo")

    # The verification sheet, with both photos shown.
    desk.get_by_role("link", name="Lembar verifikasi").click()
    desk.wait_for_url(f"{demo}/visits/{visit.pk}/sheet/")
    images = desk.locator(".sheet-photos img")
    expect(images).to_have_count(2)
    for image in images.all():
        image.scroll_into_view_if_needed()
        image.evaluate(
            "img => img.complete && img.naturalWidth ? true"
            " : new Promise((done, fail) => { img.onload = done; img.onerror = fail; })"
        )
        assert image.evaluate("img => img.naturalWidth") > 0
    assert desk.locator(".verdict").inner_text() == "layak"
    shot(desk, "back-office-visit-sheet")
    assert_accessible(desk)
