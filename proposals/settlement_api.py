"""`POST /api/v1/proposals/{id}/settle/`: the registry's answer to a sent proposal, recorded
by hand (`proposals.settlement.proposal_settle`). Scope as on the web: a proposal outside
the user's area answers 404."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals.models import Proposal
from proposals.selectors import proposal_get_for
from proposals.services import SETTLE, ProposalConflict
from proposals.settlement import OUTCOMES, proposal_settle


class SettleSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(o.value, o.label) for o in OUTCOMES])
    desil = serializers.IntegerField(
        min_value=1, max_value=10, required=False, allow_null=True, default=None,
        help_text="The desil the registry gave: required for `accepted`.",
    )  # fmt: skip
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="",
        help_text="Required for `rejected` and `returned`.",
    )  # fmt: skip
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None,
        help_text="The version you read: a proposal changed since answers 409.",
    )  # fmt: skip


class SettledProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = ["id", "kind", "status", "desil_result", "outcome_note", "cycles_unanswered",
                  "version"]  # fmt: skip
        read_only_fields = fields


class CanSettle(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return True  # who may is decided once the proposal is found: 404 first, then 403

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm(SETTLE)


class ProposalSettleView(APIView):
    permission_classes = [permissions.IsAuthenticated, CanSettle]

    @extend_schema(
        operation_id="proposals_settle",
        request=SettleSerializer,
        responses={
            200: SettledProposalSerializer,
            400: OpenApiResponse(description="Messages by field (`desil`, `reason` …)."),
            403: OpenApiResponse(description="Your role does not settle proposals."),
            404: OpenApiResponse(description="No such proposal in your area."),
            409: OpenApiResponse(description="The proposal changed since `version`."),
        },
        tags=["proposals"],
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record the registry's answer to a sent proposal: `accepted` with its `desil`,
        `rejected` or `returned` with the `reason`."""
        proposal = proposal_get_for(request.user, pk)
        self.check_object_permissions(request, proposal)
        serializer = SettleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            proposal = proposal_settle(actor=request.user, proposal=proposal, via="api",
                                       **serializer.validated_data)  # fmt: skip
        except ProposalConflict as conflict:
            return Response({"detail": conflict.message}, status=status.HTTP_409_CONFLICT)
        return Response(SettledProposalSerializer(proposal).data)
