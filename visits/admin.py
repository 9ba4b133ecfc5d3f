from django.contrib import admin

from accounts.admin_scoping import ReadOnlyAdminMixin
from households.admin import HouseholdDistrictFilter
from visits.models import Visit, VisitEvent, VisitFinding
from visits.selectors import visits_for


class VisitEventInline(admin.TabularInline):
    model = VisitEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class VisitFindingInline(admin.TabularInline):
    model = VisitFinding
    extra = 0
    can_delete = False
    fields = ["field", "recorded", "observed", "decision", "decided_by", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: visits change through their pages, the API and the services, which keep
    their story. Supervisors read those of their area here."""

    list_display = ["pk", "due", "status", "verdict", "assignee"]
    list_filter = ["status", "verdict", HouseholdDistrictFilter]
    list_select_related = ["assignee", "household"]
    # The optimistic lock's counter and the raw observations are the services' business.
    exclude = ["version", "observed", "members_present"]
    inlines = [VisitFindingInline, VisitEventInline]
    date_hierarchy = "due"

    def get_queryset(self, request):
        return visits_for(request.user)
