"""`/api/v1/objections/`: record an objection to a recipient household of the objector's
village, list and read those of the caller's area, and `decide/` one with its home visit's
verdict, with the web's scope and rules. A photo of the house is stored after through
`/api/v1/documents/` (`owner_type` `objection`, kind `foto_depan`). Who objected is shown
only to those who decide."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import has_role
from proposals import objections
from proposals.models import Objection, ObjectionEvent, Proposal
from proposals.selectors import PROPOSAL_ROLES, objections_for
from visits.api import HouseholdInScopeField

OBJECTOR_FIELDS = ("objector_name", "objector_contact")


class ObjectionEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="None: the system."
    )

    class Meta:
        model = ObjectionEvent
        fields = ["action", "note", "actor", "at"]


class ObjectionSerializer(serializers.ModelSerializer):
    household = HouseholdInScopeField()
    objector_name = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=150,
        help_text="Shown only to those who decide objections (null to the others).",
    )  # fmt: skip
    objector_contact = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=60,
        help_text="Shown only to those who decide objections (null to the others).",
    )  # fmt: skip
    objector_village = serializers.CharField(
        source="objector_region_id", required=False, allow_blank=True, max_length=13,
        help_text="The objector's village code; it must be the household's village.",
    )  # fmt: skip
    # Null when the objector sent no location.
    latitude = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20
    )
    longitude = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20
    )
    via = serializers.CharField(read_only=True, help_text="`desk` or `api`.")
    events = ObjectionEventSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id", "household", "region", "reason", "objector_name", "objector_contact",
            "anonymous", "objector_village", "latitude", "longitude", "via", "status",
            "deadline", "visit", "proposal", "decided_at", "decided_by_deadline",
            "outcome_note", "created_at", "events",
        ]  # fmt: skip
        read_only_fields = [
            "region", "via", "status", "deadline", "visit", "proposal", "decided_at",
            "decided_by_deadline", "outcome_note", "created_at",
        ]  # fmt: skip

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context["request"].user.has_perm(objections.DECIDE):
            for name in OBJECTOR_FIELDS:
                data[name] = None
        return data


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[Objection.Status.UPHELD, Objection.Status.NOT_UPHELD]
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    proposal_kind = serializers.ChoiceField(
        choices=[Proposal.Kind.EXIT, Proposal.Kind.CORRECTION], default=Proposal.Kind.EXIT
    )
    # For a correction: the household's variables and their new values, as
    # /api/v1/proposals/ takes them.
    changes = serializers.JSONField(required=False, default=None)


class ObjectionPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if not has_role(request.user, *PROPOSAL_ROLES):
            return False
        if view.action == "create":
            return request.user.has_perm(objections.RECORD)
        if view.action == "decide":
            return request.user.has_perm(objections.DECIDE)
        return True


class ObjectionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ObjectionSerializer
    permission_classes = [permissions.IsAuthenticated, ObjectionPermission]

    def get_queryset(self):
        return objections_for(self.request.user).prefetch_related("events__actor")

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = objections.objection_record(
            actor=self.request.user,
            household=data["household"],
            reason=data.get("reason", ""),
            objector_name=data.get("objector_name", ""),
            objector_contact=data.get("objector_contact", ""),
            objector_village=data.get("objector_region_id", ""),
            anonymous=data.get("anonymous", False),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            via=Objection.Via.API,
        )

    @extend_schema(
        request=DecideSerializer,
        responses={200: ObjectionSerializer, 400: OpenApiResponse(description="By field.")},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        objection = self.get_object()
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = objections.objection_decide(
            actor=request.user, objection=objection, **serializer.validated_data
        )
        return Response(self.get_serializer(objections_for(request.user).get(pk=decided.pk)).data)
