"""`{% documents_panel owner_type owner_id %}`: a record's documents and the form to add one,
on any record's page (the pages of the apps below `documents` load it by name, without
importing it)."""

from django import template
from django.conf import settings
from django.urls import reverse

from accounts.roles import REGISTRY_ROLES, has_role
from documents.forms import DocumentUploadForm
from documents.selectors import documents_for, documents_of, owner_record_for, reads_documents

register = template.Library()


@register.inclusion_tag("documents/includes/documents_panel.html", takes_context=True)
def documents_panel(
    context, owner_type: str, owner_id: int, household=None, back: str | None = None
) -> dict:
    """The documents of the record (`owner_type`, `owner_id`) the user may read, or with
    `household` every document of that household; and the upload form if the user may
    attach one to the record, which comes back to `back` (the record's page, where the page
    showing the panel may be a refused form's answer to a POST) or else to this page."""
    request = context["request"]
    if not reads_documents(request.user):
        return {"shown": False}
    if household is not None:
        documents = list(documents_for(request.user).filter(household=household))
    else:
        documents = list(documents_of(request.user, owner_type, owner_id))
    may_upload = owner_record_for(request.user, owner_type, owner_id) is not None
    # The office always sees the panel (its empty state says what is missing); a reader
    # outside it (a facilitator on a household's page) only what it holds for them.
    shown = has_role(request.user, *REGISTRY_ROLES) or bool(documents) or may_upload
    if not shown:
        return {"shown": False}
    return {
        "shown": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "documents": documents,
        "upload_form": DocumentUploadForm() if may_upload else None,
        "upload_url": reverse("documents:upload", args=[owner_type, owner_id]),
        "next": back or request.get_full_path(),
        "max_mb": settings.SLRT_DOCUMENT_MAX_MB,
    }
