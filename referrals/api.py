"""`/api/v1/referrals/`: list, create, read with events, and `transition/`, with the web's
scope (office staff: their area; agency officers: their agency) and rules."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import REGISTRY_ROLES, Role, has_role
from accounts.services import personal_list_shown
from complaints.selectors import complaints_in_scope
from documents.models import DocumentKind
from households.masking import mask_free_text
from households.services import typed_identifiers_seen
from programs.models import Program
from referrals import services
from referrals.models import ReactivationRecord, Referral, ReferralEvent
from referrals.selectors import (
    REFERRAL_OFFICE_ROLES,
    agency_reads_file,
    referral_file,
    referrals_for,
)
from slrt.middleware import shows_whole_identifiers
from slrt.serializers import (
    CodeField,
    IdRelatedField,
    StrictCharField,
    StrictIntegerField,
    StrictStringsModelSerializer,
)


class ReferralEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="None: the system."
    )
    kind = serializers.CharField(
        source="kind.code",
        default=None,
        allow_null=True,
        help_text="The document kind the agency asked for (`document_requested`).",
    )

    class Meta:
        model = ReferralEvent
        fields = ["action", "from_status", "to_status", "note", "kind", "actor", "via", "at"]


class FileDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Download: `/api/v1/documents/{id}/download/`.")
    kind = serializers.CharField(source="kind.code")
    original_name = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ReferralFileSerializer(serializers.Serializer):
    """The referral's file against its programme's required document kinds."""

    required = serializers.ListField(child=serializers.CharField(), help_text="Kind codes.")
    present = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    complete = serializers.BooleanField()
    requested = serializers.ListField(
        child=serializers.CharField(),
        help_text="Kinds the agency asked for that are not in the file yet.",
    )
    documents = FileDocumentSerializer(
        many=True,
        help_text="The file's documents, for those who may read them now (an agency officer "
        "while the referral is with the agency).",
    )


def file_data(file, *, readable: bool) -> dict:
    return {
        "required": [item.kind.code for item in file.items],
        "present": [item.kind.code for item in file.items if item.document],
        "missing": [kind.code for kind in file.missing],
        "complete": file.complete,
        "requested": sorted({request.kind.code for request in file.requests}),
        "documents": FileDocumentSerializer(file.documents if readable else [], many=True).data,
    }


class ReactivationSerializer(serializers.ModelSerializer):
    """The PBI-JK reactivation of a referral to a reactivation programme."""

    uploaded_by = serializers.CharField(source="uploaded_by.username")
    facility_letter = serializers.IntegerField(
        source="facility_letter_id",
        allow_null=True,
        help_text="The facility's letter: a document id.",
    )

    class Meta:
        model = ReactivationRecord
        fields = ["facility_letter", "uploaded_on", "uploaded_by", "result", "result_on",
                  "refusal_reason"]  # fmt: skip


class ComplaintInScopeField(IdRelatedField):
    """A complaint id; one outside the caller's area is 'not found', like any other."""

    def get_queryset(self):
        return complaints_in_scope(self.context["request"].user)


class ReferralSerializer(StrictStringsModelSerializer):
    complaint = ComplaintInScopeField()
    program = CodeField(slug_field="code", queryset=Program.objects.filter(is_active=True))
    agency = serializers.CharField(source="agency.name", read_only=True)
    ticket_number = serializers.CharField(source="complaint.ticket_number", read_only=True)
    events = ReferralEventSerializer(many=True, read_only=True)
    file = serializers.SerializerMethodField()
    decided_by = serializers.CharField(
        source="decided_by.username", default=None, read_only=True, allow_null=True,
        help_text="The approver who sent (or returned) it, when its programme needs a decision.",
    )  # fmt: skip
    reactivation = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id", "complaint", "ticket_number", "program", "agency", "notes", "eligible",
            "status", "outcome_note", "response_due", "resolution_due", "created_at",
            "sent_at", "received_at", "closed_at", "version", "incomplete_note", "due_at",
            "decided_by", "decided_at", "decision_note", "file", "reactivation", "events",
        ]  # fmt: skip
        read_only_fields = [
            "eligible", "status", "outcome_note", "response_due", "resolution_due",
            "created_at", "sent_at", "received_at", "closed_at", "version", "incomplete_note",
            "due_at", "decided_at", "decision_note",
        ]  # fmt: skip
        extra_kwargs = {"notes": {"required": False, "max_length": 2000}}
        # An open referral to the programme already is the service's to refuse, at `program`.
        validators = []

    @extend_schema_field(ReferralFileSerializer)
    def get_file(self, referral: Referral) -> dict:
        user = self.context["request"].user
        readable = has_role(user, *REGISTRY_ROLES) or agency_reads_file(user, referral)
        return file_data(referral_file(referral), readable=readable)

    @extend_schema_field(ReactivationSerializer(allow_null=True))
    def get_reactivation(self, referral: Referral) -> dict | None:
        record = ReactivationRecord.objects.filter(referral=referral).first()
        return ReactivationSerializer(record).data if record else None


class ReferralListSerializer(ReferralSerializer):
    """The list stays light: read one referral for its story (`events`)."""

    class Meta(ReferralSerializer.Meta):
        fields = [
            name
            for name in ReferralSerializer.Meta.fields
            if name not in ("events", "file", "reactivation")
        ]


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Referral.Status.choices)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    version = StrictIntegerField(
        min_value=1,
        required=False,
        help_text="The version you read: a referral changed since then answers 409.",
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=services.Decision.CHOICES,
        help_text="`approve`: the referral is sent; `return`: back to its sender as a draft.",
    )
    note = StrictCharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="Required to return it: what the sender must change.",
    )  # fmt: skip
    version = StrictIntegerField(
        min_value=1,
        required=False,
        help_text="The version you read: a referral changed since then answers 409.",
    )


class DocumentRequestSerializer(serializers.Serializer):
    kind = CodeField(
        slug_field="code",
        queryset=DocumentKind.objects.filter(is_active=True),
        help_text="The code of the document kind needed (`sktm`).",
    )
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class ReferralPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if view.action == "create":
            return has_role(request.user, Role.BACK_OFFICE)
        if view.action == "request_document":
            return has_role(request.user, Role.AGENCY_OFFICER)
        if view.action == "transition":
            return has_role(request.user, Role.BACK_OFFICE, Role.AGENCY_OFFICER)
        if view.action == "decision":
            return services.may_decide(request.user)
        return has_role(request.user, *REFERRAL_OFFICE_ROLES, Role.AGENCY_OFFICER)


@shows_whole_identifiers  # one answer shows the numbers typed into its texts
class ReferralViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReferralSerializer
    permission_classes = [permissions.IsAuthenticated, ReferralPermission]

    def get_queryset(self):
        queryset = referrals_for(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor", "events__kind")
        return queryset

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        referral = self.get_object()
        data = self.get_serializer(referral).data
        typed_identifiers_seen(
            actor=request.user, household=referral.household, shown=data, path=request.path
        )
        return Response(data)

    @extend_schema(responses=ReferralListSerializer(many=True))
    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = ReferralListSerializer(page, many=True, context=self.get_serializer_context()).data
        for item in data:
            mask_free_text(item, ("notes", "outcome_note", "incomplete_note"))  # NIKs: masked
        personal_list_shown(
            actor=request.user,
            what=_("Referrals"),
            rows=len(page),
            filters=request.query_params.urlencode(),
            path=request.path,
        )
        return self.get_paginated_response(data)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        (referral,) = services.referrals_create(
            actor=self.request.user,
            complaint=data["complaint"],
            programs=[data["program"]],
            notes=data.get("notes", ""),
            via=ReferralEvent.Via.API,
        )
        serializer.instance = referral

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: ReferralSerializer,
            400: OpenApiResponse(description="The move is not allowed; messages by field."),
            409: OpenApiResponse(description="The referral changed since `version`."),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        """Move the referral: the agency acknowledges (`received`), starts (`in_progress`),
        completes (`completed`, with the outcome in `note`) or rejects (`rejected`, with the
        reason); the sending office cancels (`cancelled`)."""
        return self._move(request, TransitionSerializer, services.referral_transition)

    @extend_schema(
        request=DecisionSerializer,
        responses={
            200: ReferralSerializer,
            400: OpenApiResponse(
                description="Not awaiting a decision, four eyes, no note to return it; "
                "messages by field."
            ),
            409: OpenApiResponse(description="The referral changed since `version`."),
        },
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk=None) -> Response:
        """An approver (`referrals.decide_referral`) decides a referral awaiting a decision:
        `approve` sends it to the agency, `return` gives it back to its sender with `note`.
        Whoever prepared or submitted it does not decide it (four eyes)."""
        return self._move(request, DecisionSerializer, services.referral_decide)

    def _move(self, request: Request, serializer_class, move) -> Response:
        """A move of the referral through its service (`move`) with the fields of
        `serializer_class`: the referral as it is now, or 409 when it changed since `version`."""
        referral = self.get_object()  # out of the user's area: 404 before any field is read
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            referral = move(
                actor=request.user,
                referral=referral,
                via=ReferralEvent.Via.API,
                **serializer.validated_data,
            )
        except services.ReferralConflict as conflict:
            return Response(
                {"detail": str(conflict), "status": conflict.referral.status,
                 "version": conflict.referral.version},
                status=status.HTTP_409_CONFLICT,
            )  # fmt: skip
        referral = (
            self.get_queryset()
            .prefetch_related("events__actor", "events__kind")
            .get(pk=referral.pk)
        )
        return Response(ReferralSerializer(referral, context=self.get_serializer_context()).data)

    @extend_schema(
        request=DocumentRequestSerializer,
        responses={
            200: ReferralSerializer,
            400: OpenApiResponse(description="Not open, or the kind is in the file already."),
        },
    )
    @action(detail=True, methods=["post"], url_path="request-document")
    def request_document(self, request: Request, pk=None) -> Response:
        """The agency the referral is with asks the sending office for a document of its
        file (`kind`, and a `note`, needed for a kind the programme does not require)."""
        referral = self.get_object()
        serializer = DocumentRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_request_document(
            actor=request.user, referral=referral, via=ReferralEvent.Via.API,
            **serializer.validated_data,
        )  # fmt: skip
        referral = (
            self.get_queryset()
            .prefetch_related("events__actor", "events__kind")
            .get(pk=referral.pk)
        )
        return Response(ReferralSerializer(referral, context=self.get_serializer_context()).data)
