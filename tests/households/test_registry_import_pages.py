"""Supervisors upload a registry extract, watch its import, and download the rows it refused."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AccessLog
from households.models import Household, Person, RegistryImport
from households.services import registry_import_execute
from tests.factories import staff_user
from tests.households.test_import_dtks import HEADER, ROWS

pytestmark = pytest.mark.usefixtures("kota_bima")


def upload(text: str, name: str = "dtks.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def extract(*rows: str) -> str:
    return "\ufeff" + "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def supervisor(as_user):
    return as_user(staff_user("supervisor", scope="52.72"))


def post(client, file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("households:imports"), {"file": file})


def test_a_supervisor_imports_an_extract_and_sees_the_counts(
    supervisor, django_capture_on_commit_callbacks
):
    response = post(supervisor, upload(extract(*ROWS)), django_capture_on_commit_callbacks)

    registry_import = RegistryImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("households:import_detail", args=[registry_import.pk])
    assert registry_import.status == "done"  # tasks run in-process here
    assert registry_import.counts["households_created"] == 2
    assert registry_import.counts["persons_created"] == 4
    assert Person.objects.count() == 4
    assert not registry_import.upload  # the extract is not kept once imported
    page = supervisor.get(response.url).content.decode()
    assert "Tidak ada baris yang ditolak" in page
    listing = supervisor.get(reverse("households:imports")).content.decode()
    assert "dtks.csv" in listing


def test_refused_rows_are_listed_in_a_report_to_download(
    supervisor, django_capture_on_commit_callbacks
):
    bad_date = ROWS[2].replace("2026-01-05", "31-02-2020")
    file = upload(extract(ROWS[0], ROWS[1], bad_date))
    post(supervisor, file, django_capture_on_commit_callbacks)
    registry_import = RegistryImport.objects.get()

    page = supervisor.get(reverse("households:import_detail", args=[registry_import.pk]))
    download = supervisor.get(reverse("households:import_errors", args=[registry_import.pk]))

    assert registry_import.rows_refused == 1
    assert reverse("households:import_errors", args=[registry_import.pk]) in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(row["line"], row["column"]) for row in rows] == [("4", "birth_date")]
    assert AccessLog.objects.filter(action="export", rows=1).exists()


def test_households_outside_the_supervisors_area_are_refused(
    as_user, django_capture_on_commit_callbacks
):
    client = as_user(staff_user("supervisor", scope="52.72.01"))

    post(client, upload(extract(*ROWS)), django_capture_on_commit_callbacks)

    registry_import = RegistryImport.objects.get()
    assert registry_import.area_id == "52.72.01"
    assert registry_import.rows_refused == 1
    assert list(Household.objects.values_list("dtks_id", flat=True)) == ["DTKS-1"]


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("nama;alamat\nBudi;Jl. Mawar\n"), "dtks_id, kk_number, region_code"),
        (upload(extract(*ROWS)[1:].replace("Aminah", "Amínah"), encoding="latin-1"), "UTF-8"),
        (upload(""), "Berkas kosong."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_at_once_by_the_field(
    supervisor, django_capture_on_commit_callbacks, file, message
):
    response = post(supervisor, file, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'class="form-control is-invalid"' in response.content.decode()
    assert not RegistryImport.objects.exists()
    assert not Household.objects.exists()


def test_a_header_longer_than_an_upload_chunk_is_read_whole(
    supervisor, settings, django_capture_on_commit_callbacks
):
    """The header is read across chunks (64 KB each, from a file on disk), even when a chunk
    ends inside a character of two bytes."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # a temporary file, read in chunks
    before_chunk_end = 64 * 1024 - len(HEADER) - 1  # bytes of the filler in the first chunk
    pad = "x" * (1 - before_chunk_end % 2)  # so that the chunk ends inside an "é" (2 bytes)
    header = f"{HEADER};{pad}{'é' * 40_000}"  # an unknown column of 80,000 bytes

    response = post(supervisor, upload("\n".join([header, *(r + ";" for r in ROWS)]) + "\n"),
                    django_capture_on_commit_callbacks)  # fmt: skip

    assert response.status_code == 302
    assert RegistryImport.objects.get().counts["persons_created"] == 4


def test_a_file_above_the_size_limit_is_refused(
    supervisor, settings, django_capture_on_commit_callbacks
):
    settings.SLRT_IMPORT_MAX_MB = 0

    response = post(supervisor, upload(extract(*ROWS)), django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "0 MB" in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_an_import_that_breaks_says_so_and_keeps_the_file(supervisor, monkeypatch):
    registry_import = RegistryImport(area_id="52.72", file_name="x.csv", file_size=1)
    registry_import.upload.save("x.csv", upload(extract(*ROWS)))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("households.services.import_extract", broken)
    registry_import_execute(registry_import.pk)

    registry_import.refresh_from_db()
    assert registry_import.status == "failed"
    assert "log worker" in registry_import.error
    assert registry_import.upload  # to run again


def test_a_queue_that_cannot_be_reached_fails_the_import_visibly(
    supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("households.tasks.registry_import_run.delay", unreachable)

    post(supervisor, upload(extract(*ROWS)), django_capture_on_commit_callbacks)

    registry_import = RegistryImport.objects.get()
    assert registry_import.status == "failed"
    assert not Household.objects.exists()


def test_supervisors_see_only_the_imports_of_their_area(as_user):
    elsewhere = RegistryImport.objects.create(
        area_id="52.72.02", file_name="timur.csv", file_size=1
    )
    client = as_user(staff_user("supervisor", scope="52.72.01"))

    assert client.get(reverse("households:import_detail", args=[elsewhere.pk])).status_code == 404
    assert "timur.csv" not in client.get(reverse("households:imports")).content.decode()


# --- uploads that are not extracts: a field message, in time linear in the file's size ---


def test_a_file_of_48_mb_without_a_newline_is_refused_by_the_field(
    supervisor, tmp_path, django_capture_on_commit_callbacks
):
    """(Its header was once scanned again for each chunk: 40 s, then a server error.)"""
    path = tmp_path / "one-line.csv"
    with path.open("wb") as out:
        out.write(HEADER.encode())
        for _ in range(48):
            out.write(b";" + b"x" * (1024 * 1024 - 1))

    with path.open("rb") as handle:
        response = post(supervisor, handle, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "Baris 1 lebih panjang dari 120.000 karakter" in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_a_cell_longer_than_the_csv_reader_takes_is_refused_by_the_field(
    supervisor, django_capture_on_commit_callbacks
):
    long_name = ROWS[1].replace("Siti Aminah", "S" * 140_000)

    response = post(supervisor, upload(extract(ROWS[0], long_name)),
                    django_capture_on_commit_callbacks)  # fmt: skip

    assert response.status_code == 400
    assert "Baris 3 lebih panjang dari 120.000 karakter" in response.content.decode()
    assert not RegistryImport.objects.exists()


def test_a_quoted_cell_over_many_lines_and_the_csv_limit_is_a_message_by_line():
    from households.registry_import import UnreadableExtract, read_rows

    lines = "\\n".join(["x" * 1000] * 140)
    text = extract(ROWS[0], ROWS[1].replace("Siti Aminah", f'"{lines}"')).replace("\\n", "\n")

    with pytest.raises(UnreadableExtract, match="3"):
        list(read_rows(io.StringIO(text, newline="")))


@pytest.fixture
def stored(settings, monkeypatch) -> list[int]:
    """The sizes of the chunks handed to the handler that stores uploads."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    sizes = []
    receive = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        sizes.append(len(raw_data))
        return receive(self, raw_data, start)

    settings.FILE_UPLOAD_HANDLERS = [
        "slrt.uploads.UploadLimit",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    return sizes


def test_an_upload_declared_above_the_limit_is_refused_before_it_is_read(
    supervisor, settings, stored, django_capture_on_commit_callbacks
):
    settings.SLRT_IMPORT_MAX_MB = 1

    response = post(supervisor, upload("x" * (2 * 1024 * 1024)), django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "lebih besar dari 1 MB" in response.content.decode()
    assert stored == []
    assert not RegistryImport.objects.exists()


def test_an_upload_stops_being_stored_once_past_the_limit(
    supervisor, settings, stored, django_capture_on_commit_callbacks
):
    settings.SLRT_IMPORT_MAX_MB = 1
    just_over = extract(*ROWS) + "x" * (1024 * 1024)  # within the request's allowance

    response = post(supervisor, upload(just_over), django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "lebih besar dari 1 MB" in response.content.decode()
    assert 0 < sum(stored) <= 1024 * 1024
    assert not RegistryImport.objects.exists()


def test_an_upload_without_its_csrf_token_is_still_refused(supervisor):
    supervisor.handler.enforce_csrf_checks = True

    response = supervisor.post(reverse("households:imports"), {"file": upload(extract(*ROWS))})

    assert response.status_code == 403
    assert not RegistryImport.objects.exists()


def test_a_header_of_more_columns_than_any_extract_has_is_refused_by_the_field(
    supervisor, django_capture_on_commit_callbacks
):
    """PostgreSQL's import stages a file in a table of one column per header name, and a
    table takes at most 1,600: a file of 2,000 columns is refused by the field, at once."""
    header = HEADER + "".join(f";extra_{index}" for index in range(2000))

    response = post(supervisor, upload(extract(*ROWS).replace(HEADER, header)),
                    django_capture_on_commit_callbacks)  # fmt: skip

    assert response.status_code == 400
    assert "2.018 kolom" in response.content.decode()
    assert not RegistryImport.objects.exists()
