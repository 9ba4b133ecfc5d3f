"""Photos and PDFs of the shapes the pipeline meets less often: 16-bit scans, a pixel bomb
past Pillow's own limit, encrypted PDFs and scripts hidden behind other stream filters."""

import base64
import io
import zlib

import pytest
from PIL import Image

from documents.models import Document
from tests.documents.conftest import pdf_bytes, stored_files
from tests.documents.test_upload_pipeline import attach, refusal

pytestmark = pytest.mark.django_db


def test_a_16_bit_grey_scan_keeps_its_greys(front_office, household):
    out = io.BytesIO()
    Image.new("I;16", (40, 30), 32768).save(out, "PNG")  # a mid grey, in 16 bits

    document = attach(front_office, household, out.getvalue(), name="scan.png")

    grey = Image.open(document.file).convert("L").getpixel((20, 15))
    assert 118 <= grey <= 138


def test_a_pixel_bomb_past_pillows_own_limit_says_so(front_office, household, settings):
    out = io.BytesIO()
    Image.new("1", (40000, 40000)).save(out, "PNG")  # 1.6 gigapixels in a small file

    errors = refusal(front_office, household, out.getvalue(), name="bom.png")

    assert "piksel" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(settings) == []


def in_stream(content: bytes, filters: bytes) -> bytes:
    body = (
        b"3 0 obj\n<< /Type /ObjStm /Filter " + filters + b" >>\nstream\n" + content
        + b"\nendstream\nendobj\n"
    )  # fmt: skip
    return pdf_bytes().replace(b"trailer", body + b"trailer")


SCRIPT = b"<< /S /JavaScript /JS (app.alert(1)) >>"


@pytest.mark.parametrize(
    "data",
    [
        pdf_bytes(b"/Encrypt 5 0 R "),
        in_stream(SCRIPT.hex().encode() + b">", b"/ASCIIHexDecode"),
        in_stream(base64.a85encode(SCRIPT, adobe=True), b"/ASCII85Decode"),
        in_stream(
            base64.a85encode(zlib.compress(SCRIPT), adobe=True),
            b"[/ASCII85Decode /FlateDecode]",
        ),
        # a script past what is inflated to search it: refused as too large to check
        in_stream(zlib.compress(b" " * (65 * 1024 * 1024) + SCRIPT), b"/FlateDecode"),
    ],
    ids=["encrypted", "hex", "ascii85", "ascii85-flate", "past-the-budget"],
)
def test_a_pdf_whose_content_cannot_be_searched_or_hides_a_script_is_refused(
    front_office, household, settings, data
):
    errors = refusal(front_office, household, data, name="surat.pdf")

    assert errors["file"] and "PDF" in errors["file"][0]
    assert Document.objects.count() == 0 and stored_files(settings) == []
