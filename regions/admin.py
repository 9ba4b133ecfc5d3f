from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from regions.models import Region
from regions.selectors import regions_managed_by
from slrt.pagination import EstimatedCountPaginator


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    search_help_text = _("A code (52.72) or a name.")
    # The code gives the place in the tree (its parent and its level): only the name is edited.
    readonly_fields = ["code", "level", "parent"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice: too dear on long lists

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match and match.url_name == "autocomplete":
            # Choosing a working area or the region an agency serves: only one's own offered.
            found = regions_managed_by(request.user, found)
        return found, may_have_duplicates

    @staticmethod
    def _manages(request, pk) -> bool:
        return regions_managed_by(request.user, Region.objects.filter(pk=pk)).exists()

    def has_change_permission(self, request, obj=None):
        # Region names are everyone's to read; an administrator renames those of their area.
        if obj is not None and not self._manages(request, obj.pk):
            return False
        return super().has_change_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        # Who renamed a region, and when, is its area's: it names administrators whom those
        # of other areas do not see in the users list.
        if not self._manages(request, object_id):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)
