"""The next national extract settles the sent proposals of the villages it covers."""

import datetime
import io
import logging

import pytest
from django.core.management import call_command

from households.models import Household
from households.registry_import import import_extract
from households.registry_import import watchers as registry_watchers
from proposals.models import FOLLOW_UP_CYCLES, Proposal
from tests.factories import HouseholdFactory, PersonFactory, ProposalFactory

pytestmark = pytest.mark.usefixtures("kota_bima")

VILLAGE, OTHER_DISTRICT = "52.72.01.1001", "52.72.02.1008"
HEADER = "dtks_id;kk_number;region_code;address;rt;rw;desil;nik;name;sex;birth_date;relationship"
HEAD_NIK, WIFE_NIK, CHILD_NIK = "5272011205780001", "5272014308820002", "5272010101100003"
KK = "5272011203150001"


def row(dtks_id, kk, region, desil, nik, name, sex, born, relationship, address="Jl. Bima 1"):
    cells = [dtks_id, kk, region, address, "003", "001", desil, nik, name, sex, born, relationship]
    return ";".join(str(cell) for cell in cells)


def run_import(tmp_path, *rows, name="dtks.csv"):
    path = tmp_path / name
    path.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    call_command("import_dtks", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def household():
    """A household registered at the desk, not yet in the registry."""
    home = HouseholdFactory(kk_number=KK, region_id=VILLAGE, address="Jl. Bima 1", rt="003",
                            rw="001")  # fmt: skip
    PersonFactory(household=home, nik=HEAD_NIK, name="Muhammad Yusuf", sex="M",
                  birth_date=datetime.date(1978, 5, 12), relationship="head")  # fmt: skip
    PersonFactory(household=home, nik=WIFE_NIK, name="Siti Aminah", sex="F",
                  birth_date=datetime.date(1982, 8, 3), relationship="spouse")  # fmt: skip
    return home


def yusuf_rows(desil=3, *, wife=True, wife_name="Siti Aminah", kk=KK):
    rows = [row("DTKS-1", kk, VILLAGE, desil, HEAD_NIK, "Muhammad Yusuf", 1, "12-05-1978", 1)]
    if wife:
        rows.append(row("DTKS-1", kk, VILLAGE, desil, WIFE_NIK, wife_name, 2, "03-08-1982", 2))
    return rows


def sent(**fields) -> Proposal:
    return ProposalFactory(status=Proposal.Status.SENT, **fields)


def other_district_rows():
    return [row("DTKS-9", "5272021910160003", OTHER_DISTRICT, 4, "5272025404900004",
                "Nur Hasanah", 2, "14-04-1990", 1)]  # fmt: skip


def test_a_new_household_in_the_extract_is_accepted_with_its_desil(
    tmp_path, household, django_capture_on_commit_callbacks
):
    proposal = sent(household=household)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(desil=3))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.desil_result == 3
    event = proposal.events.get(to_status=Proposal.Status.ACCEPTED)
    assert event.via == "system" and event.actor is None
    assert "DTSEN" in event.note


def test_a_new_household_is_found_by_its_heads_nik_under_a_new_kk_number(
    tmp_path, household, django_capture_on_commit_callbacks
):
    proposal = sent(household=household)
    other = HouseholdFactory(kk_number=None, region_id=VILLAGE)  # noqa: F841
    household.kk_number = None
    household.save()
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(desil=5, kk="5272011203150009"))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 5)


def test_a_new_member_is_accepted_when_the_household_lists_their_nik(
    tmp_path, household, django_capture_on_commit_callbacks
):
    wife = household.members.get(nik=WIFE_NIK)
    proposal = sent(kind="new_member", household=household, person=wife)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(wife=False))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT and proposal.cycles_unanswered == 1
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(desil=2))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 2)


def test_a_correction_is_accepted_once_the_extract_shows_the_new_values(
    tmp_path, household, django_capture_on_commit_callbacks
):
    wife = household.members.get(nik=WIFE_NIK)
    changes = {"name": {"from": "Siti Aminah", "to": "Siti Aminah Yusuf"}}
    proposal = sent(kind="correction", household=household, person=wife, changes=changes)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows())
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT  # listed, but not corrected yet
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(wife_name="Siti Aminah Yusuf", desil=4))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 4)


def test_a_household_correction_compares_the_registrys_written_values(
    tmp_path, household, django_capture_on_commit_callbacks
):
    changes = {"address": {"from": "Jl. Bima 1", "to": "Jl. Sultan 7"}}
    proposal = sent(kind="correction", household=household, changes=changes)
    rows = [r.replace("Jl. Bima 1", "Jl. Sultan 7") for r in yusuf_rows(desil=6)]
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *rows)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 6)


def test_an_exit_is_accepted_when_the_member_no_longer_appears(
    tmp_path, household, django_capture_on_commit_callbacks
):
    wife = household.members.get(nik=WIFE_NIK)
    staying = sent(kind="exit", household=household, person=household.members.get(nik=HEAD_NIK),
                   exit_reason="moved")  # fmt: skip
    leaving = sent(kind="exit", household=household, person=wife, exit_reason="died")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(wife=False))
    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert leaving.status == Proposal.Status.ACCEPTED and leaving.desil_result is None
    assert staying.status == Proposal.Status.SENT and staying.cycles_unanswered == 1


def test_a_household_exit_is_accepted_when_neither_it_nor_its_members_appear(
    tmp_path, household, django_capture_on_commit_callbacks
):
    proposal = sent(kind="exit", household=household, exit_reason="better_off")
    neighbour = [row("DTKS-5", "5272011203150005", VILLAGE, 7, "5272011505800005", "Ahmad", 1,
                     "15-05-1980", 1)]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows())
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SENT
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *neighbour)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_the_next_import_accepts_two_and_counts_the_rest(
    tmp_path, household, django_capture_on_commit_callbacks
):
    wife = household.members.get(nik=WIFE_NIK)
    new = sent(household=household)
    member = sent(kind="new_member", household=household, person=wife)
    waiting = sent(household=HouseholdFactory(region_id=VILLAGE))
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows())
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {new.pk: "accepted", member.pk: "accepted", waiting.pk: "sent"}
    assert Household.objects.get(pk=household.pk).desil == 3


def test_an_extract_imported_twice_in_a_month_counts_one_cycle(
    tmp_path, household, django_capture_on_commit_callbacks
):
    waiting = sent(household=HouseholdFactory(region_id=VILLAGE))
    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run_import(tmp_path, *yusuf_rows())
    waiting.refresh_from_db()
    assert waiting.cycles_unanswered == 1
    assert not waiting.needs_follow_up
    assert not Proposal.objects.needs_follow_up().exists()


def test_after_two_cycles_unanswered_a_proposal_needs_follow_up(
    tmp_path, household, django_capture_on_commit_callbacks, time_machine
):
    waiting = sent(household=HouseholdFactory(region_id=VILLAGE))
    for day in (datetime.date(2026, 11, 20), datetime.date(2026, 12, 20)):
        time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 9))
        with django_capture_on_commit_callbacks(execute=True):
            run_import(tmp_path, *yusuf_rows())
    waiting.refresh_from_db()
    assert waiting.cycles_unanswered == FOLLOW_UP_CYCLES
    assert waiting.needs_follow_up
    assert list(Proposal.objects.needs_follow_up()) == [waiting]


def test_an_import_of_other_villages_leaves_the_proposals_untouched(
    tmp_path, household, django_capture_on_commit_callbacks
):
    proposal = sent(kind="exit", household=household, exit_reason="moved")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *other_district_rows())
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cycles_unanswered) == (Proposal.Status.SENT, 0)
    assert proposal.last_cycle_month is None


def test_proposals_not_yet_sent_are_not_settled(
    tmp_path, household, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(household=household, status=Proposal.Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows())
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cycles_unanswered) == (Proposal.Status.APPROVED, 0)


def test_a_failing_watcher_never_undoes_the_import(
    tmp_path, household, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    sent(household=household)

    def broken(seen):
        raise RuntimeError("watcher down")

    monkeypatch.setattr("proposals.settlement.proposals_settle_from_import", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows())
    assert Household.objects.get(pk=household.pk).dtks_id == "DTKS-1"
    assert "watcher down" in caplog.text


def test_members_an_import_loaded_are_watched_too(tmp_path, django_capture_on_commit_callbacks):
    run_import(tmp_path, *yusuf_rows())  # the registry's own household, no history of them
    household = Household.objects.get(dtks_id="DTKS-1")
    wife = household.members.get(nik=WIFE_NIK)
    assert not wife.history.exists()
    proposal = sent(kind="exit", household=household, person=wife, exit_reason="died")
    head_exit = sent(kind="exit", household=household, person=household.members.get(nik=HEAD_NIK),
                     exit_reason="moved")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(wife=False))
    proposal.refresh_from_db()
    head_exit.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert head_exit.status == Proposal.Status.SENT


def test_a_watcher_failing_to_say_what_it_watches_never_breaks_the_import(
    tmp_path, household, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken():
        raise RuntimeError("watch list down")

    watcher = registry_watchers.ImportWatcher(watching=broken, notify=lambda seen: None)
    monkeypatch.setitem(registry_watchers._watchers, "broken", watcher)
    proposal = sent(household=household)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(desil=4))
    assert Household.objects.get(pk=household.pk).dtks_id == "DTKS-1"
    assert "watch list down" in caplog.text
    proposal.refresh_from_db()  # the other watchers are still told
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 4)


def test_an_import_into_another_area_never_settles_this_areas_proposals(
    household, django_capture_on_commit_callbacks
):
    """A supervisor of another district uploads a file naming this village too: those rows
    are refused, and the proposals of this village stay as they are."""
    exit_here = sent(kind="exit", household=household, exit_reason="moved")
    new_here = sent(household=household)
    rows = [HEADER, *yusuf_rows(desil=2), *other_district_rows()]
    handle = io.BytesIO(("\n".join(rows) + "\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        import_extract(handle, area="52.72.02")
    # The upload runs whole on PostgreSQL too (its query of the watched numbers once broke it).
    assert Household.objects.filter(kk_number="5272021910160003", region_id=OTHER_DISTRICT).exists()
    for proposal in (exit_here, new_here):
        proposal.refresh_from_db()
        assert (proposal.status, proposal.cycles_unanswered) == (Proposal.Status.SENT, 0)


def test_a_member_on_a_row_refused_for_its_village_code_has_not_left(
    tmp_path, household, django_capture_on_commit_callbacks
):
    """The extract still lists the wife, on a row whose village code is mistyped: the
    import refuses that row, and her exit is not accepted on its account."""
    wife = household.members.get(nik=WIFE_NIK)
    proposal = sent(kind="exit", household=household, person=wife, exit_reason="died")
    mistyped = row("DTKS-1", KK, "52.72.01.10x1", 3, WIFE_NIK, "Siti Aminah", 2, "03-08-1982", 2)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(wife=False), mistyped)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cycles_unanswered) == (Proposal.Status.SENT, 1)


def test_the_event_of_an_import_says_in_indonesian_which_import_accepted_it(
    tmp_path, household, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9))
    proposal = sent(household=household)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows())
    event = proposal.events.get(to_status=Proposal.Status.ACCEPTED)
    assert event.note == "Diterima dari impor DTSEN tanggal 20 November 2026"


def test_a_household_the_registry_moved_is_answered_by_the_import_of_its_new_village(
    tmp_path, household, django_capture_on_commit_callbacks
):
    """The extract lists the household in a village of another district: the import moves
    it there, and answers its proposal (before, it waited for an import of its old
    village, which no longer lists it, and was never answered nor counted)."""
    proposal = sent(household=household)
    moved = row("DTKS-1", KK, OTHER_DISTRICT, 3, HEAD_NIK, "Muhammad Yusuf", 1, "12-05-1978", 1)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, moved)
    assert Household.objects.get(pk=household.pk).region_id == OTHER_DISTRICT
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 3)


@pytest.mark.parametrize("desil", ["x", "0", "11"])
def test_a_household_on_rows_the_import_refuses_is_not_accepted_from_them(
    tmp_path, household, django_capture_on_commit_callbacks, desil
):
    """An unreadable desil refuses the household's rows: its proposal is not accepted
    without a desil on their account, it waits for a readable extract."""
    proposal = sent(household=household)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(desil=desil))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.cycles_unanswered) == (Proposal.Status.SENT, 1)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, *yusuf_rows(desil=6))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.desil_result) == (Proposal.Status.ACCEPTED, 6)
