import datetime
import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from accounts.roles import Role
from tests.factories import HouseholdFactory, PersonFactory, staff_user


def jpeg_bytes(size=(300, 200), *, orientation=None, gps=False, quality=90, noise=False) -> bytes:
    """A JPEG whose top half is red and bottom half blue, with EXIF orientation and a GPS
    position if asked."""
    width, height = size
    if noise:
        image = Image.effect_noise(size, 64).convert("RGB")
    else:
        image = Image.new("RGB", size, (0, 0, 255))
        image.paste((255, 0, 0), (0, 0, width, height // 2))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraRahasia"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "S"
        position[ExifTags.GPS.GPSLatitude] = (8.0, 27.0, 36.0)
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = (118.0, 43.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes(), comment=b"Rahmat rumah")
    return out.getvalue()


def png_bytes(size=(40, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(extra: bytes = b"", *, end: bytes = b"%%EOF\n") -> bytes:
    """A small, whole PDF; `extra` goes into its catalogue."""
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + extra + b">>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n" + end
    )


def pdf_with_compressed(objects: bytes) -> bytes:
    stream = zlib.compress(objects)
    body = (
        b"3 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\n"
    )
    return pdf_bytes().replace(b"trailer", body + b"trailer")


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def household(kota_bima):
    household = HouseholdFactory(region_id="52.72.01.1001", address="Jalan Sultan 7")
    PersonFactory(household=household, name="Rahmat Hidayat", relationship="head",
                  birth_date=datetime.date(1980, 1, 2))  # fmt: skip
    return household


@pytest.fixture
def outside_household(kota_bima):
    household = HouseholdFactory(region_id="52.72.02.1008", address="Jalan Timur 9")
    PersonFactory(household=household, name="Bambang Suryadi", relationship="head")
    return household


@pytest.fixture
def front_office(kota_bima):
    return staff_user(Role.FRONT_OFFICE, "52.72.01")


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "documents"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []
