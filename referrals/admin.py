from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import ReadOnlyAdminMixin
from accounts.selectors import region_within_q
from households.selectors import districts_for
from programs.models import Program
from referrals.models import Dispatch, Referral, ReferralEvent
from referrals.selectors import referrals_for
from slrt.pagination import EstimatedCountPaginator


class ReferralEventInline(admin.TabularInline):
    model = ReferralEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "via", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DispatchInline(admin.TabularInline):
    model = Dispatch
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "channel", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("acknowledgement", _("not acknowledged in time")),
            ("resolution", _("not settled in time")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "acknowledgement":
            return queryset.filter(Referral.late_to_acknowledge_q(today))
        if self.value() == "resolution":
            return queryset.filter(Referral.late_to_settle_q(today))
        return queryset


class DistrictFilter(admin.SimpleListFilter):
    """The districts (kecamatan) of the user's working area."""

    title = _("district")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        return [(region.code, region.name) for region in districts_for(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(region_within_q(self.value(), "household__region"))
        return queryset


def _programs(request) -> list[Program]:
    """The programmes with their agencies, read once for both filters below."""
    if not hasattr(request, "_slrt_admin_programs"):
        request._slrt_admin_programs = list(Program.objects.select_related("agency"))
    return request._slrt_admin_programs


class ProgramFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return sorted(((p.pk, str(p)) for p in _programs(request)), key=lambda c: c[1])


class AgencyFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        agencies = {p.agency.pk: str(p.agency) for p in _programs(request)}
        return sorted(agencies.items(), key=lambda choice: choice[1])


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: referrals change through their pages, the API and the services, which keep
    their story and their messages. Supervisors read them here, within their scope."""

    list_display = ["pk", "program", "agency", "status", "response_due", "created_at"]
    list_filter = [
        "status",
        OverdueFilter,
        DistrictFilter,
        ("agency", AgencyFilter),
        ("program", ProgramFilter),
    ]
    list_select_related = ["program", "agency"]
    search_fields = ["=complaint__ticket_number"]
    search_help_text = _("The complaint's whole ticket number.")
    inlines = [ReferralEventInline, DispatchInline]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice: too dear on long lists

    def get_queryset(self, request):
        return referrals_for(request.user)
