"""Supervisors run a screening from the web, watch it, and download its findings."""

import csv
import io

import pytest
from django.urls import reverse

from programs.models import Enrollment, Program, ScreeningRun
from regions.models import Region
from regions.time_zones import local_date_in
from tests.factories import AgencyFactory, HouseholdFactory, PersonFactory, staff_user


@pytest.fixture
def program(kota_bima):
    program = Program.objects.create(
        code="BAZNAS-DARURAT",
        name="Bantuan Darurat",
        level="non_government",
        agency=AgencyFactory(),
        rule={"field": "desil", "op": "lte", "value": 2},
    )
    for desil, enrolled in [(1, False), (2, False), (5, True), (1, True)]:
        home = HouseholdFactory(desil=desil)
        PersonFactory(household=home, relationship="head", name=f"Kepala desil {desil}")
        if enrolled:
            Enrollment.objects.create(household=home, program=program)
    return program


def region_post(code: str) -> dict:
    keys = ["province", "regency", "district", "village"]
    return {f"region__{key}": line for key, line in zip(keys, Region.line_of(code), strict=False)}


def test_a_supervisor_screens_and_downloads_the_findings(
    program, as_user, django_capture_on_commit_callbacks
):
    client = as_user(staff_user("supervisor", scope="52.72"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:screening"), {"program": program.pk, **region_post("52.72")}
        )

    run = ScreeningRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programs:screening_detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "4 rumah tangga disaring" in page  # tasks run in-process here: it is done
    assert f'href="/programs/screening/{run.pk}/csv/"' in page

    download = client.get(reverse("programs:screening_download", args=[run.pk]))
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff")
    day = local_date_in("52.72")  # the screened region's day, in its zone
    assert download["Content-Disposition"] == (
        f'attachment; filename="screening-BAZNAS-DARURAT-52.72-{day:%Y%m%d}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted((row["finding"], row["desil"]) for row in rows) == [
        ("exclusion", "1"),
        ("exclusion", "2"),
        ("inclusion", "5"),
    ]
    from accounts.models import AccessLog

    (logged,) = AccessLog.objects.filter(action="export")
    assert (logged.purpose, logged.rows) == ("program_planning", 3)


def test_no_programme_chosen_is_a_field_error_and_starts_nothing(program, as_user):
    client = as_user(staff_user("supervisor", scope="52.72"))

    response = client.post(reverse("programs:screening"), region_post("52.72"))

    assert response.status_code == 200
    assert "Bidang ini harus diisi" in response.content.decode()
    assert not ScreeningRun.objects.exists()


def test_a_region_outside_the_area_is_refused(program, as_user):
    client = as_user(staff_user("supervisor", scope="52.72.02"))

    response = client.post(
        reverse("programs:screening"), {"program": program.pk, **region_post("52.72.01")}
    )

    assert response.status_code == 200
    assert "Pilih wilayah di dalam wilayah kerja Anda." in response.content.decode()
    assert not ScreeningRun.objects.exists()


@pytest.mark.parametrize("role", ["front_office", "back_office", "agency_officer"])
def test_other_roles_cannot_screen(program, as_user, role):
    client = as_user(staff_user(role, scope="52.72"))

    assert client.get(reverse("programs:screening")).status_code == 403
    response = client.post(
        reverse("programs:screening"), {"program": program.pk, **region_post("52.72")}
    )
    assert response.status_code == 403
    assert not ScreeningRun.objects.exists()


def test_another_areas_run_is_not_found(program, as_user):
    run = ScreeningRun.objects.create(program=program, region_id="52.72.01", status="done")
    client = as_user(staff_user("supervisor", scope="52.72.02"))

    assert client.get(reverse("programs:screening_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("programs:screening_download", args=[run.pk])).status_code == 404
    listing = client.get(reverse("programs:screening")).content.decode()
    assert reverse("programs:screening_detail", args=[run.pk]) not in listing


def test_an_unfinished_run_has_nothing_to_download(program, as_user):
    run = ScreeningRun.objects.create(program=program, region_id="52.72")
    client = as_user(staff_user("supervisor", scope="52.72"))

    assert client.get(reverse("programs:screening_download", args=[run.pk])).status_code == 404


def test_a_run_the_queue_cannot_take_fails_visibly(
    program, as_user, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("programs.tasks.screen_program.delay", refuse)
    client = as_user(staff_user("supervisor", scope="52.72"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:screening"), {"program": program.pk, **region_post("52.72")}
        )

    run = ScreeningRun.objects.get()
    assert run.status == "failed"
    page = client.get(response.url).content.decode()
    assert "Antrean tugas tidak dapat dihubungi" in page
