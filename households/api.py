"""`/api/v1/households/`: the registry over REST, with the scope and rules of the web pages.

Lists and search results show NIK and KK numbers masked; one household's own page
(`retrieve`) shows them whole. Writes go through `households.services`, and their refusals
come back as field-level JSON errors (`slrt.api_errors`), members keyed by their position as
DRF does: `{"kk_number": […], "members": {"1": {"nik": […]}}}`.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import REGISTRY_READING_ROLES, has_role
from accounts.services import personal_list_shown
from households import services
from households.forms import MAX_MEMBERS
from households.masking import mask_identifier, mask_phone
from households.models import Household, Person
from households.phones import normalize_phone
from households.rules import (
    NEIGHBOURHOOD_MESSAGE,
    NEIGHBOURHOOD_PATTERN,
    neighbourhood_number,
)
from households.selectors import households_in_scope, registry_search
from slrt.api_errors import api_error_detail
from slrt.middleware import shows_whole_identifiers
from slrt.serializers import StrictCharField

REQUIRED_MEMBER_FIELDS = ["name", "sex", "birth_date", "relationship"]


class PhoneField(StrictCharField):
    """A phone number as typed, read into E.164 by `normalize_phone` (empty: none)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # as typed, with spaces and dashes
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault(
            "help_text",
            "As typed (`0812-3456-7890`, `+62 812 3456 7890`); stored and answered in E.164.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        try:
            return normalize_phone(super().to_internal_value(data))
        except DjangoValidationError as error:
            raise ValidationError(error.messages, code="phone") from error


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, help_text="An existing member's id, to change that member."
    )
    nik = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    phone = PhoneField()

    class Meta:
        model = Person
        fields = ["id", *services.PERSON_FIELDS]


class MaskedMemberSerializer(MemberSerializer):
    """A member as lists show them: the NIK masked, the age instead of the birth date (which,
    with the sex and the village, is all of the NIK but its serial)."""

    nik = serializers.SerializerMethodField(help_text="Masked: `••••••••••••0003`.")
    phone = serializers.SerializerMethodField(help_text="Masked: `+62812••••7890`.")
    age = serializers.SerializerMethodField(help_text="Completed years today.")

    class Meta(MemberSerializer.Meta):
        fields = [
            "id",
            *(name for name in services.PERSON_FIELDS if name != "birth_date"),
            "age",
        ]

    def get_nik(self, person: Person) -> str | None:
        return mask_identifier(person.nik) or None

    def get_phone(self, person: Person) -> str:
        return mask_phone(person.phone)

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
    rt = serializers.RegexField(
        NEIGHBOURHOOD_PATTERN, required=False, allow_blank=True,
        error_messages={"invalid": NEIGHBOURHOOD_MESSAGE},
        help_text="Up to three digits, stored as three: `3` is kept as `003`.",
    )  # fmt: skip
    rw = serializers.RegexField(
        NEIGHBOURHOOD_PATTERN, required=False, allow_blank=True,
        error_messages={"invalid": NEIGHBOURHOOD_MESSAGE},
        help_text="Up to three digits, stored as three: `1` is kept as `001`.",
    )  # fmt: skip
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

    def validate_rt(self, value: str) -> str:
        return neighbourhood_number(value)

    def validate_rw(self, value: str) -> str:
        return neighbourhood_number(value)


class MaskedHouseholdSerializer(HouseholdSerializer):
    members = MaskedMemberSerializer(many=True)

    def to_representation(self, household: Household) -> dict:
        data = super().to_representation(household)
        data["kk_number"] = mask_identifier(household.kk_number) or None
        return data


def _readable_values(fields: Mapping, data) -> dict:
    """The values of `data` that `fields` read without error (the others left out)."""
    values = {}
    if not isinstance(data, Mapping):
        return values
    for name, field in fields.items():
        if field.read_only or name == "members":
            continue
        try:
            values[name] = field.run_validation(data.get(name, empty))
        except (ValidationError, SkipField):
            continue
    return values


def readable_household(serializer: HouseholdSerializer) -> tuple[dict, list[dict]]:
    """What a refused household body could be read as: its household fields and members
    that passed their shape checks, so that the domain's rules judge them too."""
    data = serializer.initial_data
    household = _readable_values(serializer.fields, data)
    items = data.get("members") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        return household, []
    member_fields = serializer.fields["members"].child.fields
    return household, [_readable_values(member_fields, item) for item in items[:MAX_MEMBERS]]


def with_domain_errors(shape: dict, domain: dict) -> dict:
    """The shape errors of a body, with the domain's errors of the fields that passed: a
    field refused for its shape keeps only that message."""
    merged = {**domain, **shape}
    shape_members, domain_members = shape.get("members"), domain.get("members")
    if (
        isinstance(shape_members, Mapping)
        and isinstance(domain_members, Mapping)
        and all(isinstance(index, int) for index in shape_members)
    ):
        by_index = {index: dict(errors) for index, errors in domain_members.items()}
        for index, errors in shape_members.items():
            by_index[index] = {**by_index.get(index, {}), **errors}
        merged["members"] = dict(sorted(by_index.items()))
    return merged


class HasRegistryPermission(permissions.BasePermission):
    """Reading is for registry roles and facilitators (the scoped queryset does the rest);
    registering needs `add_household` and editing `change_household`, as on the web."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return has_role(request.user, *REGISTRY_READING_ROLES)
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

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            household, members = readable_household(serializer)
            self._refuse(serializer, household, members, instance=None)
        self.perform_create(serializer)
        headers = self.get_success_headers(serializer.data)
        return Response(serializer.data, status=201, headers=headers)

    def update(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        if not serializer.is_valid():
            household, members = readable_household(serializer)
            household, members = self._with_stored(instance, household, members or None)
            self._refuse(serializer, household, members, instance=instance)
        self.perform_update(serializer)
        return Response(serializer.data)

    def _refuse(self, serializer, household: dict, members: Sequence[dict], *, instance) -> None:
        """Refuse a body that failed its shape checks with every error at once: the shape
        errors, and the domain's rules on what could be read (`validate_household_input`)."""
        domain: dict = {}
        try:
            services.validate_household_input(
                actor=self.request.user, household=household, members=members, instance=instance
            )
        except DjangoValidationError as error:
            domain = api_error_detail(error)
        raise ValidationError(with_domain_errors(serializer.errors, domain))

    def perform_create(self, serializer: HouseholdSerializer) -> None:
        data = dict(serializer.validated_data)
        members = data.pop("members")
        serializer.instance = services.household_register(
            actor=self.request.user, household=data, members=members
        )

    def perform_update(self, serializer: HouseholdSerializer) -> None:
        instance: Household = serializer.instance
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        household, members = self._with_stored(instance, data, members, require_whole=True)
        services.household_update(
            actor=self.request.user, instance=instance, household=household, members=members
        )
        serializer.instance = self.get_queryset().get(pk=instance.pk)
        self._record_whole_view(serializer.instance)

    def _with_stored(
        self, instance: Household, data: dict, members: Sequence[dict] | None, *,
        require_whole: bool = False,
    ) -> tuple[dict, Sequence[dict]]:  # fmt: skip
        """The household and members an update leaves: what the body sends over what is
        stored. Without members (PATCH) they stay as they are; a member sent with some fields
        only keeps its other stored fields, so that its NIK is checked against the whole
        record; a new member needs them all (`require_whole`)."""
        stored = {
            person.pk: {"id": person.pk, **{f: getattr(person, f) for f in services.PERSON_FIELDS}}
            for person in instance.members.all()
        }
        if members is None:
            members = list(stored.values())
        else:
            members = [{**stored.get(m.get("id"), {}), **m} for m in members]
            if require_whole:
                self._require_whole_new_members(members, stored)
        household = {
            **{f: getattr(instance, f) for f in services.HOUSEHOLD_FIELDS if f != "region"},
            "region": instance.region_id,
            **data,
        }
        return household, members

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
