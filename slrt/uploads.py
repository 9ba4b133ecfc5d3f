"""Uploads are limited while they are received, not once stored: the first upload handler
refuses a request whose declared length is past the limit before reading it, and stops
receiving a file that grows past it. The view then finds `request.upload_too_large`.

The limit is the largest the application takes (a registry extract) unless the view lowers
it for its request before the body is read: `request_upload_limit(request, limit)` (a
document upload takes `SLRT_DOCUMENT_MAX_MB`)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

# Room in a request for the form's other fields and the multipart headers around the file.
UPLOAD_OVERHEAD = 64 * 1024


def upload_limit() -> int:
    """The largest file the application takes, in bytes: a registry extract
    (`SLRT_IMPORT_MAX_MB`); larger ones are for the IT team's `import_dtks`."""
    return settings.SLRT_IMPORT_MAX_MB * 1024 * 1024


def request_upload_limit(request, limit: int) -> None:
    """Take files of at most `limit` bytes in `request` (a Django `HttpRequest`), if that is
    below `upload_limit()`. Must come before anything reads the body (`request.POST`,
    `request.FILES`, DRF's `request.data`): views that lower it are `csrf_exempt` and check
    the token themselves, after."""
    request.upload_limit_bytes = min(limit, upload_limit())


class UploadLimit(FileUploadHandler):
    """First of `FILE_UPLOAD_HANDLERS`: passes each chunk on to the handlers that store it
    until the file passes `upload_limit()`, then stops receiving."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = getattr(request, "upload_limit_bytes", None) or upload_limit()

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit + UPLOAD_OVERHEAD:  # not read at all
            self.request.upload_too_large = True
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)  # the rest is read, never stored
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one make the file
