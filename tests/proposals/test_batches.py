"""A village's monthly batch: approved by the head of office with its minutes and every
proposal verified, then sent; its BNBA read back; its pages keep to the area."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from documents.services import document_upload
from proposals.batches import batch_approve, batch_countdown, batch_for, batch_mark_sent
from proposals.models import Proposal, ProposalBatch
from regions.models import Region
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory, staff_user

VILLAGE, OTHER_VILLAGE, OTHER_DISTRICT_VILLAGE = "52.72.01.1001", "52.72.01.1002", "52.72.02.1008"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def staff(kota_bima):
    Region.objects.create(code="52.71", name="Kota Mataram", level=2, parent_id="52")
    return {
        "supervisor": staff_user(Role.SUPERVISOR, "52.72.01"),
        "back_office": staff_user(Role.BACK_OFFICE, "52.72.01"),
        "front_office": staff_user(Role.FRONT_OFFICE, "52.72.01"),
        "village_operator": staff_user(Role.VILLAGE_OPERATOR, VILLAGE),
        "operator_other_village": staff_user(Role.VILLAGE_OPERATOR, OTHER_VILLAGE),
        "supervisor_other_district": staff_user(Role.SUPERVISOR, "52.72.02"),
        "supervisor_other_city": staff_user(Role.SUPERVISOR, "52.71"),
        "agency_officer": staff_user(Role.AGENCY_OFFICER, "52.72"),
    }


@pytest.fixture
def batch(staff):
    return ProposalBatch.objects.create(region_id=VILLAGE, month=datetime.date(2026, 11, 1))


def add_proposals(batch, status=Proposal.Status.VERIFIED):
    household = HouseholdFactory(region_id=VILLAGE, kk_number="5272011203150001",
                                 dtks_id="DTKS-1")  # fmt: skip
    head = PersonFactory(household=household, name="Rahmat Hidayat", relationship="head",
                         sex="M", nik="5272010101800001")  # fmt: skip
    PersonFactory(household=household, name="Siti Aminah", relationship="spouse", sex="F",
                  birth_date=datetime.date(1982, 3, 4))  # fmt: skip
    other = HouseholdFactory(region_id=VILLAGE)
    member = PersonFactory(household=other, name='=HYPERLINK("x")', relationship="child")
    return [
        ProposalFactory(household=household, kind="new_household", status=status, batch=batch),
        ProposalFactory(household=other, person=member, kind="new_member", status=status,
                        batch=batch),
        ProposalFactory(household=household, person=head, kind="correction", status=status,
                        batch=batch, changes={"address": {"from": "Jl. Lama", "to": "Jl. Baru"}}),
        ProposalFactory(household=other, person=PersonFactory(household=other, name="Ahmad"),
                        kind="exit", exit_reason="died", status=status, batch=batch),
    ]  # fmt: skip


def attach_minutes(batch, actor):
    return document_upload(
        actor=actor, owner_type="batch", owner_id=batch.pk, kind_code="berita_acara",
        upload=SimpleUploadedFile("ba.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip


def snapshot(batch):
    batch.refresh_from_db()
    rows = list(batch.proposals.order_by("pk").values_list("status", "version"))
    events = sum(p.events.count() for p in batch.proposals.all())
    return (batch.status, batch.approved_by_id, rows, events)


def test_approve_and_send_move_every_proposal_with_its_event(staff, batch):
    proposals = add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == "approved" and batch.approved_by == staff["supervisor"]
    for proposal in proposals:
        proposal.refresh_from_db()
        assert proposal.status == "approved"
        assert proposal.events.filter(to_status="approved", actor=staff["supervisor"]).exists()
    batch_mark_sent(actor=staff["supervisor"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == "sent" and batch.sent_by == staff["supervisor"]
    assert set(batch.proposals.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize(
    "case", ["no_minutes", "no_proposals", "unverified", "role", "twice", "own"]
)
def test_each_refusal_names_why_and_changes_nothing(staff, batch, case):
    actor = staff["supervisor"]
    if case != "no_proposals":
        proposals = add_proposals(batch)
    if case not in ("no_minutes", "no_proposals"):
        attach_minutes(batch, staff["village_operator"])
    if case == "unverified":
        Proposal.objects.filter(pk=proposals[1].pk).update(status="submitted")
    if case == "role":
        actor = staff["back_office"]
    if case == "twice":
        ProposalBatch.objects.filter(pk=batch.pk).update(status="approved")
    if case == "own":  # four eyes: who proposed one of them does not approve the batch
        Proposal.objects.filter(pk=proposals[2].pk).update(created_by=actor)
    before = snapshot(batch)
    with pytest.raises(ValidationError) as caught:
        batch_approve(actor=actor, batch=batch)
    message = " ".join(caught.value.message_dict["batch"])
    expected = {
        "no_minutes": "berita acara", "no_proposals": "belum berisi usulan",
        "unverified": f"#{proposals[1].pk}" if case == "unverified" else "",
        "role": "Peran Anda", "twice": "sudah berstatus disetujui",
        "own": f"Anda mengusulkan atau memverifikasi #{proposals[2].pk}" if case == "own" else "",
    }[case]  # fmt: skip
    assert expected in message
    assert snapshot(batch) == before


def test_a_batch_without_proposals_takes_no_minutes(staff, batch):
    with pytest.raises(ValidationError) as caught:
        attach_minutes(batch, staff["village_operator"])
    assert "owner_id" in caught.value.message_dict


def test_sending_needs_an_approved_batch(staff, batch):
    add_proposals(batch)
    before = snapshot(batch)
    with pytest.raises(ValidationError) as caught:
        batch_mark_sent(actor=staff["supervisor"], batch=batch)
    assert "batch" in caught.value.message_dict
    assert snapshot(batch) == before


def test_approval_lets_go_of_the_returned_and_takes_the_verified(staff, batch):
    proposals = add_proposals(batch)
    Proposal.objects.filter(pk=proposals[0].pk).update(status="returned")
    Proposal.objects.filter(pk=proposals[1].pk).update(status="rejected")
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    assert sorted(batch.proposals.values_list("pk", flat=True)) == [p.pk for p in proposals[2:]]
    assert set(batch.proposals.values_list("status", flat=True)) == {"approved"}
    assert not proposals[0].events.exists()
    # one returned after the approval is not sent with the batch and leaves it
    Proposal.objects.filter(pk=proposals[2].pk).update(status="returned")
    batch_mark_sent(actor=staff["supervisor"], batch=batch)
    assert list(batch.proposals.values_list("pk", "status")) == [(proposals[3].pk, "sent")]


def test_the_countdown_closes_after_the_last_day_of_input(staff):
    village = Region.objects.get(code=VILLAGE)
    open_day = batch_countdown(village, datetime.date(2026, 12, 9))
    assert open_day["days_left"] == 3 and not open_day["closed"]
    late = batch_countdown(village, datetime.date(2026, 12, 20))
    assert late["closed"] and late["joins_month"] == datetime.date(2027, 1, 1)


@pytest.mark.parametrize(
    "day, expected",
    [(9, "3 hari lagi sebelum batas input"), (20, "usulan baru masuk berkas bulan depan")],
)
def test_the_list_shows_this_months_countdown_in_indonesian(
    staff, client, monkeypatch, day, expected
):
    monkeypatch.setattr(
        "regions.time_zones.local_date_in", lambda code: datetime.date(2026, 12, day)
    )
    ProposalBatch.objects.create(region_id=VILLAGE, month=datetime.date(2026, 12, 1))
    for who in ("village_operator", "back_office"):
        client.force_login(staff[who])
        response = client.get(reverse("proposals:batch_list"))
        assert response.status_code == 200
        assert expected in response.content.decode()


def test_a_sent_batch_counts_no_days_down(staff, client, monkeypatch):
    monkeypatch.setattr("regions.time_zones.local_date_in", lambda code: datetime.date(2026, 12, 9))
    batch = ProposalBatch.objects.create(region_id=VILLAGE, month=datetime.date(2026, 12, 1),
                                         status=ProposalBatch.Status.SENT)  # fmt: skip
    client.force_login(staff["village_operator"])
    for url in (reverse("proposals:batch_list"),
                reverse("proposals:batch_detail", args=[batch.pk])):  # fmt: skip
        assert "sebelum batas input" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "who", ["supervisor_other_district", "supervisor_other_city", "operator_other_village",
            "agency_officer"],
)  # fmt: skip
def test_a_batch_out_of_scope_does_not_exist(staff, batch, client, who):
    add_proposals(batch)
    client.force_login(staff[who])
    detail = client.get(reverse("proposals:batch_detail", args=[batch.pk]))
    assert detail.status_code in (403, 404)
    listing = client.get(reverse("proposals:batch_list"))
    assert "Rahmat" not in listing.content.decode()
    assert str(reverse("proposals:batch_detail", args=[batch.pk])) not in listing.content.decode()
    with pytest.raises(ValidationError):
        attach_minutes(batch, staff[who])


def test_the_village_operator_uploads_the_minutes_on_the_batch_page(staff, batch, client):
    add_proposals(batch)
    client.force_login(staff["village_operator"])
    page = client.get(reverse("proposals:batch_detail", args=[batch.pk]))
    upload_url = reverse("documents:upload", args=["batch", batch.pk])
    assert upload_url in page.content.decode()
    response = client.post(upload_url, {
        "kind": "berita_acara", "file": SimpleUploadedFile("ba.pdf", PDF, "application/pdf"),
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("proposals:batch_detail", args=[batch.pk]))
    assert "ba.pdf" in page.content.decode() or "Berita acara" in page.content.decode()


def test_the_page_approves_and_a_refusal_is_shown(staff, batch, client):
    add_proposals(batch)
    client.force_login(staff["supervisor"])
    refused = client.post(reverse("proposals:batch_approve", args=[batch.pk]))
    assert refused.status_code == 400
    assert "berita acara" in refused.content.decode().lower()
    attach_minutes(batch, staff["village_operator"])
    done = client.post(reverse("proposals:batch_approve", args=[batch.pk]))
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "approved"
    client.force_login(staff["back_office"])
    assert client.post(reverse("proposals:batch_send", args=[batch.pk])).status_code == 403


def read_back(content: bytes) -> dict:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        sheets[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    return sheets


def test_the_bnba_reads_back_with_every_proposal_and_logs_the_download(staff, batch, client):
    proposals = add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    client.force_login(staff["supervisor"])
    url = reverse("proposals:batch_bnba", args=[batch.pk])
    asked = client.get(url)
    assert asked.status_code == 200 and AccessLog.objects.count() == 0
    assert client.post(url, {"purpose": ""}).status_code == 400
    assert AccessLog.objects.count() == 0
    response = client.post(url, {"purpose": "supervision"})
    assert response.status_code == 200
    sheets = read_back(response.content)
    assert list(sheets) == ["USULAN_BARU", "ANGGOTA_BARU", "PERBAIKAN", "KELUAR"]
    found = {row["ID_USULAN"] for rows in sheets.values() for row in rows}
    assert found == {proposal.pk for proposal in proposals}
    new = sheets["USULAN_BARU"]
    assert [row["NAMA"] for row in new] == ["Rahmat Hidayat", "Siti Aminah"]
    assert new[0]["NIK"] == "5272010101800001" and new[0]["NO_KK"] == "5272011203150001"
    assert [row["JENIS_KELAMIN"] for row in new] == [1, 2]
    assert [row["HUBUNGAN_KELUARGA"] for row in new] == [1, 2]
    assert new[1]["TANGGAL_LAHIR"] == "04-03-1982" and new[0]["KODE_WILAYAH"] == VILLAGE
    assert sheets["ANGGOTA_BARU"][0]["NAMA"].startswith("'=")
    correction = sheets["PERBAIKAN"][0]
    assert (correction["VARIABEL"], correction["NILAI_LAMA"], correction["NILAI_BARU"]) == (
        "address", "Jl. Lama", "Jl. Baru")  # fmt: skip
    assert sheets["KELUAR"][0]["ALASAN_KELUAR"] == 1
    entry = AccessLog.objects.get()
    assert entry.user == staff["supervisor"] and entry.action == "export"
    assert entry.purpose == "supervision" and entry.rows == 4


@pytest.mark.parametrize("who", ["back_office", "front_office", "village_operator"])
def test_only_the_download_bnba_role_downloads_it(staff, batch, client, who):
    add_proposals(batch, status="approved")
    ProposalBatch.objects.filter(pk=batch.pk).update(status="approved")
    client.force_login(staff[who])
    url = reverse("proposals:batch_bnba", args=[batch.pk])
    assert client.post(url, {"purpose": "supervision"}).status_code == 403
    assert AccessLog.objects.count() == 0


def test_an_open_batch_has_no_bnba(staff, batch, client):
    add_proposals(batch)
    client.force_login(staff["supervisor"])
    url = reverse("proposals:batch_bnba", args=[batch.pk])
    assert client.post(url, {"purpose": "supervision"}).status_code == 404
    assert AccessLog.objects.count() == 0


def test_a_sent_batch_keeps_its_bnba_without_the_one_returned_before_sending(staff, batch, client):
    proposals = add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    Proposal.objects.filter(pk=proposals[3].pk).update(status="returned")
    batch_mark_sent(actor=staff["supervisor"], batch=batch)
    client.force_login(staff["supervisor"])
    response = client.post(
        reverse("proposals:batch_bnba", args=[batch.pk]), {"purpose": "supervision"}
    )
    sheets = read_back(response.content)
    found = {row["ID_USULAN"] for rows in sheets.values() for row in rows}
    assert found == {proposal.pk for proposal in proposals[:3]}
    assert sheets["KELUAR"] == [] and AccessLog.objects.get().rows == 3


def test_the_list_counts_what_each_batch_holds(staff, batch, client):
    proposals = add_proposals(batch)
    Proposal.objects.filter(pk=proposals[0].pk).update(status="returned")
    Proposal.objects.filter(pk=proposals[1].pk).update(status="submitted")
    client.force_login(staff["village_operator"])
    body = client.get(reverse("proposals:batch_list")).content.decode()
    assert "3 usulan · 2 terverifikasi" in body


def test_a_proposal_submitted_after_its_months_batch_was_approved_joins_the_next_month(batch):
    day = datetime.date(2026, 11, 5)  # before the cut-off: November's batch
    assert batch_for(batch.region, day) == batch
    batch.status = ProposalBatch.Status.APPROVED
    batch.save()

    later = batch_for(batch.region, day)

    assert (later.month, later.status) == (datetime.date(2026, 12, 1), "open")
