from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import (
    ReadOnlyAdminMixin,
    SuperuserEditsAdminMixin,
    UnfilterableFieldsMixin,
)
from complaints.models import (
    SURVEY_ELEMENTS,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    SatisfactionSurvey,
)
from complaints.selectors import complaints_in_scope
from households.admin import HouseholdDistrictFilter
from households.masking import mask_phone
from slrt.pagination import LongListAdmin


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(SuperuserEditsAdminMixin, admin.ModelAdmin):
    """Categories are shared by every area's queues and reports: administrators of an area
    read them, superusers change them."""

    list_display = ["code", "name", "name_en", "parent", "resolution_days", "is_active"]
    list_filter = ["is_active", "parent"]
    list_editable = ["resolution_days", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["sort_order", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # complaints keep their category: retire it (inactive) instead

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":  # the tree is two levels deep; queues filter so
            kwargs["queryset"] = ComplaintCategory.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "via", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue today"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Complaint.overdue_q(timezone.localdate()))
        return queryset


@admin.register(Complaint)
class ComplaintAdmin(LongListAdmin, UnfilterableFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: complaints change through their pages and services, which keep the
    timeline. Supervisors read them here, within their scope. The complainant's phone is
    shown masked, as the registry's lists show a NIK, and no list is filtered by it."""

    list_display = [
        "ticket_number",
        "category",
        "status",
        "urgency",
        "registered_at",
        "resolution_due",
    ]
    list_filter = [
        "status",
        OverdueFilter,
        HouseholdDistrictFilter,
        "urgency",
        "channel",
        "category",
    ]
    list_select_related = ["category"]
    search_fields = ["=ticket_number"]
    search_help_text = _("The whole ticket number.")
    inlines = [ComplaintEventInline]
    date_hierarchy = "registered_at"
    exclude = ["phone"]
    readonly_fields = ["masked_phone"]
    unfilterable_fields = ("phone",)

    @admin.display(description=_("phone number"))
    def masked_phone(self, complaint: Complaint) -> str:
        return mask_phone(complaint.phone)

    def get_queryset(self, request):
        return complaints_in_scope(request.user).select_related("category")


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(UnfilterableFieldsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: surveys are answered on the resident's page and at the desk. Supervisors
    read those of their area's complaints. The link's token is the resident's: never shown,
    and no list is filtered by it (nor by the suggestion, free text)."""

    list_display = ["complaint", "answered_at", "answered_via", *SURVEY_ELEMENTS]
    list_filter = ["answered_via"]
    list_select_related = ["complaint"]
    search_fields = ["=complaint__ticket_number"]
    search_help_text = _("The whole ticket number.")
    exclude = ["token"]
    unfilterable_fields = ("token", "suggestion")
    date_hierarchy = "answered_at"

    def get_queryset(self, request):
        return SatisfactionSurvey.objects.filter(
            complaint__in=complaints_in_scope(request.user)
        ).select_related("complaint", "recorded_by")
