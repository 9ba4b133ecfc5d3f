"""`/api/v1/complaints/`: list, register, read, and close, with the web's scope and rules."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.services import personal_list_shown
from complaints import services
from complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from complaints.selectors import assessment_of, complaint_list_for, complaint_matches
from households.api import PhoneField
from households.masking import mask_free_text, mask_phone
from households.selectors import households_in_scope, persons_in_scope
from households.services import typed_identifiers_seen
from programs.models import NeedDomain
from slrt.middleware import shows_whole_identifiers
from slrt.serializers import (
    CodeField,
    IdRelatedField,
    StrictCharField,
    StrictStringsModelSerializer,
)


class ComplaintEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="None: the system."
    )

    class Meta:
        model = ComplaintEvent
        fields = ["action", "from_status", "to_status", "note", "actor", "via", "at"]


class HouseholdInScopeField(IdRelatedField):
    """A household id; one outside the caller's scope is 'not found', like any other."""

    def get_queryset(self):
        return households_in_scope(self.context["request"].user)


class PersonInScopeField(IdRelatedField):
    def get_queryset(self):
        return persons_in_scope(self.context["request"].user)


class ComplaintSerializer(StrictStringsModelSerializer):
    household = HouseholdInScopeField()
    complainant = PersonInScopeField(
        required=False, allow_null=True, help_text="A member of the household."
    )
    category = CodeField(
        slug_field="code", queryset=ComplaintCategory.objects.filter(is_active=True)
    )
    events = ComplaintEventSerializer(many=True, read_only=True)
    # Blank until the complaint is closed (a read-only model field would lose `allow_blank`).
    closure_reason = serializers.ChoiceField(
        choices=Complaint.ClosureReason.choices, read_only=True, allow_blank=True
    )
    moves = serializers.SerializerMethodField(
        help_text="What the caller may do to the complaint now."
    )
    phone = PhoneField(
        help_text="The complainant's, as typed (`0812-3456-7890`); left out: the member's own. "
        "Stored and answered in E.164, masked in lists."
    )

    class Meta:
        model = Complaint
        fields = [
            "id", "ticket_number", "household", "complainant", "complainant_name", "channel",
            "category", "description", "urgency", "consent_given", "phone", "contact_channel",
            "contact_consent", "status", "closure_reason",
            "registered_at", "first_action_due", "resolution_due", "closed_at", "events", "moves",
        ]  # fmt: skip
        read_only_fields = [
            "ticket_number", "status", "registered_at", "first_action_due",
            "resolution_due", "closed_at",
        ]  # fmt: skip
        extra_kwargs = {
            "complainant_name": {"required": False},
            "contact_channel": {"help_text": "Left out: the member's own."},
            "contact_consent": {"help_text": "Left out: the member's own."},
        }

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(services.Move)))
    )
    def get_moves(self, complaint: Complaint) -> list[str]:
        return sorted(services.complaint_moves_for(complaint, self.context["request"].user))


class NeedSerializer(serializers.Serializer):
    domain = serializers.ChoiceField(choices=NeedDomain.choices)
    severity = serializers.IntegerField(min_value=1, max_value=3)
    notes = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class AssessmentSerializer(serializers.Serializer):
    needs = NeedSerializer(many=True, max_length=len(NeedDomain.values))


class MatchSerializer(serializers.Serializer):
    program = serializers.CharField(source="program.code")
    eligible = serializers.BooleanField()
    summary = serializers.CharField(help_text="The verdict in a sentence, in Indonesian.")
    explanation = serializers.SerializerMethodField()
    addresses = serializers.ListField(child=serializers.CharField())

    def get_explanation(self, match) -> list[dict]:
        """Each clause: its depth in the rule, the words, and whether it is met."""
        return [
            {"depth": depth, "text": text, "met": met}
            for depth, text, met in match.explanation.lines()
        ]


class CloseSerializer(serializers.Serializer):
    closure_reason = serializers.ChoiceField(choices=Complaint.ClosureReason.choices)
    note = StrictCharField(max_length=2000)


class ComplaintPermission(permissions.BasePermission):
    """Complaints are the registry roles' (the scoped queryset does the rest): agency
    officers see the referrals sent to them, not the complaints behind them."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return has_role(request.user, *REGISTRY_ROLES)
        if view.action in ("close", "assessment"):
            return request.user.has_perm("complaints.change_complaint")
        return request.user.has_perm("complaints.add_complaint")


@shows_whole_identifiers  # one answer shows the numbers typed into its texts
class ComplaintViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ComplaintSerializer
    permission_classes = [permissions.IsAuthenticated, ComplaintPermission]

    def get_queryset(self):
        return complaint_list_for(self.request.user).prefetch_related("events__actor")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        complaint = self.get_object()
        data = self.get_serializer(complaint).data
        typed_identifiers_seen(
            actor=request.user, household=complaint.household, shown=data, path=request.path
        )
        return Response(data)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(page, many=True).data
        for item in data:  # officers type NIKs into free text; a list masks them
            mask_free_text(item, ("complainant_name", "description"))
            item["phone"] = mask_phone(item["phone"])
            for event in item["events"]:
                mask_free_text(event, ("note",))
        personal_list_shown(
            actor=request.user,
            what=_("Complaints"),
            rows=len(page),
            filters=request.query_params.urlencode(),
            path=request.path,
        )
        return self.get_paginated_response(data)

    def perform_create(self, serializer: ComplaintSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.complaint_register(
            actor=self.request.user,
            household=data["household"],
            category=data["category"],
            channel=data["channel"],
            description=data["description"],
            urgency=data.get("urgency", Complaint.Urgency.NORMAL),
            complainant=data.get("complainant"),
            complainant_name=data.get("complainant_name", ""),
            consent_given=data.get("consent_given", False),
            phone=data.get("phone"),
            contact_channel=data.get("contact_channel"),
            contact_consent=data.get("contact_consent"),
            via=ComplaintEvent.Via.API,
        )

    @extend_schema(request=AssessmentSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assessment(self, request: Request, pk=None) -> Response:
        complaint = self.get_object()
        body = AssessmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.complaint_assess(
            actor=request.user,
            complaint=complaint,
            needs=body.validated_data["needs"],
            via=ComplaintEvent.Via.API,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(responses=MatchSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # one list, never paged
    def matches(self, request: Request, pk=None) -> Response:
        complaint = self.get_object()
        found = complaint_matches(complaint, assessment_of(complaint.pk))
        return Response(MatchSerializer(found, many=True).data)

    @extend_schema(request=CloseSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        complaint = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.complaint_close(
            actor=request.user,
            complaint=complaint,
            closure_reason=body.validated_data["closure_reason"],
            note=body.validated_data["note"],
            via=ComplaintEvent.Via.API,
        )
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(self.get_serializer(complaint).data, status=status.HTTP_200_OK)
