"""`/api/v1/proposals/`: open a proposal to the national registry about a household of the
caller's area, list and read those the caller may see, and `transition/` one along its table,
with the web's scope and rules (`proposals.services`). Evidence is stored first through
`/api/v1/documents/` (`owner_type` `proposal`)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessLog
from accounts.services import access_record, personal_list_shown
from households.masking import mask_free_text, mask_identifier
from households.selectors import households_in_scope, persons_in_scope
from proposals import services
from proposals.models import Proposal, ProposalEvent
from proposals.selectors import proposals_for
from slrt.serializers import StrictCharField

# The variables of a correction that are identifiers: masked in lists.
IDENTIFIER_FIELDS = ("nik", "kk_number")


class ProposalEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="None: the system."
    )

    class Meta:
        model = ProposalEvent
        fields = ["from_status", "to_status", "note", "actor", "via", "at"]


class HouseholdInScopeField(serializers.PrimaryKeyRelatedField):
    """A household id; one outside the caller's area is 'not found', like any other."""

    def get_queryset(self):
        return households_in_scope(self.context["request"].user)


class PersonInScopeField(serializers.PrimaryKeyRelatedField):
    """A person id among the members of the caller's area."""

    def get_queryset(self):
        return persons_in_scope(self.context["request"].user)


class ProposalSerializer(serializers.ModelSerializer):
    household = HouseholdInScopeField()
    person = PersonInScopeField(required=False, allow_null=True, default=None)
    person_name = serializers.CharField(source="person.name", default=None, read_only=True)
    kind = serializers.ChoiceField(choices=Proposal.Kind.choices)
    changes = serializers.JSONField(
        required=False,
        default=dict,
        help_text='A correction\'s variables: `{"name": {"to": "…"}}` (or '
        '`{"name": "…"}`); the answer adds each `from`, read from the record.',
    )
    exit_reason = serializers.ChoiceField(
        choices=Proposal.ExitReason.choices, required=False, allow_blank=True, default=""
    )
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    events = ProposalEventSerializer(many=True, read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "kind", "household", "person", "person_name", "changes", "exit_reason",
            "reason", "source", "complaint", "status", "status_display", "batch", "visit",
            "desil_result", "outcome_note", "version", "created_at", "updated_at", "events",
        ]  # fmt: skip
        read_only_fields = [
            "source", "complaint", "status", "batch", "visit", "desil_result", "outcome_note",
            "version", "created_at", "updated_at",
        ]  # fmt: skip


class ProposalListSerializer(ProposalSerializer):
    class Meta(ProposalSerializer.Meta):
        fields = [name for name in ProposalSerializer.Meta.fields if name != "events"]


class ProposalTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Proposal.Status.choices)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you read: a proposal changed since answers 409.",
    )


def masked_changes(changes: dict) -> dict:
    """A correction's changes with its identifiers masked, as lists show them."""
    masked = {}
    for name, change in (changes or {}).items():
        if name in IDENTIFIER_FIELDS and isinstance(change, dict):
            change = {side: mask_identifier(value) for side, value in change.items()}
        masked[name] = change
    return masked


def shows_identifier(changes: dict) -> bool:
    return any(name in IDENTIFIER_FIELDS for name in changes or {})


def whole_view_recorded(request, proposal: Proposal) -> None:
    """Write to the access log an answer that shows a corrected NIK or KK number whole."""
    if shows_identifier(proposal.changes):
        access_record(
            actor=request.user,
            action=AccessLog.Action.VIEW,
            what=str(proposal),
            household_id=proposal.household_id,
            path=request.path,
        )


class ProposalPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if view.action == "create":
            return request.user.has_perm(services.PROPOSE)
        return request.user.has_perm("proposals.view_proposal")


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProposalSerializer
    permission_classes = [permissions.IsAuthenticated, ProposalPermission]

    def get_queryset(self):
        queryset = proposals_for(self.request.user).order_by("-created_at", "-pk")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor")
        return queryset

    @extend_schema(responses=ProposalListSerializer(many=True))
    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = ProposalListSerializer(page, many=True, context=self.get_serializer_context()).data
        for item in data:
            item["changes"] = masked_changes(item["changes"])
            mask_free_text(item, ("reason", "outcome_note"))
        personal_list_shown(
            actor=request.user,
            what=_("Registry proposals"),
            rows=len(page),
            filters=request.query_params.urlencode(),
            path=request.path,
        )
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        proposal = self.get_object()
        whole_view_recorded(request, proposal)
        return Response(self.get_serializer(proposal).data)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.proposal_open(
            actor=self.request.user,
            kind=data["kind"],
            household=data["household"],
            person=data.get("person"),
            changes=data.get("changes") or {},
            exit_reason=data.get("exit_reason", ""),
            reason=data.get("reason", ""),
        )
        whole_view_recorded(self.request, serializer.instance)  # each change's `from`, whole

    @extend_schema(
        request=ProposalTransitionSerializer,
        responses={
            200: ProposalSerializer,
            400: OpenApiResponse(
                description="Messages by field (`to`, `note`, `documents`, `visit`)."
            ),
            409: OpenApiResponse(
                description="The proposal changed since `version`: `detail` and `current`."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        """Submit, verify, return or give up a proposal (`to`, with a `note`)."""
        proposal = self.get_object()
        serializer = ProposalTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            proposal = services.proposal_transition(
                actor=request.user,
                proposal=proposal,
                to=data["to"],
                note=data.get("note", ""),
                via=ProposalEvent.Via.API,
                version=data.get("version"),
            )
        except services.ProposalConflict as conflict:
            whole_view_recorded(request, proposal)
            current = self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data
            return Response(
                {"detail": conflict.message, "current": current}, status=status.HTTP_409_CONFLICT
            )
        whole_view_recorded(request, proposal)
        fresh = self.get_queryset().prefetch_related("events__actor").get(pk=proposal.pk)
        return Response(self.get_serializer(fresh).data)
