"""`/api/v1/households/`: the registry over REST, with the scope and rules of the web pages.

Lists and search results show NIK and KK numbers masked; one household's own page
(`retrieve`) shows them whole. Writes go through `households.services`, and their refusals
come back as field-level JSON errors (`slrt.api_errors`), members keyed by their position as
DRF does: `{"kk_number": […], "members": {"1": {"nik": […]}}}`.
"""

from collections.abc import Sequence

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import REGISTRY_ROLES, has_role
from accounts.services import personal_list_shown
from households import services
from households.forms import MAX_MEMBERS
from households.masking import mask_identifier
from households.models import Household, Person
from households.selectors import households_in_scope, registry_search
from slrt.middleware import shows_whole_identifiers

REQUIRED_MEMBER_FIELDS = ["name", "sex", "birth_date", "relationship"]


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, help_text="An existing member's id, to change that member."
    )
    nik = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", *services.PERSON_FIELDS]


class MaskedMemberSerializer(MemberSerializer):
    """A member as lists show them: the NIK masked, the age instead of the birth date (which,
    with the sex and the village, is all of the NIK but its serial)."""

    nik = serializers.SerializerMethodField(help_text="Masked: `••••••••••••0003`.")
    age = serializers.SerializerMethodField(help_text="Completed years today.")

    class Meta(MemberSerializer.Meta):
        fields = [
            "id",
            *(name for name in services.PERSON_FIELDS if name != "birth_date"),
            "age",
        ]

    def get_nik(self, person: Person) -> str | None:
        return mask_identifier(person.nik) or None

    def get_age(self, person: Person) -> int | None:
        return person.age_on(timezone.localdate()) if person.birth_date else None


class HouseholdSerializer(serializers.ModelSerializer):
    region = serializers.CharField(help_text="The village's region code, such as 52.72.01.1001.")
    kk_number = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True
    )
    dtks_id = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True
    )
    members = MemberSerializer(many=True, max_length=MAX_MEMBERS)

    class Meta:
        model = Household
        fields = ["id", *services.HOUSEHOLD_FIELDS, "members", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self) -> dict:
        """The national registry's own fields are read-only but for admins (and the import)."""
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or not services.may_set_registry_fields(request.user):
            for name in services.REGISTRY_ONLY_FIELDS:
                fields[name].read_only = True
        return fields

    def to_representation(self, household: Household) -> dict:
        data = super().to_representation(household)
        data["region"] = household.region_id
        return data


class MaskedHouseholdSerializer(HouseholdSerializer):
    members = MaskedMemberSerializer(many=True)

    def to_representation(self, household: Household) -> dict:
        data = super().to_representation(household)
        data["kk_number"] = mask_identifier(household.kk_number) or None
        return data


class HasRegistryPermission(permissions.BasePermission):
    """Reading is for registry roles (the scoped queryset does the rest); registering needs
    `add_household` and editing `change_household`, as on the web."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return has_role(request.user, *REGISTRY_ROLES)
        needed = (
            "households.add_household" if view.action == "create" else "households.change_household"
        )
        return request.user.has_perm(needed)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="A NIK, a KK number or a name (fuzzy)."
            )
        ],
        responses=MaskedHouseholdSerializer(many=True),
    ),
)
@shows_whole_identifiers
class HouseholdViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HouseholdSerializer
    permission_classes = [permissions.IsAuthenticated, HasRegistryPermission]

    def get_queryset(self):
        return (
            households_in_scope(self.request.user)
            .select_related("region")
            .prefetch_related(Prefetch("members", queryset=Person.objects.all()))
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        query = request.query_params.get("q", "").replace("\x00", "").strip()
        if not query:
            page = self.paginate_queryset(self.get_queryset())
            personal_list_shown(
                actor=request.user,
                what=_("Households"),
                rows=len(page),
                filters=request.query_params.urlencode(),
                path=request.path,
            )
            return self.get_paginated_response(MaskedHouseholdSerializer(page, many=True).data)
        found = registry_search(request.user, query)
        services.registry_searched(
            actor=request.user, query=found.query, found=len(found.persons), path=request.path
        )
        # The people were found within the user's scope with their households (and
        # regions) read along: only the households' members are left to read.
        households = list(
            {person.household_id: person.household for person in found.persons}.values()
        )
        prefetch_related_objects(households, Prefetch("members", queryset=Person.objects.all()))
        page = self.paginate_queryset(households)
        return self.get_paginated_response(MaskedHouseholdSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        household = self.get_object()
        self._record_whole_view(household)
        return Response(self.get_serializer(household).data)

    def _record_whole_view(self, household: Household) -> None:
        """The answer holds whole NIK and KK numbers: the access log says who got them."""
        services.household_identifiers_seen(
            actor=self.request.user, household=household, path=self.request.path
        )

    def perform_create(self, serializer: HouseholdSerializer) -> None:
        data = dict(serializer.validated_data)
        members = data.pop("members")
        serializer.instance = services.household_register(
            actor=self.request.user, household=data, members=members
        )

    def perform_update(self, serializer: HouseholdSerializer) -> None:
        instance: Household = serializer.instance
        data = dict(serializer.validated_data)
        stored = {
            person.pk: {"id": person.pk, **{f: getattr(person, f) for f in services.PERSON_FIELDS}}
            for person in instance.members.all()
        }
        members = data.pop("members", None)
        if members is None:  # PATCH without members leaves them as they are
            members = list(stored.values())
        else:
            # A member sent with some fields only (PATCH) keeps its other stored fields, so
            # that the NIK is checked against the whole record; a new member needs them all.
            members = [{**stored.get(m.get("id"), {}), **m} for m in members]
            self._require_whole_new_members(members, stored)
        household = {
            **{f: getattr(instance, f) for f in services.HOUSEHOLD_FIELDS if f != "region"},
            "region": instance.region_id,
            **data,
        }
        services.household_update(
            actor=self.request.user, instance=instance, household=household, members=members
        )
        serializer.instance = self.get_queryset().get(pk=instance.pk)
        self._record_whole_view(serializer.instance)

    @staticmethod
    def _require_whole_new_members(members: Sequence[dict], stored: dict) -> None:
        missing = {
            index: {
                name: [_("This field is required.")]
                for name in REQUIRED_MEMBER_FIELDS
                if name not in m
            }
            for index, m in enumerate(members)
            if m.get("id") not in stored
        }
        missing = {index: errors for index, errors in missing.items() if errors}
        if missing:
            raise ValidationError({"members": missing})
