"""Document pages: attaching a file to a record, and downloading one. Every document comes
through `documents.selectors` (scope); every one stored goes through `documents.services`;
every download is written to the access log."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessLog
from accounts.services import access_record
from documents import services
from documents.forms import DocumentUploadForm
from documents.models import Document
from documents.selectors import document_get_for, owner_record_for
from slrt.field_errors import add_service_errors
from slrt.uploads import limits_uploads

# A document shown in the browser (a photo) may run nothing and load nothing.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


@limits_uploads(services.document_max_bytes)
@csrf_exempt  # a request refused by its length has no form read; csrf_protect checks the rest
@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, owner_type: str, pk: int) -> HttpResponse:
    """Attach a photo or a PDF to a record of the user's area (404 for any other). A file
    past `SLRT_DOCUMENT_MAX_MB` is not received (`slrt.uploads`): the field says so."""
    owner = owner_record_for(request.user, owner_type, pk)
    if owner is None:
        raise Http404
    if request.method == "POST":
        request.FILES  # noqa: B018 (read through the view's limit, if no middleware did)
        if getattr(request, "upload_too_large", False):
            form = DocumentUploadForm(
                request.POST, {}, too_large_message=services.document_too_large_message()
            )
            form.is_valid()
            return _upload_page(request, owner_type, owner, form)
    return _document_upload(request, owner_type, owner)


@csrf_protect
def _document_upload(request: HttpRequest, owner_type: str, owner) -> HttpResponse:
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                actor=request.user,
                owner_type=owner_type,
                owner_id=owner.record.pk,
                kind_code=form.cleaned_data["kind"].code,
                upload=form.upload,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document is stored."))
            return redirect(_back_to(request, owner))
    return _upload_page(request, owner_type, owner, form)


def _upload_page(request, owner_type, owner, form) -> HttpResponse:
    return render(
        request,
        "documents/document_upload.html",
        {
            "form": form,
            "owner_type": owner_type,
            "owner": owner.record,
            "back": _back_to(request, owner),
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "max_mb": settings.SLRT_DOCUMENT_MAX_MB,
        },
        status=400 if form.errors else 200,
    )


def _back_to(request: HttpRequest, owner) -> str:
    """The page the upload came from (`next`, on this site), else the household's."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("households:detail", args=[owner.household_id])


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The document's file: a photo shown in the browser (sandboxed), a PDF always saved,
    never shown inline. Written to the access log."""
    document = document_get_for(request.user, pk)
    inline = document.is_image and not request.GET.get("save")
    return document_file_response(request, document, document.file, inline=inline)


@require_GET
@login_required
def document_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    """A photo's thumbnail (320 px), for lists. Written to the access log, as the photo."""
    document = document_get_for(request.user, pk)
    if not document.thumbnail:
        raise Http404(_("This document has no thumbnail."))
    return document_file_response(request, document, document.thumbnail, inline=True)


def document_file_response(
    request: HttpRequest, document: Document, stored, *, inline: bool
) -> FileResponse:
    """Stream `stored` (the document's file or thumbnail) to `request.user`, after writing
    the access log; the web and the API both answer with this."""
    try:
        opened = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("This document's file is missing from the storage.")) from None
    access_record(
        actor=request.user,
        action=AccessLog.Action.DOWNLOAD,
        what=_("Document %(kind)s #%(id)s") % {"kind": document.kind.name, "id": document.pk},
        household_id=document.household_id,
        path=request.path,
    )
    response = FileResponse(
        opened,
        as_attachment=not inline,
        filename=document.download_name,
        content_type=document.content_type if stored is document.file else "image/jpeg",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
