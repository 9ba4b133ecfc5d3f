"""Background jobs (`slrt.jobs`): one transition table, a task delivered twice does the work
once, a queue that cannot be reached fails the job visibly, and the page polls the progress.
Each behaviour is checked for both jobs: the registry import and the programme screening."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from households.models import Household, RegistryImport
from households.tasks import registry_import_run
from programs.models import Enrollment, Program, ScreeningRun
from programs.tasks import screen_program
from slrt.jobs import (
    JOB_TIME_LIMIT,
    JOB_TRANSITIONS,
    JobMoveRefused,
    JobStatus,
    job_fail,
    job_finish,
    job_rerun,
    job_start,
)
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory, staff_user
from tests.households.test_import_dtks import HEADER, ROWS

pytestmark = pytest.mark.usefixtures("kota_bima")

STATUSES = list(JobStatus)
ALL_MOVES = [(source, to) for source in STATUSES for to in STATUSES if source != to]


def extract() -> SimpleUploadedFile:
    text = "\ufeff" + "\n".join([HEADER, *ROWS]) + "\n"
    return SimpleUploadedFile("dtks.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def program():
    program = Program.objects.create(
        code="BAZNAS-DARURAT", name="Bantuan Darurat", level="non_government",
        agency=AgencyFactory(), rule={"field": "desil", "op": "lte", "value": 2},
    )  # fmt: skip
    for desil, enrolled in [(1, False), (5, True)]:
        home = HouseholdFactory(desil=desil)
        PersonFactory(household=home, relationship="head")
        if enrolled:
            Enrollment.objects.create(household=home, program=program)
    return program


def new_import(**fields) -> RegistryImport:
    registry_import = RegistryImport(area_id="52.72", file_name="dtks.csv", file_size=1, **fields)
    registry_import.upload.save("dtks.csv", extract())
    return registry_import


@pytest.fixture
def jobs(program):
    """For each kind of job: how to make one, its task, its page, and what its page says
    when it is done."""
    return {
        "import": {
            "make": new_import,
            "task": registry_import_run,
            "delay": "households.tasks.registry_import_run.delay",
            "detail": "households:import_detail",
            "run_again": "households:import_run_again",
            "done_says": "Tidak ada baris yang ditolak",
        },
        "screening": {
            "make": lambda **fields: ScreeningRun.objects.create(
                program=program, region_id="52.72", **fields
            ),
            "task": screen_program,
            "delay": "programs.tasks.screen_program.delay",
            "detail": "programs:screening_detail",
            "run_again": "programs:screening_run_again",
            "done_says": "rumah tangga disaring",
        },
    }


@pytest.fixture
def supervisor(as_user):
    return as_user(staff_user("supervisor", scope="52.72"))


# --- the transition table ---


def move(job, to: str) -> None:
    """Ask for the move to `to` through the service that makes it."""
    if to == JobStatus.RUNNING:
        if job_start(type(job), job.pk) is None:
            raise JobMoveRefused("not started")
    elif to == JobStatus.DONE:
        job_finish(job)
    elif to == JobStatus.FAILED:
        job_fail(job, "broken")
    else:
        job_rerun(job)


@pytest.mark.parametrize("kind", ["import", "screening"])
@pytest.mark.parametrize(("source", "to"), ALL_MOVES)
def test_a_job_moves_only_as_the_transition_table_allows(
    jobs, kind, source, to, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(jobs[kind]["delay"], lambda pk: None)  # queued again: nobody takes it
    job = jobs[kind]["make"](status=source, started_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        if to in JOB_TRANSITIONS[source]:
            move(job, to)
        else:
            with pytest.raises(JobMoveRefused):
                move(job, to)

    job.refresh_from_db()
    assert job.status == (to if to in JOB_TRANSITIONS[source] else source)


def test_a_done_job_is_never_run_again():
    assert JOB_TRANSITIONS[JobStatus.DONE] == frozenset()


def test_a_refused_move_says_so_in_the_offices_language(program):
    run = ScreeningRun.objects.create(program=program, region_id="52.72", status="done")

    with pytest.raises(JobMoveRefused) as refused:
        job_rerun(run)

    assert refused.value.messages == [
        "Tugas ini berstatus “selesai”: tidak dapat menjadi “menunggu dimulai”."
    ]


# --- a task delivered twice ---


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_task_delivered_twice_does_the_work_once(jobs, kind, monkeypatch):
    target = {"import": "households.services.import_extract",
              "screening": "programs.services.screening_rows"}[kind]  # fmt: skip
    calls = []
    work = import_string(target)

    def counted(*args, **kwargs):
        calls.append(1)
        return work(*args, **kwargs)

    monkeypatch.setattr(target, counted)
    job = jobs[kind]["make"]()

    jobs[kind]["task"](job.pk)
    job.refresh_from_db()
    finished_at = job.finished_at
    jobs[kind]["task"](job.pk)  # the broker delivers it again

    job.refresh_from_db()
    assert (job.status, len(calls)) == ("done", 1)
    assert job.finished_at == finished_at


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_task_delivered_while_another_worker_runs_the_job_leaves_it_alone(jobs, kind):
    started = timezone.now() - datetime.timedelta(minutes=1)
    job = jobs[kind]["make"](status="running", started_at=started, progress_done=7)

    jobs[kind]["task"](job.pk)

    job.refresh_from_db()
    assert (job.status, job.started_at, job.progress_done) == ("running", started, 7)


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_failed_job_runs_again_only_when_asked(
    jobs, kind, supervisor, django_capture_on_commit_callbacks
):
    job = jobs[kind]["make"](status="failed", error="Antrean tugas tidak dapat dihubungi.")
    jobs[kind]["task"](job.pk)  # a late delivery of its first task
    job.refresh_from_db()
    assert job.status == "failed"

    page = supervisor.get(reverse(jobs[kind]["detail"], args=[job.pk])).content.decode()
    assert "Antrean tugas tidak dapat dihubungi." in page
    assert "Jalankan lagi" in page
    with django_capture_on_commit_callbacks(execute=True):  # tasks run in-process here
        response = supervisor.post(reverse(jobs[kind]["run_again"], args=[job.pk]))

    assert response.url == reverse(jobs[kind]["detail"], args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.error) == ("done", "")
    assert jobs[kind]["done_says"] in supervisor.get(response.url).content.decode()


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_done_job_is_not_run_again_from_its_page(jobs, kind, supervisor):
    job = jobs[kind]["make"](status="done", progress_total=1)

    response = supervisor.post(reverse(jobs[kind]["run_again"], args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert job.status == "done"
    assert "tidak dapat menjadi" in response.content.decode()


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_job_running_past_the_time_limit_has_stopped_and_may_run_again(
    jobs, kind, supervisor, django_capture_on_commit_callbacks
):
    started = timezone.now() - JOB_TIME_LIMIT - datetime.timedelta(minutes=1)
    job = jobs[kind]["make"](status="running", started_at=started)

    page = supervisor.get(reverse(jobs[kind]["detail"], args=[job.pk])).content.decode()
    assert "Worker yang menjalankan tugas ini berhenti sebelum selesai." in page
    assert "hx-trigger" not in page.split('id="job-progress"')[1].split(">")[0]
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse(jobs[kind]["run_again"], args=[job.pk]))

    job.refresh_from_db()
    assert job.status == "done"


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_stalled_job_asked_again_twice_runs_in_one_worker_only(jobs, kind):
    # Two supervisors open the page of a stalled job; the first asks to run it again and a
    # worker takes it; the second's request must not fail the running job and queue another.
    started = timezone.now() - JOB_TIME_LIMIT - datetime.timedelta(minutes=1)
    job = jobs[kind]["make"](status="running", started_at=started)
    first, second = (type(job).objects.get(pk=job.pk) for _ in range(2))
    job_rerun(first)
    assert job_start(type(job), job.pk) is not None  # a worker runs it again

    with pytest.raises(JobMoveRefused):
        job_rerun(second)

    job.refresh_from_db()
    assert job.status == "running"
    assert job_start(type(job), job.pk) is None  # no second worker gets it


# --- the queue cannot be reached ---


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_job_the_queue_cannot_take_fails_visibly_and_may_run_again(
    jobs, kind, supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(jobs[kind]["delay"], unreachable)
    households = Household.objects.count()
    if kind == "import":
        request = {"url": reverse("households:imports"), "data": {"file": extract()}}
    else:
        program = Program.objects.get()
        request = {"url": reverse("programs:screening"),
                   "data": {"program": program.pk, "region__province": "52",
                            "region__regency": "52.72"}}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor.post(request["url"], request["data"])

    job = (RegistryImport if kind == "import" else ScreeningRun).objects.get()
    assert job.status == "failed"
    page = supervisor.get(response.url).content.decode()
    assert "Antrean tugas tidak dapat dihubungi. Jalankan lagi sebentar lagi." in page
    if kind == "import":
        assert job.upload  # kept, to run again
        assert Household.objects.count() == households

    monkeypatch.undo()  # the broker is back
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse(jobs[kind]["run_again"], args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"


# --- the progress the page polls ---


def test_the_import_page_polls_and_shows_the_rows_done(supervisor):
    registry_import = new_import(
        status="running", started_at=timezone.now(), progress_total=400, progress_done=100,
        rows_refused=3,
    )  # fmt: skip

    fragment = supervisor.get(
        reverse("households:import_detail", args=[registry_import.pk]),
        headers={"HX-Request": "true"},
    ).content.decode()

    assert fragment.lstrip().startswith('<section id="job-progress"')
    assert f'hx-get="/households/imports/{registry_import.pk}/"' in fragment
    assert 'hx-trigger="every 2s"' in fragment
    assert 'value="25"' in fragment
    assert "100 dari 400 baris selesai, 3 ditolak sejauh ini." in fragment


def test_the_screening_page_polls_and_shows_the_findings_written(program, supervisor):
    run = ScreeningRun.objects.create(
        program=program, region_id="52.72", status="running", started_at=timezone.now(),
        households_screened=1200, progress_done=37,
    )  # fmt: skip

    fragment = supervisor.get(
        reverse("programs:screening_detail", args=[run.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    assert fragment.lstrip().startswith('<section id="job-progress"')
    assert f'hx-get="/programs/screening/{run.pk}/"' in fragment
    assert 'hx-trigger="every 2s"' in fragment
    assert "Menyaring 1.200 rumah tangga: 37 temuan sudah ditulis." in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize("kind", ["import", "screening"])
def test_a_finished_job_stops_the_polling(jobs, kind, supervisor):
    job = jobs[kind]["make"](status="done", progress_total=1)

    page = supervisor.get(reverse(jobs[kind]["detail"], args=[job.pk])).content.decode()

    assert jobs[kind]["done_says"] in page
    assert "hx-trigger" not in page.split('id="job-progress"')[1].split(">")[0]
