"""Sample files for the demo (`seed_demo`): a one-page PDF and a photo, made here, small and
real (the upload pipeline takes them as it takes a scan or a phone's photo)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from documents.models import DocumentKind


def sample_pdf(text: str) -> bytes:
    """A valid one-page A4 PDF showing `text`: no script, no action, ending in %%EOF."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 24 Tf 72 760 Td ({escaped}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def sample_photo(text: str, *, size: tuple[int, int] = (640, 420)) -> bytes:
    """A JPEG of a pale card with `text` written on it."""
    image = Image.new("RGB", size, (236, 242, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, size[0] - 17, size[1] - 17), outline=(40, 80, 140), width=4)
    draw.text((40, 40), text, fill=(20, 30, 60), font_size=36)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def sample_upload(kind: DocumentKind) -> SimpleUploadedFile:
    """An upload for a document of `kind` saying it is a sample ("KK contoh"): a photo for
    the KK and for the kinds that take photos only, a PDF for any other kind."""
    text = f"{kind.code.upper()} contoh"
    if kind.images_only or kind.code == "kk":
        return SimpleUploadedFile(f"{kind.code}-contoh.jpg", sample_photo(text), "image/jpeg")
    return SimpleUploadedFile(f"{kind.code}-contoh.pdf", sample_pdf(text), "application/pdf")
