"""`/api/v1/proposal-batches/`: the monthly batches of the user's villages, with the
countdown of this month's input; `POST {id}/approve/` and `POST {id}/send/` for the head of
office (`proposals.batches`). Out of the user's area: 404. The BNBA stays a page download
(`proposals:batch_bnba`), where its purpose is asked and logged."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import has_role
from proposals.batches import batch_approve, batch_countdown, batch_mark_sent, with_counts
from proposals.models import ProposalBatch
from proposals.selectors import PROPOSAL_ROLES, batches_for
from proposals.services import APPROVE


class ProposalBatchSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region_id", read_only=True)
    proposal_count = serializers.IntegerField(read_only=True)
    verified_count = serializers.IntegerField(read_only=True)
    input_days_left = serializers.SerializerMethodField(
        help_text="Days left before this month's input closes; null for another month's batch."
    )

    class Meta:
        model = ProposalBatch
        fields = ["id", "region_code", "month", "status", "proposal_count", "verified_count",
                  "input_days_left", "approved_at", "sent_at"]  # fmt: skip
        read_only_fields = fields

    def get_input_days_left(self, batch: ProposalBatch) -> int | None:
        # one countdown per village of the page, not one per batch
        countdowns = self.context.setdefault("countdowns", {})
        if batch.region_id not in countdowns:
            countdowns[batch.region_id] = batch_countdown(batch.region)
        countdown = countdowns[batch.region_id]
        if batch.month != countdown["today"].replace(day=1):
            return None
        return countdown["days_left"]


class BatchPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *PROPOSAL_ROLES)

    def has_object_permission(self, request, view, obj) -> bool:
        if view.action in ("approve", "send"):
            return request.user.has_perm(APPROVE)
        return True


MOVE_RESPONSES = {
    200: ProposalBatchSerializer,
    400: OpenApiResponse(description="Why not, on `batch`: no minutes, a proposal not verified…"),
    403: OpenApiResponse(description="Your role does not approve or send batches."),
    404: OpenApiResponse(description="No such batch in your area."),
}


@extend_schema(tags=["proposals"])
class ProposalBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):  # fmt: skip
    serializer_class = ProposalBatchSerializer
    permission_classes = [permissions.IsAuthenticated, BatchPermission]

    def get_queryset(self):
        return with_counts(batches_for(self.request.user)).select_related("region")

    def _moved(self, service) -> Response:
        batch = self.get_object()
        service(actor=self.request.user, batch=batch, via="api")
        return Response(self.get_serializer(self.get_queryset().get(pk=batch.pk)).data)

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        """Approve the batch: its berita acara or SPTJM attached, every proposal verified."""
        return self._moved(batch_approve)

    @extend_schema(request=None, responses=MOVE_RESPONSES)
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk=None) -> Response:
        """Mark the approved batch as sent to the ministry."""
        return self._moved(batch_mark_sent)
