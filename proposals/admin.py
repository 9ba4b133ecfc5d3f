from django.contrib import admin

from accounts.admin_scoping import ReadOnlyAdminMixin
from proposals.models import ProposalBatch
from proposals.selectors import batches_for

# --- batches -----------------------------------------------------------------------------------


@admin.register(ProposalBatch)
class ProposalBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a batch is approved and sent on its page or through the API, which take
    every proposal of it along with their events. Read here within the area."""

    list_display = ["pk", "region", "month", "status", "approved_at", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["region"]
    date_hierarchy = "month"

    def get_queryset(self, request):
        return batches_for(request.user)
