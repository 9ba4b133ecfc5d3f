"""Every form leaves checking to the server, whose messages are in the site's language: the
browser's own ("Please select an item in the list.") are in the browser's."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
TEMPLATES = Path(settings.BASE_DIR, "templates")


def form_tags(text: str) -> list[str]:
    return FORM_TAG.findall(text)


def test_every_form_template_turns_the_browsers_validation_off():
    missing = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for tag in form_tags(path.read_text())
        if "novalidate" not in tag
    ]

    assert missing == []


@pytest.mark.usefixtures("kota_bima")
def test_the_sign_in_form_is_checked_by_the_server_in_indonesian(client):
    page = client.get(reverse("accounts:login")).content.decode()

    sign_in = page[page.index("<h1") :]
    assert form_tags(sign_in)
    assert all("novalidate" in tag for tag in form_tags(sign_in))

    answer = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert "Bidang ini harus diisi." in answer.content.decode()
