from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import ReadOnlyAdminMixin
from referrals.models import Dispatch, Referral, ReferralEvent
from referrals.selectors import referrals_for


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


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: referrals change through their pages, the API and the services, which keep
    their story and their messages. Supervisors read them here, within their scope."""

    list_display = ["pk", "program", "agency", "status", "response_due", "created_at"]
    list_filter = ["status", "agency", "program"]
    list_select_related = ["program", "agency"]
    search_fields = ["=complaint__ticket_number"]
    search_help_text = _("The complaint's whole ticket number.")
    inlines = [ReferralEventInline, DispatchInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return referrals_for(request.user)
