"""`/api/v1/visits/`: request a visit, list and read the visits the caller may see (a
facilitator's own, the registry roles' area), and `submit/` the facilitator's report, with
the web's scope and rules. The photos are stored first through `/api/v1/documents/`
(`owner_type` `visit`, kinds `foto_depan` and `foto_dalam`)."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import REGISTRY_ROLES, Role, has_role
from accounts.services import personal_list_shown
from households.masking import mask_free_text
from households.models import Person
from households.selectors import households_in_scope
from slrt.ids import MAX_ID
from slrt.serializers import IdRelatedField, StrictCharField
from visits import services
from visits.models import OBSERVED_FIELDS, Visit, VisitEvent
from visits.selectors import reads_origin, visits_for


class VisitEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="None: the system."
    )

    class Meta:
        model = VisitEvent
        fields = ["action", "note", "actor", "at"]


class HouseholdInScopeField(IdRelatedField):
    """A household id; one outside the caller's area is 'not found', like any other."""

    def get_queryset(self):
        return households_in_scope(self.context["request"].user)


class FacilitatorField(serializers.IntegerField):
    """A facilitator's user id, resolved among those whose area covers the household
    by the service (`VisitViewSet.perform_create`): any other id, a facilitator elsewhere,
    an office user's or nobody's, answers the service's one message, so the field tells
    nothing of other areas' users."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)

    def to_representation(self, value):
        return getattr(value, "pk", value)


class VisitSerializer(serializers.ModelSerializer):
    household = HouseholdInScopeField()
    assignee = FacilitatorField(required=False, allow_null=True)
    assignee_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    reason = StrictCharField(max_length=1000)
    due = serializers.DateField(
        required=False, allow_null=True,
        help_text="Empty: SLRT_VISIT_DUE_DAYS working days from today.",
    )  # fmt: skip
    members_present = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    verdict = serializers.ChoiceField(
        choices=Visit.Verdict.choices, allow_blank=True, read_only=True,
        help_text="Empty until the visit is submitted.",
    )  # fmt: skip
    events = VisitEventSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id", "household", "complaint", "referral", "reason", "due", "status",
            "status_display", "version",
            "assignee", "assignee_name", "requested_at", "met_name", "members_present",
            "observed", "gps_consent", "latitude", "longitude", "no_location_reason", "notes",
            "verdict", "submitted_at", "events",
        ]  # fmt: skip
        read_only_fields = [
            "complaint", "referral", "status", "version", "requested_at", "met_name",
            "observed", "gps_consent", "latitude", "longitude", "no_location_reason", "notes",
            "verdict", "submitted_at",
        ]  # fmt: skip

    def to_representation(self, visit: Visit) -> dict:
        data = super().to_representation(visit)
        request = self.context.get("request")
        if request is None or not reads_origin(request.user):
            data["complaint"] = data["referral"] = None  # the office's records
        return data

    def get_assignee_name(self, visit: Visit) -> str | None:
        if visit.assignee_id is None:
            return None
        return visit.assignee.get_full_name() or visit.assignee.get_username()


class VisitListSerializer(VisitSerializer):
    class Meta(VisitSerializer.Meta):
        fields = [name for name in VisitSerializer.Meta.fields if name != "events"]


def visit_representation(visit: Visit, user) -> dict:
    """The visit as it is now, as `user` reads it: what a conflict answers with, on the API
    and the phone form."""
    fresh = (
        Visit.objects.select_related("assignee")
        .prefetch_related("events__actor", "members_present")
        .get(pk=visit.pk)
    )
    return VisitSerializer(fresh, context={"request": SimpleNamespace(user=user)}).data


def _observed_as_sent(self, data):
    if not isinstance(data, dict):
        raise serializers.ValidationError(_("Send the observed variables as an object."))
    return data  # each value is the service's to read (`visits.services.observed_value`)


# The housing and asset variables as observed: the registry's codes, `floor_area` in m²,
# `monthly_income` in rupiah, assets true/false; a variable left out is not observed.
ObservedSerializer = type(
    "ObservedSerializer",
    (serializers.Serializer,),
    {
        "to_internal_value": _observed_as_sent,
        **{name: serializers.JSONField(required=False) for name in OBSERVED_FIELDS},
    },
)


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 40}]})
class CoordinateField(serializers.Field):
    """Degrees as the phone gives them: a JSON number of any precision, or a string (with a
    decimal point or comma, as the web form takes it). Its range and its rounding to six
    decimals are the service's (`visits.services`), the same for the web and the API."""

    default_error_messages = {"invalid": _("Enter a number.")}

    def to_internal_value(self, data) -> str:
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            self.fail("invalid")
        if isinstance(data, str) and len(data) > 40:
            self.fail("invalid")
        return str(data)

    def to_representation(self, value) -> str:
        return str(value)


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read: a visit changed since answers 409."
    )
    verdict = serializers.ChoiceField(choices=Visit.Verdict.choices)
    observed = ObservedSerializer(required=False, default=dict)
    met_name = StrictCharField(max_length=150, required=False, allow_blank=True, default="")
    members_present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
        default=list,
        max_length=50, help_text="Person ids of the household's members who were there.",
    )  # fmt: skip
    gps_consent = serializers.BooleanField(required=False, default=False)
    latitude = CoordinateField(required=False, allow_null=True, default=None)
    longitude = CoordinateField(required=False, allow_null=True, default=None)
    no_location_reason = StrictCharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class VisitPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if view.action == "create":
            return has_role(request.user, *services.REQUESTING_ROLES)
        if view.action == "submit":
            return has_role(request.user, Role.FACILITATOR)
        return has_role(request.user, *REGISTRY_ROLES, Role.FACILITATOR)


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VisitSerializer
    permission_classes = [permissions.IsAuthenticated, VisitPermission]

    def get_queryset(self):
        queryset = visits_for(self.request.user).prefetch_related("members_present")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor")
        return queryset

    @extend_schema(responses=VisitListSerializer(many=True))
    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = VisitListSerializer(page, many=True, context=self.get_serializer_context()).data
        for item in data:
            mask_free_text(item, ("reason", "notes"))  # NIKs typed in: masked
        personal_list_shown(
            actor=request.user,
            what=_("Home visits"),
            rows=len(page),
            filters=request.query_params.urlencode(),
            path=request.path,
        )
        return self.get_paginated_response(data)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.visit_request(
            actor=self.request.user,
            household=data["household"],
            reason=data["reason"],
            due=data.get("due"),
            assignee=self._assignee(data["household"], data.get("assignee")),
        )

    @staticmethod
    def _assignee(household, user_id: int | None):
        """The facilitator `user_id` if one covers the household; else a user reference
        that none does, which the service refuses with its message, among its others."""
        if user_id is None:
            return None
        found = services.facilitators_for(household).filter(pk=user_id).first()
        return found or get_user_model()(pk=user_id)

    @extend_schema(
        request=SubmitSerializer,
        responses={
            200: VisitSerializer,
            400: OpenApiResponse(description="Messages by field (`observed.floor_area` …)."),
            409: OpenApiResponse(
                description="The visit changed since `version`, or was sent already: "
                "`detail` and `current`, the visit as it is now."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """The facilitator's report of the visit assigned to them."""
        visit = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member_ids = data.pop("members_present")
        members = list(Person.objects.filter(pk__in=member_ids))
        if len(members) != len(set(member_ids)):
            raise ValidationError({"members_present": _("Choose members of this household only.")})
        try:
            visit = services.visit_submit(
                actor=request.user, visit=visit, members_present=members, **data
            )
        except services.VisitConflict as conflict:
            current = visit_representation(conflict.visit, request.user)
            return Response(
                {"detail": str(conflict), "current": current},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(visit_representation(visit, request.user))
