"""Uploads are limited while they are received, not once stored: the first upload handler
refuses a request whose declared length is past the limit before reading it, and stops
receiving a file that grows past it. The view then finds `request.upload_too_large`.

The limit is the largest the application takes (a registry extract) unless the view the
request goes to declares a lower one (`limits_uploads`: a document upload takes
`SLRT_DOCUMENT_MAX_MB`). The handler reads that declaration from the URL itself, so the
limit holds whoever reads the body first: a middleware (`RejectNulCharactersMiddleware`,
the CSRF check) reads it before the view runs."""

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict

# Room in a request for the form's other fields and the multipart headers around the file.
UPLOAD_OVERHEAD = 64 * 1024


def upload_limit() -> int:
    """The largest file the application takes, in bytes: a registry extract
    (`SLRT_IMPORT_MAX_MB`); larger ones are for the IT team's `import_dtks`."""
    return settings.SLRT_IMPORT_MAX_MB * 1024 * 1024


def limits_uploads(limit: Callable[[], int]) -> Callable:
    """Declare, on a view function or a DRF view class, the largest file it takes in bytes
    (`limit()`, read at each request; at most `upload_limit()`). Outermost decorator."""

    def declare(view):
        view.upload_limit = staticmethod(limit) if isinstance(view, type) else limit
        return view

    return declare


def request_limit(request) -> int:
    """The largest file `request` may carry: what its view declares, else `upload_limit()`."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return upload_limit()
    declared = getattr(match.func, "upload_limit", None) or getattr(
        getattr(match.func, "cls", None), "upload_limit", None
    )
    return min(declared(), upload_limit()) if declared else upload_limit()


class UploadLimit(FileUploadHandler):
    """First of `FILE_UPLOAD_HANDLERS`: passes each chunk on to the handlers that store it
    until the file passes the request's limit (`request_limit`), then stops receiving."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = request_limit(request) if request is not None else upload_limit()

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
