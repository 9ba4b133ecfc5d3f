"""An import tells the uploader that a NIK, KK number or registry ID is registered outside
their area (its own message), as the registration form does; like the form, it writes that
to the access log: who learnt, from which file, how many numbers were found elsewhere."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AccessLog
from tests.factories import staff_user
from tests.households.test_import_scope import HEADER, mataram_household, row  # noqa: F401

pytestmark = pytest.mark.usefixtures("kota_bima")


def post(client, rows, django_capture_on_commit_callbacks):
    text = "\ufeff" + "\n".join([HEADER, *rows]) + "\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("households:imports"),
            {"file": SimpleUploadedFile("dtks.csv", text.encode(), content_type="text/csv")},
        )


def test_numbers_found_outside_the_area_are_written_to_the_access_log(
    mataram, as_user, django_capture_on_commit_callbacks
):
    supervisor = staff_user("supervisor", scope="52.72")
    client = as_user(supervisor)

    post(client, [
        row("DTKS-1", "5272011203150009", "5272011205780001", "Ahmad", "M", "12-05-1978", 1),
        row("DTKS-1", "5272011203150009", "5271014308820005", "Baiq", "F", "03-08-1982", 2),
        row("DTKS-2", "5271011203150001", "", "Lalu", "M", "01-01-1990", 1),
        row("DTKS-MTR", "5272011203150008", "", "Baiq", "F", "03-08-1982", 1),
    ], django_capture_on_commit_callbacks)  # fmt: skip

    (entry,) = AccessLog.objects.filter(user=supervisor, action=AccessLog.Action.SEARCH)
    assert entry.rows == 3
    assert "dtks.csv" in entry.query


def test_an_import_naming_nothing_outside_writes_no_such_row(
    mataram, as_user, django_capture_on_commit_callbacks
):
    supervisor = staff_user("supervisor", scope="52.72")
    client = as_user(supervisor)

    post(
        client,
        [row("DTKS-1", "5272011203150009", "5272011205780001", "Ahmad", "M", "12-05-1978", 1)],
        django_capture_on_commit_callbacks,
    )

    assert not AccessLog.objects.filter(user=supervisor, action=AccessLog.Action.SEARCH).exists()
