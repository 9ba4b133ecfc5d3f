from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_scoping import ReadOnlyAdminMixin, ScopedHistoryAdmin
from households.masking import mask_identifier
from households.models import Household, Region
from households.selectors import households_in_scope
from slrt.pagination import EstimatedCountPaginator


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    search_help_text = _("A code (52.72) or a name.")
    readonly_fields = ["code", "parent"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice: too dear on long lists


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdminMixin, ScopedHistoryAdmin):
    """Read-only: households are registered and edited on the registry pages, whose service
    checks NIKs, the head and scope. Here supervisors read them and their change history."""

    list_display = ["pk", "masked_kk_number", "address", "region"]
    list_select_related = ["region"]
    search_fields = ["=kk_number"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice: too dear on long lists

    def get_queryset(self, request):
        # The admin is a page like any other: households outside the user's scope do not exist.
        return households_in_scope(request.user).select_related("region")

    @admin.display(description=_("KK number"))
    def masked_kk_number(self, household: Household) -> str:
        return mask_identifier(household.kk_number)
