"""A 5 MB photo from a phone through the upload service: the server's time per upload, as a
ratio to decoding and encoding the same photo with Pillow alone in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/documents.py [--uploads 10] [--keep]

Makes a photo as a phone's camera does (4000 × 3000, noisy, EXIF orientation 6 and a GPS
position, about 5 MB of JPEG), then stores it `--uploads` times with `document_upload` as a
front-office user of Kota Bima, into a throwaway media folder: check by content, decoding,
turning upright, shrinking to 2,000 px, encoding (photo and thumbnail), checksum, storage and
the row; then as many times through the upload page (multipart parsing, the session, the
form, the redirect; Django's test client). The reference is Pillow alone: open, load,
`exif_transpose`, shrink, encode the same photo. Goal: p95 under 1 s of server time.
"""

import argparse
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import ExifTags, Image, ImageOps  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import REGION, bench_registry, require_postgresql  # noqa: E402
from documents.services import document_upload  # noqa: E402
from households.models import Household  # noqa: E402
from regions.models import Region  # noqa: E402

WIDTH, HEIGHT = 4000, 3000


def phone_photo() -> bytes:
    """A camera's JPEG of about 5 MB: a gradient under sensor noise, turned by EXIF."""
    noise = Image.effect_noise((WIDTH, HEIGHT), 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
    photo = Image.blend(gradient, noise, 0.5)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Bench"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "S", (8.0, 27.0, 36.0)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=86, exif=exif.tobytes())
    return out.getvalue()


def pillow_alone(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    image.load()
    image = ImageOps.exif_transpose(image)
    image.thumbnail((2000, 2000), Image.Resampling.LANCZOS)
    image.save(io.BytesIO(), "JPEG", quality=85)


def timed(action, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    data = phone_photo()
    with bench_registry(households=100, keep=options.keep), tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        actor = staff_user_upsert(
            username="bench_documents", role=Role.FRONT_OFFICE,
            scope=Region.objects.get(code=REGION), password=secrets.token_urlsafe(16),
        )  # fmt: skip
        household = Household.objects.order_by("pk").first()

        def upload() -> None:
            document_upload(
                actor=actor, owner_type="household", owner_id=household.pk, kind_code="foto_depan",
                upload=SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg"),
            )  # fmt: skip

        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
        client.force_login(actor)
        url = reverse("documents:upload", args=["household", household.pk])

        def page() -> None:
            photo = SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg")
            response = client.post(url, {"kind": "foto_depan", "camera": photo}, secure=True)
            assert response.status_code == 302, response.status_code

        upload()  # warm: imports, the first query plans
        service = timed(upload, options.uploads)
        web = timed(page, options.uploads)
        reference = timed(lambda: pillow_alone(data), options.uploads)
    print(f"a {len(data) / 1e6:.1f} MB photo, {WIDTH} × {HEIGHT}, EXIF orientation 6, "
          f"{options.uploads} uploads")  # fmt: skip
    print(f"{'':<28} {'p50':>8} {'p95':>8}")
    rows = (("upload service", service), ("the upload page (POST)", web),
            ("Pillow alone (reference)", reference))  # fmt: skip
    for name, times in rows:
        print(f"{name:<28} {statistics.median(times) * 1000:>6.0f} ms {p95(times) * 1000:>6.0f} ms")
    print(f"ratio (p50): {statistics.median(service) / statistics.median(reference):.2f}; "
          f"goal: p95 under 1,000 ms")  # fmt: skip


if __name__ == "__main__":
    main()
