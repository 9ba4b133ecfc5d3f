"""Every write to documents: taking an upload in (checked by its content, photos re-encoded),
and deleting what has passed its retention period.

What is stored is never the bytes a client sent: a photo is decoded and encoded again as a
JPEG of at most `MAX_SIDE` pixels, upright, with no metadata (no GPS position, no camera
serial); a PDF is kept as sent only if it carries no script, no launch action and no
embedded file. The checksum is of what is stored."""

import base64
import contextlib
import contextvars
import datetime
import hashlib
import io
import logging
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from documents.models import Document, DocumentKind, document_storage
from documents.owners import OWNER_TYPES
from documents.selectors import owner_record_for

logger = logging.getLogger(__name__)

MAX_SIDE = 2000  # pixels, the long side of a stored photo
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# A photo's pixels, decoded, at most: a phone's 50-megapixel camera, not a decompression bomb
# (a small file that claims 40,000 × 40,000 pixels).
MAX_PIXELS = 60_000_000
# What a PDF's compressed streams may inflate to, in all, while they are searched for scripts.
PDF_INFLATED_MAX = 64 * 1024 * 1024

JPEG, PNG, WEBP, HEIC, PDF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
)
# The names of the PDF features a document of this office never needs and an attack uses:
# scripts, actions that start programs or send data, embedded files and media.
PDF_FORBIDDEN_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "SubmitForm",
        "ImportData",
        "XFA",
    }
)
PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def content_type_of(head: bytes) -> str | None:
    """What a file is, read from its first bytes (its "magic"), whatever its name or the
    type the client claimed: one of the formats taken, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in {
        b"heic",
        b"heix",
        b"heif",
        b"mif1",
        b"msf1",
        b"hevc",
    }:
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def document_max_bytes() -> int:
    return settings.SLRT_DOCUMENT_MAX_MB * 1024 * 1024


def document_too_large_message() -> str:
    """Why a file past `SLRT_DOCUMENT_MAX_MB` is refused (the web and the API say the same)."""
    return _("The file is larger than the %(limit)s MB limit; nothing was stored.") % {
        "limit": settings.SLRT_DOCUMENT_MAX_MB
    }


@dataclass(frozen=True)
class Prepared:
    """What will be stored for an upload: the file and, for a photo, its thumbnail."""

    content: bytes
    content_type: str
    thumbnail: bytes | None


def document_prepared(upload: UploadedFile, kind: DocumentKind) -> Prepared:
    """Check `upload` by its content and turn it into what is stored, or raise a
    ValidationError on `file` saying what is wrong with it."""
    if upload.size is not None and upload.size > document_max_bytes():
        raise ValidationError({"file": document_too_large_message()})
    upload.seek(0)
    data = upload.read()
    if len(data) > document_max_bytes():
        raise ValidationError({"file": document_too_large_message()})
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    found = content_type_of(data[:32])
    if found is None:
        raise ValidationError(
            {"file": _("This file is not a photo (JPEG, PNG, WebP) or a PDF, whatever its name.")}
        )
    if found == PDF:
        if kind.images_only:
            raise ValidationError(
                {"file": _("%(kind)s takes photos only, not a PDF.") % {"kind": kind.name}}
            )
        pdf_checked(data)
        return Prepared(data, PDF, None)
    return photo_reencoded(data, found)


def photo_reencoded(data: bytes, found: str) -> Prepared:
    """The photo `data` (of type `found`) upright, at most MAX_SIDE pixels on its long side,
    encoded again as a JPEG without any metadata, and its thumbnail."""
    unreadable = ValidationError(
        {"file": _("This photo is damaged or incomplete and cannot be read; take it again.")}
    )
    too_many_pixels = ValidationError(
        {"file": _("This photo has too many pixels to be a photo from a camera.")}
    )
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # a setting some library may flip, never here
        raise ImproperlyTruncatedImages
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:  # Pillow's own limit, past twice MAX_IMAGE_PIXELS
        raise too_many_pixels from None
    except UnidentifiedImageError:
        if found == HEIC:
            raise ValidationError(
                {
                    "file": _(
                        "HEIC photos (iPhone) cannot be read here yet: set the camera to "
                        "“Most Compatible” (JPEG) or send the photo as JPEG."
                    )
                }
            ) from None
        raise unreadable from None
    except Exception:  # a hostile file raises whatever the decoder meets first
        raise unreadable from None
    width, height = image.size
    # Before any pixel is decoded: a small file may claim a huge image (a decompression bomb).
    if width * height > MAX_PIXELS:
        raise too_many_pixels
    try:
        if image.format == "JPEG":  # decode at the smallest scale still at least MAX_SIDE
            ratio = MAX_SIDE / max(width, height)
            if ratio < 1:
                image.draft("RGB", (round(width * ratio), round(height * ratio)))
        image.load()  # a truncated file fails here (LOAD_TRUNCATED_IMAGES is off)
        image = ImageOps.exif_transpose(image)
    except Exception:  # OSError, SyntaxError, struct.error …: damaged, whatever the error
        raise unreadable from None
    image = _flattened(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Pixels only: nothing of the original's metadata (EXIF, GPS, XMP, ICC, comments) is kept.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    content = _jpeg(clean, JPEG_QUALITY)
    thumbnail = clean.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BILINEAR)
    return Prepared(content, JPEG, _jpeg(thumbnail, THUMBNAIL_QUALITY))


class ImproperlyTruncatedImages(RuntimeError):
    def __init__(self):
        super().__init__("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on: damaged photos would pass.")


def _flattened(image: Image.Image) -> Image.Image:
    """`image` in a mode JPEG stores: RGB (transparency on white) or grey."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode == "I" or image.mode.startswith("I;16"):  # a 16-bit scan: its greys kept
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def pdf_checked(data: bytes) -> None:
    """Refuse a PDF that is not whole (no `%%EOF` at its end) or carries a script, an action
    that starts a program or sends data, or an embedded file: in its objects or inside its
    compressed streams. PDFs are never shown inline anyway (the download is an attachment)."""
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(
            {"file": _("This PDF is incomplete (its end is missing); send the whole file.")}
        )
    names = _pdf_names(data)
    if "Encrypt" in names:  # its streams cannot be read to look for scripts
        raise ValidationError(
            {
                "file": _(
                    "This PDF is encrypted (protected by a password) and its content cannot "
                    "be checked; save or print it again without protection."
                )
            }
        )
    if names & PDF_FORBIDDEN_NAMES:
        raise ValidationError(
            {
                "file": _(
                    "This PDF carries a script, an action or an embedded file and is refused; "
                    "print it to PDF again, or scan the paper."
                )
            }
        )


def _pdf_names(data: bytes) -> set[str]:
    """The names (`/JavaScript`, with `#xx` escapes read) in the PDF's text and inside its
    streams, as they decode through the text filters (ASCIIHex, ASCII85) and Flate, inflated
    up to PDF_INFLATED_MAX in all: a stream inflating past that is refused, never searched
    in part."""
    names = {_pdf_name(match) for match in PDF_NAME.findall(data)}
    budget = [PDF_INFLATED_MAX]
    for stream in PDF_STREAM.findall(data):
        for decoded in _stream_decodings(stream, budget):
            names |= {_pdf_name(match) for match in PDF_NAME.findall(decoded)}
    return names


# Whole streams of hexadecimal or ASCII85 text (stripped first; no pattern backtracks far).
PDF_HEX_TEXT = re.compile(rb"[0-9A-Fa-f\s]*>?")
PDF_A85_TEXT = re.compile(rb"(?:<~)?[!-uz\s]*~>")


def _stream_decodings(stream: bytes, budget: list[int]) -> list[bytes]:
    """What `stream` may decode to: itself inflated, or read as hexadecimal or ASCII85 text
    and then, perhaps, inflated. A stream that is none of these (an image) gives nothing."""
    decodings = []
    stripped = stream.strip()
    for text in (_hex_decoded(stripped), _a85_decoded(stripped)):
        if text is not None:
            budget[0] -= len(text)
            decodings.append(text)
    for candidate in (stream, *decodings):
        inflated = _inflated(candidate, budget)
        if inflated is not None:
            decodings.append(inflated)
    return decodings


def _hex_decoded(stream: bytes) -> bytes | None:
    if not stream or not PDF_HEX_TEXT.fullmatch(stream):
        return None
    digits = re.sub(rb"[\s>]", b"", stream)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def _a85_decoded(stream: bytes) -> bytes | None:
    if not PDF_A85_TEXT.fullmatch(stream):
        return None
    try:
        return base64.a85decode(stream, adobe=True)
    except ValueError:
        return None


def _inflated(stream: bytes, budget: list[int]) -> bytes | None:
    if budget[0] <= 0:
        raise ValidationError({"file": _("This PDF's content is too large to check.")})
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(stream, budget[0])
    except zlib.error:
        return None  # not a Flate stream (an image, another filter): no objects in it
    if inflater.unconsumed_tail:  # more than the budget left: the rest would go unsearched
        raise ValidationError({"file": _("This PDF's content is too large to check.")})
    budget[0] -= len(inflated)
    return inflated


def _pdf_name(raw: bytes) -> str:
    return PDF_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), raw).decode("latin-1")


def _stored_name(content_type: str, suffix: str = "") -> str:
    """A fresh name under documents/ (never the client's: it says nothing and cannot climb
    out of the folder)."""
    extension = "pdf" if content_type == PDF else "jpg"
    month = timezone.now().strftime("%Y/%m")
    return f"documents/{month}/{uuid.uuid4().hex}{suffix}.{extension}"


def _clean_original_name(name: str) -> str:
    """The uploaded file's name as shown in lists: its last part, printable, at most 255."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(character for character in name if character.isprintable()).strip()
    return name[-255:] or "berkas"


# The files `document_store` wrote inside `files_undone_on_failure()`, if one is open.
_written_files: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "documents_written_files", default=None
)


@contextlib.contextmanager
def files_undone_on_failure() -> Iterator[None]:
    """Around a transaction that stores documents along with other writes (a visit sent with
    its photos): when it fails, its rows are rolled back and the files `document_store`
    wrote inside are deleted, so a refused submission leaves no file in the storage. Put it
    outside the `transaction.atomic()` block."""
    written: list[str] = []
    outer = _written_files.get()
    token = _written_files.set(written)
    try:
        yield
    except BaseException:
        for name in written:
            _delete_quietly(name)
        raise
    finally:
        _written_files.reset(token)
    if outer is not None:  # an enclosing block undoes them too if it fails
        outer.extend(written)


@transaction.atomic
def document_store(
    *,
    actor: AbstractBaseUser,
    household_id: int,
    owner_type: str,
    owner_id: int,
    kind: DocumentKind,
    upload: UploadedFile,
) -> Document:
    """Store `upload` as a document of `kind` belonging to the record (`owner_type`,
    `owner_id`) of household `household_id`: checked by its content, a photo re-encoded
    (`document_prepared`), with its checksum and thumbnail. The caller has checked that
    `actor` may reach the record (`document_upload` does). A refusal is a ValidationError
    by field (`file`, `kind`, `owner_id`) and stores nothing: files written before a failure
    are deleted again (and, inside `files_undone_on_failure()`, when the caller's transaction
    fails after)."""
    if owner_type not in OWNER_TYPES:
        raise ValidationError({"owner_id": _("No such record to attach a document to.")})
    if not kind.is_active:
        raise ValidationError({"kind": _("This document kind is no longer in use.")})
    prepared = document_prepared(upload, kind)
    storage = document_storage()
    written: list[str] = []
    try:
        name = storage.save(_stored_name(prepared.content_type), ContentFile(prepared.content))
        written.append(name)
        thumbnail = ""
        if prepared.thumbnail is not None:
            thumbnail = storage.save(
                _stored_name(JPEG, "-thumbnail"), ContentFile(prepared.thumbnail)
            )
            written.append(thumbnail)
        document = Document.objects.create(
            kind=kind,
            household_id=household_id,
            owner_type=owner_type,
            owner_id=owner_id,
            file=name,
            thumbnail=thumbnail,
            original_name=_clean_original_name(upload.name),
            content_type=prepared.content_type,
            size=len(prepared.content),
            sha256=hashlib.sha256(prepared.content).hexdigest(),
            uploaded_by=actor,
        )
    except BaseException:
        for stored in written:
            _delete_quietly(stored)
        raise
    undone_with_caller = _written_files.get()
    if undone_with_caller is not None:
        undone_with_caller.extend(written)
    return document


def document_upload(
    *,
    actor: AbstractBaseUser,
    owner_type: str,
    owner_id: int,
    kind_code: str,
    upload: UploadedFile | None,
) -> Document:
    """Attach `upload` to the record (`owner_type`, `owner_id`) as a document of the kind
    `kind_code`, if `actor` may reach that record (the owner app's scoped selector): the
    web's upload form and the API both call this. A record out of scope is "not found",
    exactly as one that does not exist."""
    errors = {}
    found = owner_record_for(actor, owner_type, owner_id)
    if found is None:
        errors["owner_id"] = _("No such record to attach a document to.")
    kind = DocumentKind.objects.filter(code=kind_code, is_active=True).first()
    if kind is None:
        errors["kind"] = _("Choose a document kind from the list.")
    if upload is None:
        errors["file"] = _("Choose a file or take a photo.")
    if errors:
        raise ValidationError(errors)
    return document_store(
        actor=actor,
        household_id=found.household_id,
        owner_type=owner_type,
        owner_id=owner_id,
        kind=kind,
        upload=upload,
    )


# --- retention ----------------------------------------------------------------------------


def document_purge(document: Document) -> bool:
    """Delete `document`: its row, then (once that is committed) its file and thumbnail. A
    file already missing from the storage is no error. False, and nothing deleted, when
    another record still holds the document (a protected reference)."""
    names = [name for name in (document.file.name, document.thumbnail.name) if name]
    try:
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).delete()
            transaction.on_commit(lambda: [_delete_quietly(name) for name in names])
    except ProtectedError:
        return False
    return True


ORPHAN_GRACE = datetime.timedelta(days=1)


def stored_orphans(now: datetime.datetime) -> list[str]:
    """Files under documents/ that no document names (as its file or thumbnail) and that
    are older than ORPHAN_GRACE: left by a process killed between writing a file and
    committing its row, or by a caller's transaction rolled back after `document_store`.
    Younger files may belong to an upload still committing."""
    storage = document_storage()
    known = set(Document.objects.values_list("file", flat=True))
    known |= set(Document.objects.exclude(thumbnail="").values_list("thumbnail", flat=True))
    orphans = []
    for name in _stored_names(storage, "documents"):
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < now - ORPHAN_GRACE:
            orphans.append(name)
    return sorted(orphans)


def _stored_names(storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for inner in folders:
        yield from _stored_names(storage, f"{folder}/{inner}")


def orphan_delete(name: str) -> None:
    """Delete a file no document names (see `stored_orphans`)."""
    _delete_quietly(name)


def _delete_quietly(name: str) -> None:
    """Delete a stored file; a storage that fails is logged, the rest goes on (the file is
    then one the storage keeps without a row: docs/DOCUMENTS.md)."""
    try:
        document_storage().delete(name)
    except Exception:  # any storage backend's error: S3's, the file system's
        logger.exception("Could not delete the stored document file %s", name)
