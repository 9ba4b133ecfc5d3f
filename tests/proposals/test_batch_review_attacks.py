"""Attacks on the monthly batches from a reviewer's bench: minutes slipped into a batch the
head of office has already signed, a batch approved by the officer who prepared it, a BNBA
listing members who are no longer in the household."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import Document
from proposals.batches import batch_approve, batch_mark_sent, with_counts
from proposals.models import ProposalBatch
from proposals.services import proposal_transition
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory
from tests.proposals import test_batches as batches_tests
from tests.proposals.test_batches import PDF, VILLAGE, add_proposals, attach_minutes, snapshot

staff = batches_tests.staff
batch = batches_tests.batch


@pytest.mark.parametrize("closed_by", ["approved", "sent"])
def test_no_minutes_are_slipped_into_a_batch_already_approved(staff, batch, client, closed_by):
    add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    if closed_by == "sent":
        batch_mark_sent(actor=staff["supervisor"], batch=batch)
    before = Document.objects.filter(owner_type="batch", owner_id=batch.pk).count()
    with pytest.raises(ValidationError) as caught:
        attach_minutes(batch, staff["village_operator"])
    assert "owner_id" in caught.value.message_dict
    client.force_login(staff["village_operator"])
    upload = reverse("documents:upload", args=["batch", batch.pk])
    page = client.post(
        upload, {"kind": "sptjm", "file": SimpleUploadedFile("s.pdf", PDF, "application/pdf")}
    )
    assert page.status_code == 404
    api = APIClient()
    api.force_authenticate(staff["back_office"])
    answer = api.post("/api/v1/documents/", {
        "owner_type": "batch", "owner_id": batch.pk, "kind": "berita_acara",
        "file": SimpleUploadedFile("b.pdf", PDF, "application/pdf"),
    }, format="multipart")  # fmt: skip
    assert answer.status_code in (400, 404)
    assert Document.objects.filter(owner_type="batch", owner_id=batch.pk).count() == before


def _prepared_by(supervisor, batch, step):
    household = HouseholdFactory(region_id=VILLAGE)
    member = PersonFactory(household=household)
    proposal = ProposalFactory(
        household=household, person=member, kind="new_member", batch=batch,
        status="submitted" if step == "verified" else "verified",
        **({"created_by": supervisor} if step == "proposed" else {}),
    )  # fmt: skip
    if step == "verified":
        proposal_transition(actor=supervisor, proposal=proposal, to="verified")
    return proposal


@pytest.mark.parametrize("step", ["proposed", "verified"])
def test_the_officer_who_prepared_a_batch_does_not_approve_it(staff, batch, client, step):
    """DESIGN: approving a monthly batch takes a second pair of eyes; the person who
    prepared a thing never decides it."""
    supervisor = staff["supervisor"]
    proposal = _prepared_by(supervisor, batch, step)
    attach_minutes(batch, staff["village_operator"])
    before = snapshot(batch)
    with pytest.raises(ValidationError) as caught:
        batch_approve(actor=supervisor, batch=batch)
    message = " ".join(caught.value.message_dict["batch"])
    assert f"#{proposal.pk}" in message and "pejabat lain" in message
    assert snapshot(batch) == before
    client.force_login(supervisor)
    page = client.post(reverse("proposals:batch_approve", args=[batch.pk]))
    assert page.status_code == 400 and "pejabat lain" in page.content.decode()
    api = APIClient()
    api.force_authenticate(supervisor)
    answer = api.post(f"/api/v1/proposal-batches/{batch.pk}/approve/")
    assert answer.status_code == 400 and "pejabat lain" in " ".join(answer.json()["batch"])
    assert snapshot(batch) == before
    # another head of office of the area approves it
    other = batches_tests.staff_user(batches_tests.Role.SUPERVISOR, "52.72")
    batch_approve(actor=other, batch=batch)
    assert ProposalBatch.objects.get(pk=batch.pk).status == "approved"


def test_a_new_households_bnba_lists_only_the_members_who_live_there(staff, batch):
    """A member who died or moved out is not proposed to DTSEN with their household."""
    from proposals.bnba import bnba_workbook
    from tests.proposals.test_batches import read_back

    household = HouseholdFactory(region_id=VILLAGE)
    PersonFactory(household=household, name="Rahmat Hidayat", relationship="head")
    for name, status in (("Almarhum Ahmad", "deceased"), ("Nur Pindah", "moved_out")):
        PersonFactory(household=household, name=name, relationship="child", status=status,
                      status_date=datetime.date(2026, 10, 1))  # fmt: skip
    ProposalFactory(household=household, kind="new_household", status="approved", batch=batch)
    ProposalBatch.objects.filter(pk=batch.pk).update(status="approved")
    batch.refresh_from_db()
    sheets = read_back(bnba_workbook(batch))
    assert [row["NAMA"] for row in sheets["USULAN_BARU"]] == ["Rahmat Hidayat"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/proposal-batches/{batch}/"),
        ("post", "/api/v1/proposal-batches/{batch}/approve/"),
        ("post", "/api/v1/proposals/{proposal}/settle/"),
    ],
)
def test_out_of_the_area_the_api_says_not_found_in_indonesian(staff, batch, method, url):
    """Not "No ProposalBatch matches the given query.": English, and the model's name."""
    proposal = add_proposals(batch)[0]
    api = APIClient()
    api.force_authenticate(staff["supervisor_other_district"])
    answer = getattr(api, method)(url.format(batch=batch.pk, proposal=proposal.pk))
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Tidak ditemukan."}


def test_a_null_body_is_refused_in_indonesian(staff, batch):
    proposal = add_proposals(batch, status="sent")[0]
    api = APIClient()
    api.force_authenticate(staff["supervisor"])
    answer = api.post(f"/api/v1/proposals/{proposal.pk}/settle/", "null",
                      content_type="application/json")  # fmt: skip
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["Tidak ada data yang dikirim: kirim sebuah objek JSON."]
    }
    proposal.refresh_from_db()
    assert proposal.status == "sent"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("postgresql")
def test_a_proposal_submitted_while_its_batch_is_approved_never_lands_in_the_approved_batch(
    kota_bima, monkeypatch
):
    """The desk submits a proposal as the head of office approves its village's batch: the
    proposal joins an open batch (next month's, or this one before the approval, which then
    waits for it), never the approved one, where the BNBA would list it unverified and
    sending would drop it from every batch."""
    import threading
    import time

    from django.db import connection

    from accounts.roles import Role
    from proposals import services
    from tests.factories import staff_user

    supervisor = staff_user(Role.SUPERVISOR, "52.72")
    desk = staff_user(Role.FRONT_OFFICE, "52.72.01")
    village_operator = staff_user(Role.VILLAGE_OPERATOR, VILLAGE)
    day = datetime.date(2026, 11, 5)
    monkeypatch.setattr(services, "local_date_in", lambda code: day)
    batch = ProposalBatch.objects.create(region_id=VILLAGE, month=datetime.date(2026, 11, 1))
    household = HouseholdFactory(region_id=VILLAGE)
    ProposalFactory(household=household, person=PersonFactory(household=household),
                    kind="new_member", status="verified", batch=batch)  # fmt: skip
    attach_minutes(batch, village_operator)
    other = HouseholdFactory(region_id=VILLAGE)
    draft = ProposalFactory(household=other, person=PersonFactory(household=other),
                            kind="new_member", created_by=desk)  # fmt: skip

    joined = threading.Event()
    batch_day = services._batch_day

    def slow_batch_day(current):
        found = batch_day(current)
        joined.set()
        time.sleep(1)  # the approval runs meanwhile
        return found

    monkeypatch.setattr(services, "_batch_day", slow_batch_day)
    outcomes = {}

    def submit():
        try:
            proposal_transition(actor=desk, proposal=draft, to="submitted")
            outcomes["submit"] = "done"
        except ValidationError as error:
            outcomes["submit"] = error.messages
        finally:
            connection.close()

    def approve():
        try:
            joined.wait(5)
            batch_approve(actor=supervisor, batch=batch)
            outcomes["approve"] = "done"
        except ValidationError as error:
            outcomes["approve"] = error.messages
        finally:
            connection.close()

    threads = [threading.Thread(target=submit), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["submit"] == "done"
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.batch.status == "open"
    for closed in ProposalBatch.objects.exclude(status="open"):
        assert set(closed.proposals.values_list("status", flat=True)) <= {"approved"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("postgresql")
def test_a_returned_proposal_resubmitted_while_its_batch_is_approved_is_no_deadlock(
    kota_bima, monkeypatch
):
    """A proposal returned from an open batch (still in it until the approval lets it go)
    is submitted again as the batch is approved: the submission and the approval lock the
    batch and the proposal in the same order, so neither ends in a database deadlock."""
    import threading
    import time

    from django.db import connection

    from accounts.roles import Role
    from proposals import services
    from tests.factories import staff_user

    supervisor = staff_user(Role.SUPERVISOR, "52.72")
    desk = staff_user(Role.FRONT_OFFICE, "52.72.01")
    monkeypatch.setattr(services, "local_date_in", lambda code: datetime.date(2026, 11, 5))
    batch = ProposalBatch.objects.create(region_id=VILLAGE, month=datetime.date(2026, 11, 1))
    household = HouseholdFactory(region_id=VILLAGE)
    ProposalFactory(household=household, person=PersonFactory(household=household),
                    kind="new_member", status="verified", batch=batch)  # fmt: skip
    attach_minutes(batch, staff_user(Role.VILLAGE_OPERATOR, VILLAGE))
    other = HouseholdFactory(region_id=VILLAGE)
    returned = ProposalFactory(household=other, person=PersonFactory(household=other),
                               kind="new_member", status="returned", batch=batch)  # fmt: skip

    locked = threading.Event()
    real_locked = services._locked

    def slow_locked(proposal):
        found = real_locked(proposal)
        if threading.current_thread().name == "submit":
            locked.set()
            time.sleep(1)  # the approval runs meanwhile
        return found

    monkeypatch.setattr(services, "_locked", slow_locked)
    outcomes = {}

    def run(name, work):
        try:
            work()
            outcomes[name] = "done"
        except ValidationError as error:
            outcomes[name] = error.messages
        except Exception as error:  # a deadlock: the database aborts one of them
            outcomes[name] = repr(error)
        finally:
            connection.close()

    def approve():
        locked.wait(5)
        batch_approve(actor=supervisor, batch=batch)

    threads = [
        threading.Thread(name="submit", target=run, args=(
            "submit", lambda: proposal_transition(actor=desk, proposal=returned, to="submitted"))),
        threading.Thread(name="approve", target=run, args=("approve", approve)),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["submit"] == "done", outcomes
    assert "deadlock" not in str(outcomes.get("approve")).lower(), outcomes
    returned.refresh_from_db()
    assert returned.status == "submitted" and returned.batch.status == "open"


def test_the_village_operator_who_uploaded_the_minutes_finds_them_on_the_batch_page(
    staff, batch, client
):
    """Right after the upload, the batch's page lists the minutes (the operator reads the
    documents of the village's batches), not "no berita acara attached yet"."""
    add_proposals(batch)
    client.force_login(staff["village_operator"])
    before = client.get(reverse("proposals:batch_detail", args=[batch.pk])).content.decode()
    assert "Belum ada berita acara atau SPTJM" in before
    attach_minutes(batch, staff["village_operator"])
    after = client.get(reverse("proposals:batch_detail", args=[batch.pk])).content.decode()
    minutes = Document.objects.get(owner_type="batch", owner_id=batch.pk)
    assert reverse("documents:download", args=[minutes.pk]) in after
    assert "Belum ada berita acara atau SPTJM" not in after


def test_a_sent_batchs_bnba_keeps_a_proposal_the_registry_returned_and_the_desk_resubmitted(
    staff, batch, client, monkeypatch
):
    from proposals import services
    from proposals.settlement import proposal_settle
    from tests.proposals.test_batches import read_back

    monkeypatch.setattr(services, "local_date_in", lambda code: datetime.date(2026, 11, 5))
    proposals = add_proposals(batch)
    attach_minutes(batch, staff["village_operator"])
    batch_approve(actor=staff["supervisor"], batch=batch)
    batch_mark_sent(actor=staff["supervisor"], batch=batch)
    member = proposals[1]
    member.refresh_from_db()
    proposal_settle(actor=staff["supervisor"], proposal=member, outcome="returned",
                    reason="NIK belum padan Dukcapil")  # fmt: skip
    member.refresh_from_db()
    proposal_transition(actor=staff["village_operator"], proposal=member, to="submitted")
    client.force_login(staff["supervisor"])
    response = client.post(
        reverse("proposals:batch_bnba", args=[batch.pk]), {"purpose": "supervision"}
    )
    found = {row["ID_USULAN"] for rows in read_back(response.content).values() for row in rows}
    assert found == {proposal.pk for proposal in proposals}
    counted = with_counts(ProposalBatch.objects.filter(pk=batch.pk)).get()
    assert counted.proposal_count == len(proposals)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.services("postgresql")
def test_two_heads_of_office_approving_at_once_approve_once(kota_bima):
    import threading

    from django.db import connection

    from accounts.roles import Role
    from tests.factories import staff_user

    heads = [staff_user(Role.SUPERVISOR, "52.72") for _ in range(2)]
    batch = ProposalBatch.objects.create(region_id=VILLAGE, month=datetime.date(2026, 11, 1))
    proposals = add_proposals(batch)
    attach_minutes(batch, staff_user(Role.VILLAGE_OPERATOR, VILLAGE))
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(head):
        try:
            barrier.wait()
            batch_approve(actor=head, batch=batch)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(head,)) for head in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("done") == 1
    assert any("sudah berstatus disetujui" in outcome for outcome in outcomes)
    for proposal in proposals:
        assert proposal.events.filter(to_status="approved").count() == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [({}, "Bidang ini harus diisi."), ({"outcome": "accepted", "desil": "3"}, "sudah usang")],
    ids=["empty", "no-version"],
)
def test_a_settlement_posted_without_its_fields_says_why(staff, batch, client, data, says):
    """An empty POST was read as no form at all, and a missing version's message sat on a
    hidden field: a 400 with nothing said."""
    proposal = add_proposals(batch, status="sent")[0]
    client.force_login(staff["supervisor"])
    page = client.post(reverse("proposals:settle", args=[proposal.pk]), data)
    assert page.status_code == 400
    assert says in page.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.version) == ("sent", 1)
