from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_personal import PersonalListAdmin
from accounts.admin_scoping import ReadOnlyAdminMixin, ScopedHistoryAdmin, UnfilterableFieldsMixin
from households import services
from households.masking import mask_identifier
from households.models import Household
from households.selectors import districts_for, households_in_scope
from regions.models import within_q
from slrt.pagination import LongListAdmin


class DistrictFilter(admin.SimpleListFilter):
    """The districts (kecamatan) of the user's working area; subclasses name the path to
    the village (`region_field`) of what they list."""

    title = _("district")
    parameter_name = "district"
    region_field = "region"

    def lookups(self, request, model_admin):
        return [(region.code, region.name) for region in districts_for(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(within_q(self.value(), self.region_field))
        return queryset


class HouseholdDistrictFilter(DistrictFilter):
    """For what hangs off a household: complaints, referrals."""

    region_field = "household__region"


@admin.register(Household)
class HouseholdAdmin(
    PersonalListAdmin,
    LongListAdmin,
    UnfilterableFieldsMixin,
    ReadOnlyAdminMixin,
    ScopedHistoryAdmin,
):
    """Read-only: households are registered and edited on the registry pages, whose service
    checks NIKs, the head and scope. Here supervisors read them and their change history;
    every page that shows the whole KK number writes its access-log row (and, as every admin
    page through `AdminSite.admin_view`, is sent with `Cache-Control: no-store`)."""

    list_display = ["pk", "masked_kk_number", "address", "region", "desil", "created_at"]
    list_filter = [DistrictFilter, "desil"]
    list_select_related = ["region"]
    search_fields = ["=kk_number"]
    search_help_text = _("The whole KK number.")
    unfilterable_fields = ("kk_number",)  # found by the search, which writes the access log
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # The admin is a page like any other: households outside the user's scope do not exist.
        return households_in_scope(request.user).select_related("region")

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip() and request.method == "GET":
            services.registry_searched(
                actor=request.user, query=search_term.strip(), found=found.count(),
                path=request.path,
            )  # fmt: skip
        return found, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        household = self.get_object(request, object_id)
        if household is not None and response.status_code == 200:
            # The read-only page shows the whole KK number.
            services.household_identifiers_seen(
                actor=request.user, household=household, path=request.path
            )
        return response

    def history_seen(self, request, obj) -> None:
        # The history shows past and present KK numbers whole, as the change page does.
        services.household_identifiers_seen(actor=request.user, household=obj, path=request.path)

    @admin.display(description=_("KK number"))
    def masked_kk_number(self, household: Household) -> str:
        return mask_identifier(household.kk_number)
