"""A month of proposals to DTSEN, from the village to the registry and back: the village
operator enters three proposals (a new member, a correction with its KK, a death with its
certificate) and the berita acara; the back office asks for the home visit that a new
household needs, the facilitator does it on a phone, the back office verifies the month's
proposals and returns one it cannot verify yet; the head of office approves the batch,
marks it sent and downloads its BNBA (read back with openpyxl); the next national extract
accepts two of them."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import AccessLog
from documents.demo import sample_pdf, sample_photo
from households.models import Household
from households.registry_import.writer import write_extract
from proposals.models import Proposal, ProposalBatch
from tests.e2e.conftest import PHONE, answered, assert_accessible, shot, sign_in, watch
from visits.models import Visit

pytestmark = [
    pytest.mark.services("chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VILLAGE = "52.72.01.1001"
# The demo's families (proposals.demo): one already in the registry, two proposed as new.
YUSUF_KK, WAHIDAH_KK, HASANUDDIN_KK = "5272011203150001", "5272012009230007", "5272011502240006"
WHERE = {"latitude": -8.46, "longitude": 118.72}


@pytest.fixture
def desk_of(browser, browser_context_args, demo):
    """A browser of its own for each user (`desk_of("bo")`, `desk_of("fasilitator", phone=
    True)`), signed in, failing the test on a console error or a request elsewhere."""
    opened = []

    def open_for(username: str, *, phone: bool = False):
        options = {**browser_context_args}
        if phone:
            options.update(viewport=PHONE, geolocation=WHERE, permissions=["geolocation"])
        context = browser.new_context(**options)
        page = context.new_page()
        opened.append((context, watch(page, demo)))
        sign_in(page, demo, username)
        return page

    yield open_for
    for context, problems in opened:
        context.close()
        assert problems == []


def open_proposal(page, demo, household, *, kind, person=None, exit_reason=None, change=None):
    page.goto(f"{demo}/households/{household.pk}/")
    page.get_by_role("link", name="Usulkan ke DTSEN").click()
    page.select_option("select[name=kind]", kind)
    # Only the kind's fields show: a correction's table, an exit's reason.
    corrections = page.locator("fieldset[data-shown-for=correction]")
    if kind == "correction":
        expect(corrections).to_be_visible()
    else:
        expect(corrections).to_be_hidden()
    if person is not None:
        page.select_option("select[name=person]", str(person.pk))
    if exit_reason is not None:
        page.select_option("select[name=exit_reason]", exit_reason)
    if change is not None:
        name, value = change
        page.select_option(f"select[name='changes.{name}']", value)
    page.fill("textarea[name=reason]", "Hasil Musdesus bulan ini.")
    page.get_by_role("button", name="Buka usulan").click()
    page.wait_for_url(lambda url: "/proposals/new/" not in url)
    expect(page.locator(".alert-success")).to_contain_text("draf")
    return Proposal.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def attach(page, kind: str, path) -> None:
    panel = page.locator("section[aria-labelledby=documents-title]")
    panel.locator("select[name=kind]").select_option(kind)
    panel.locator("input[name=file]").set_input_files(path)
    panel.get_by_role("button", name="Unggah").click()
    page.wait_for_load_state("networkidle")
    expect(panel.get_by_role("link", name=path.stem)).to_be_visible()


def move(page, button: str, note: str = "") -> None:
    if note:
        page.fill("textarea[name=note]", note)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("networkidle")


def test_a_months_proposals_go_from_the_village_to_dtsen_and_two_come_back_accepted(
    desk_of, demo, tmp_path
):
    yusuf = Household.objects.get(kk_number=YUSUF_KK)
    wahidah = Household.objects.get(kk_number=WAHIDAH_KK)
    members = {person.name: person for person in yusuf.members.all()}
    son, daughter, mother = members["Ahmad Fauzan"], members["Nurul Aini"], members["Siti Aminah"]
    schooling = next(
        value for value, _label in type(daughter)._meta.get_field("schooling").choices
        if value != daughter.schooling
    )  # fmt: skip
    kk, death, minutes = tmp_path / "kk-yusuf.pdf", tmp_path / "akta-kematian.pdf", None
    kk.write_bytes(sample_pdf("KK contoh"))
    death.write_bytes(sample_pdf("Akta kematian contoh"))
    minutes = tmp_path / "berita-acara-musdesus.pdf"
    minutes.write_bytes(sample_pdf("Berita acara Musdesus"))

    # The village operator: the month's countdown, then three proposals through the pages.
    village = desk_of("desa")
    village.goto(f"{demo}/proposals/")
    expect(village.locator("main [role=status]")).to_contain_text("batas input")
    shot(village, "village-operator-proposals")
    assert_accessible(village)

    new_member = open_proposal(village, demo, yusuf, kind="new_member", person=son)
    move(village, "Ajukan")
    expect(village.locator("main .badge").first).to_contain_text("diajukan")

    correction = open_proposal(village, demo, yusuf, kind="correction", person=daughter,
                               change=("schooling", schooling))  # fmt: skip
    move(village, "Ajukan")  # without its evidence: refused, nothing moves
    expect(village.locator("main .alert-danger")).to_contain_text("Lampirkan")
    answered(village, 400)
    correction.refresh_from_db()
    assert correction.status == Proposal.Status.DRAFT and correction.batch is None
    attach(village, "kk", kk)
    move(village, "Ajukan")
    expect(village.locator("main .badge").first).to_contain_text("diajukan")

    exit_ = open_proposal(village, demo, yusuf, kind="exit", person=mother, exit_reason="died")
    attach(village, "akta_kematian", death)
    shot(village, "village-operator-exit-with-certificate")
    assert_accessible(village)
    move(village, "Ajukan")
    expect(village.locator("main .badge").first).to_contain_text("diajukan")

    batch = ProposalBatch.objects.get(region_id=VILLAGE, status=ProposalBatch.Status.OPEN)
    mine = [new_member, correction, exit_]
    for proposal in mine:
        proposal.refresh_from_db()
        assert (proposal.status, proposal.batch_id) == (Proposal.Status.SUBMITTED, batch.pk)

    village.goto(f"{demo}/proposals/batches/{batch.pk}/")
    expect(village.get_by_role("button", name="Setujui berkas usulan")).to_have_count(0)
    village.get_by_role("link", name="Unggah berita acara atau SPTJM").click()
    village.select_option("select[name=kind]", "berita_acara")
    village.set_input_files("input[name=file]", minutes)
    village.get_by_role("button", name="Unggah").click()
    village.wait_for_url(f"{demo}/proposals/batches/{batch.pk}/")
    expect(
        village.get_by_role("link", name="Berita acara musyawarah desa/kelurahan")
    ).to_be_visible()
    shot(village, "village-operator-batch")
    assert_accessible(village)
    village.set_viewport_size(PHONE)
    shot(village, "village-operator-batch-phone")
    assert_accessible(village)

    # The back office: a new household waits for its home visit, which it asks for.
    desk = desk_of("bo")
    new_household = Proposal.objects.get(household=wahidah, kind="new_household")
    desk.goto(f"{demo}/proposals/{new_household.pk}/")
    move(desk, "Verifikasi")
    expect(desk.locator("main .alert-danger")).to_contain_text("kunjungan rumah")
    answered(desk, 400)
    desk.get_by_role("button", name="Minta kunjungan rumah").click()
    desk.wait_for_load_state("networkidle")
    new_household.refresh_from_db()
    visit = new_household.visit
    assert visit is not None and visit.status == Visit.Status.REQUESTED
    desk.get_by_role("link", name=f"Kunjungan rumah #{visit.pk}").click()
    facilitator = User.objects.get(username="fasilitator")
    desk.select_option("select[name=assignee]", str(facilitator.pk))
    desk.get_by_role("button", name="Serahkan", exact=True).click()
    desk.wait_for_load_state("networkidle")
    visit.refresh_from_db()
    assert visit.assignee == facilitator

    # ...and verifies the village's three, whose files are complete.
    for proposal in mine:
        desk.goto(f"{demo}/proposals/{proposal.pk}/")
        move(desk, "Verifikasi")
        expect(desk.locator("main .badge").first).to_contain_text("terverifikasi")
    # The other new family is not visited this month: returned, with the reason.
    later = Proposal.objects.get(household__kk_number=HASANUDDIN_KK, kind="new_household")
    desk.goto(f"{demo}/proposals/{later.pk}/")
    move(desk, "Kembalikan untuk diperbaiki")
    expect(desk.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    answered(desk, 400)
    move(desk, "Kembalikan untuk diperbaiki", note="Belum bisa dikunjungi bulan ini.")
    expect(desk.locator("main .badge").first).to_contain_text("dikembalikan")

    # The head of office cannot approve yet: the new household is not verified.
    head = desk_of("supervisor")
    head.goto(f"{demo}/proposals/batches/{batch.pk}/")
    head.get_by_role("button", name="Setujui berkas usulan").click()
    expect(head.locator("main .alert-danger")).to_contain_text(f"#{new_household.pk}")
    answered(head, 400)
    batch.refresh_from_db()
    assert batch.status == ProposalBatch.Status.OPEN

    # The facilitator, on a phone, visits the new family.
    field = desk_of("fasilitator", phone=True)
    front, inside = tmp_path / "depan.jpg", tmp_path / "dalam.jpg"
    front.write_bytes(sample_photo("Rumah tampak depan", size=(1200, 900)))
    inside.write_bytes(sample_photo("Rumah bagian dalam", size=(900, 1200)))
    field.goto(f"{demo}/visits/")
    field.locator(f"main a[href='/visits/{visit.pk}/']").click()
    field.get_by_role("link", name="Isi kunjungan").click()
    field.fill("input[name=met_name]", "Wahidah")
    field.check(f"input[name=members_present][value='{wahidah.members.get().pk}']")
    field.check("input[name=verdict][value=layak]")
    field.set_input_files("input[name=photo_front]", front)
    field.set_input_files("input[name=photo_inside]", inside)
    field.check("input[name=gps_consent]")
    field.get_by_role("button", name="Ambil lokasi dari ponsel").click()
    expect(field.locator("input[name=latitude]")).to_have_value("-8.460000")
    field.fill("textarea[name=notes]", "Tinggal sendiri, rumah semi permanen.")
    shot(field, "facilitator-proposal-visit-phone")
    field.get_by_role("button", name="Kirim kunjungan").click()
    field.wait_for_url(f"{demo}/visits/{visit.pk}/")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED

    # The back office verifies the new household now that the visit's report is in.
    desk.goto(f"{demo}/proposals/{new_household.pk}/")
    move(desk, "Verifikasi")
    expect(desk.locator("main .badge").first).to_contain_text("terverifikasi")

    # The head of office approves the batch, marks it sent, downloads its BNBA.
    head.goto(f"{demo}/proposals/batches/{batch.pk}/")
    head.get_by_role("button", name="Setujui berkas usulan").click()
    head.wait_for_load_state("networkidle")
    expect(head.locator("main .badge").first).to_contain_text("Disetujui")
    head.get_by_role("button", name="Tandai sudah dikirim").click()
    head.wait_for_load_state("networkidle")
    expect(head.locator("main .badge").first).to_contain_text("Terkirim")
    shot(head, "head-of-office-batch-sent")
    # The head of office's menu bar, the longest, fits a laptop's width.
    assert head.evaluate("document.documentElement.scrollWidth") <= head.viewport_size["width"]
    assert_accessible(head)
    head.get_by_role("link", name="Unduh BNBA (XLSX)").click()
    head.get_by_role("button", name="Unduh XLSX").click()  # without a purpose: asked for it
    expect(head.locator(".invalid-feedback")).to_be_visible()
    answered(head, 400)
    assert_accessible(head)
    head.select_option("select[name=purpose]", "supervision")
    with head.expect_download() as download:
        head.get_by_role("button", name="Unduh XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    sent = [*mine, new_household]
    for proposal in sent:
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.SENT
    later.refresh_from_db()
    assert (later.status, later.batch_id) == (Proposal.Status.RETURNED, None)

    def column(sheet: str, name: str) -> list:
        rows = list(workbook[sheet].iter_rows(values_only=True))
        return [row[rows[0].index(name)] for row in rows[1:]]

    assert column("USULAN_BARU", "NO_KK") == [WAHIDAH_KK]
    assert column("ANGGOTA_BARU", "NIK") == [son.nik]
    assert column("PERBAIKAN", "NIK") == [daughter.nik]
    assert column("KELUAR", "NIK") == [mother.nik]
    logged = AccessLog.objects.get(action=AccessLog.Action.EXPORT, user__username="supervisor")
    assert (logged.purpose, logged.rows) == ("supervision", len(sent))

    # The next national extract: the new family with its desil, the son listed; the
    # correction and the death are not in it yet.
    written = io.StringIO()
    write_extract(Household.objects.filter(pk__in=[yusuf.pk, wahidah.pk]), written)
    rows = list(csv.DictReader(io.StringIO(written.getvalue())))
    for row in rows:
        if row["kk_number"] == WAHIDAH_KK:
            row.update(dtks_id="3201-2026-000777", desil="2")
        elif not row["dtks_id"]:
            row["dtks_id"] = "3201-2026-000001"
    extract = tmp_path / "dtsen-desember.csv"
    with extract.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    head.goto(f"{demo}/households/imports/")
    head.set_input_files("input[name=file]", extract)
    head.get_by_role("button", name="Unggah dan impor").click()
    head.wait_for_url(lambda url: "/households/imports/" in url and url.rstrip("/")[-1].isdigit())
    expect(head.locator("main")).to_contain_text("Tidak ada baris yang ditolak", timeout=30_000)

    for proposal in sent:
        proposal.refresh_from_db()
    assert (new_household.status, new_household.desil_result) == (Proposal.Status.ACCEPTED, 2)
    assert new_member.status == Proposal.Status.ACCEPTED
    assert correction.status == exit_.status == Proposal.Status.SENT
    head.goto(f"{demo}/proposals/?status=accepted")
    expect(head.locator("main tbody tr")).to_have_count(2)
    shot(head, "head-of-office-proposals-accepted")
    assert_accessible(head)
