from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import ReadOnlyAdminMixin, is_superuser
from documents.models import Document, DocumentKind
from documents.selectors import documents_for


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    """Kinds are data every area shares. Administrators add them and edit what a kind is
    called and whether it is still offered; its retention period, which decides what
    `purge_documents` deletes in every area, is set by superusers (the installation's IT)
    alone. Supervisors read them. Never deleted: documents keep their kind, so a kind no
    longer used is made inactive."""

    list_display = ["code", "name", "images_only", "retention_days", "is_active", "ordering"]
    list_filter = ["is_active", "images_only"]
    search_fields = ["code", "name"]
    ordering = ["ordering", "code"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = ["code"] if obj is not None else []  # other code reads a kind by its code
        if not is_superuser(request.user):
            fields.append("retention_days")
        return fields


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, within the user's area: documents are stored by the upload and deleted by
    `purge_documents`. The file is reached through the scoped download page, which writes
    the access log; the admin never links the stored file itself."""

    list_display = ["pk", "kind", "owner_type", "owner_id", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "owner_type", "content_type"]
    date_hierarchy = "uploaded_at"
    fields = [
        "kind", "household", "owner_type", "owner_id", "original_name", "content_type",
        "size", "sha256", "uploaded_by", "uploaded_at", "download",
    ]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return documents_for(request.user)

    @admin.display(description=_("file"))
    def download(self, document: Document) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("documents:download", args=[document.pk]), _("Download")
        )
