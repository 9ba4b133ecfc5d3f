from django.contrib import admin

from accounts.admin_scoping import ReadOnlyAdminMixin, UnfilterableFieldsMixin
from households.admin import HouseholdDistrictFilter
from proposals.models import Objection, ObjectionEvent, ProposalBatch
from proposals.selectors import batches_for, objections_for

# --- objections --------------------------------------------------------------------------------


class ObjectionEventInline(admin.TabularInline):
    model = ObjectionEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(UnfilterableFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: objections change through their pages, the API and the sweep. Who
    objected is shown only to those who decide objections, and no list is filtered by it
    (`?objector_name__startswith=A` would read it out past the hidden field)."""

    unfilterable_fields = ("objector_name", "objector_contact")

    list_display = ["pk", "deadline", "status", "region", "via"]
    list_filter = ["status", HouseholdDistrictFilter]
    list_select_related = ["region"]
    raw_id_fields = ["household", "visit", "proposal"]
    inlines = [ObjectionEventInline]
    date_hierarchy = "deadline"

    def get_queryset(self, request):
        return objections_for(request.user)

    def get_exclude(self, request, obj=None):
        if request.user.has_perm("proposals.decide_objection"):
            return []
        return ["objector_name", "objector_contact"]


# --- batches -----------------------------------------------------------------------------------


@admin.register(ProposalBatch)
class ProposalBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a batch is approved and sent on its page or through the API, which take
    every proposal of it along with their events. Read here within the area."""

    list_display = ["pk", "region", "month", "status", "approved_at", "sent_at"]
    exclude = ["sent_proposals"]  # the batch's page lists them, masked
    list_filter = ["status"]
    list_select_related = ["region"]
    date_hierarchy = "month"

    def get_queryset(self, request):
        return batches_for(request.user)
