from django.contrib import admin

from accounts.admin_scoping import (
    ReadOnlyAdminMixin,
    SuperuserEditsAdminMixin,
    UnfilterableFieldsMixin,
)
from letters.models import Letter, LetterEvent, LetterKind
from letters.selectors import letters_for


@admin.register(LetterKind)
class LetterKindAdmin(SuperuserEditsAdminMixin, admin.ModelAdmin):
    """Kinds are data every area shares (their name and text go on every office's letters):
    superusers add them and change their name, text and programmes; administrators of an
    area and the office read them. The text names the holder's details only
    through the closed set of placeholders (`letters.texts`), never as a template. Never
    deleted: letters keep their kind, so a kind no longer used is taken out of use."""

    list_display = ["code", "name", "layout", "active"]
    list_filter = ["active", "layout"]
    search_fields = ["code", "name"]
    filter_horizontal = ["programs"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Other code reads a kind by its code, and issued letters were drawn in its layout.
        return ["code", "layout"] if obj is not None else []


class LetterEventInline(admin.TabularInline):
    model = LetterEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "via", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(UnfilterableFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, within the user's area: letters are drafted, issued and revoked on their
    pages and through the API, which number, freeze and log them. The check token and the
    frozen content (the holder's NIK in it) are neither shown nor filtered by
    (`?content__holder__nik__startswith=` would read the number out a digit at a time)."""

    unfilterable_fields = ("token", "content", "page", "page_sha256")

    list_display = ["pk", "number", "kind", "status", "issued_on"]
    list_filter = ["status", "kind"]
    list_select_related = ["kind"]
    exclude = [
        "token",
        "page",
        "content",
    ]  # the check's token and the holder's data stay on the pages
    raw_id_fields = ["person", "household", "program", "referral"]
    inlines = [LetterEventInline]

    def get_queryset(self, request):
        return letters_for(request.user)
