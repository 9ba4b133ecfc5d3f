"""`/api/v1/letters/`: draft letters to people of the caller's area, list and read those
of the area, `issue/` and `revoke/` one (`letters.services`), and `verify/{token}/`, the
public check, open to anyone and limited per address (`letters.public_check`)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import client_address
from accounts.services import personal_list_shown
from households.selectors import persons_in_scope
from letters import services
from letters.models import Letter, LetterEvent, LetterKind
from letters.public_check import UNKNOWN, Limited, letter_check
from letters.selectors import letters_for
from programs.models import Program
from referrals.selectors import referrals_for
from slrt.ids import MAX_ID
from slrt.serializers import CodeField, IdRelatedField, StrictCharField, StrictIntegerField


class PersonInScopeField(IdRelatedField):
    def get_queryset(self):
        return persons_in_scope(self.context["request"].user).select_related("household")


class ReferralInScopeField(IdRelatedField):
    def get_queryset(self):
        return referrals_for(self.context["request"].user)


class LetterEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="None: the system."
    )

    class Meta:
        model = LetterEvent
        fields = ["from_status", "to_status", "note", "actor", "via", "at"]


class LetterSerializer(serializers.ModelSerializer):
    kind = CodeField(slug_field="code", queryset=LetterKind.objects.filter(active=True))
    person = PersonInScopeField()
    program = CodeField(
        slug_field="code", queryset=Program.objects.filter(is_active=True), required=False,
        allow_null=True, default=None,
        help_text="A recommendation's programme (its code); other kinds name none.",
    )  # fmt: skip
    referral = ReferralInScopeField(
        required=False, allow_null=True, default=None,
        help_text=(
            "A referral letter's referral (`surat_rujukan`), or the referral a recommendation "
            "is written for (a PBI-JK reactivation's); other kinds name none."
        ),
    )  # fmt: skip
    holder_name = serializers.CharField(source="person.name", read_only=True)
    events = LetterEventSerializer(many=True, read_only=True)

    class Meta:
        model = Letter
        fields = [
            "id", "kind", "person", "holder_name", "program", "referral", "status", "number",
            "token", "issued_on", "issued_at", "drafted_at", "revoked_at", "revoke_reason",
            "page_sha256", "events",
        ]  # fmt: skip
        read_only_fields = [
            "status", "number", "token", "issued_on", "issued_at", "drafted_at", "revoked_at",
            "revoke_reason", "page_sha256",
        ]  # fmt: skip


class LetterListSerializer(LetterSerializer):
    class Meta(LetterSerializer.Meta):
        fields = [name for name in LetterSerializer.Meta.fields if name != "events"]


class LetterRevokeSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500, help_text="Why the letter is revoked (required).")


LetterCheckSerializer = inline_serializer(
    "LetterCheck",
    {
        "valid": serializers.BooleanField(help_text="Issued and not revoked."),
        "number": serializers.CharField(allow_null=True),
        "date": serializers.DateField(allow_null=True),
        "kind": serializers.CharField(allow_null=True),
        "office": serializers.CharField(allow_null=True),
        "holder": serializers.CharField(allow_null=True, help_text="The holder's name, masked."),
    },
)


class LetterListFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Letter.Status.choices, required=False)
    kind = serializers.CharField(
        source="kind__code", max_length=30, required=False,
        help_text="A kind's code (`surat_rujukan`, `suket_dtsen`, `rekomendasi`, …).",
    )  # fmt: skip
    referral = StrictIntegerField(
        min_value=1, max_value=MAX_ID, required=False,
        help_text="The letters written for this referral (its letter, its recommendation).",
    )  # fmt: skip


class LetterPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if view.action == "create":
            return request.user.has_perm(services.DRAFT)
        if view.action in ("issue", "revoke"):
            return request.user.has_perm(services.ISSUE)
        if view.action == "discard":
            return request.user.has_perm(services.DRAFT)
        return request.user.has_perm("letters.view_letter")


class LetterViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = LetterSerializer
    permission_classes = [permissions.IsAuthenticated, LetterPermission]

    def get_queryset(self):
        queryset = letters_for(self.request.user).order_by("-drafted_at", "-pk")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__actor")
        return queryset

    @extend_schema(parameters=[LetterListFilter], responses=LetterListSerializer(many=True))
    def list(self, request: Request, *args, **kwargs) -> Response:
        """The letters of the user's area, newest first; by `status`, `kind` or `referral`."""
        # A plain dict: an empty value is refused as the schema says, not taken for none.
        filters = LetterListFilter(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(self.get_queryset().filter(**filters.validated_data))
        data = LetterListSerializer(page, many=True, context=self.get_serializer_context()).data
        personal_list_shown(
            actor=request.user, what=_("Letters"), rows=len(page),
            filters=request.query_params.urlencode(), path=request.path,
        )  # fmt: skip
        return self.get_paginated_response(data)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.letter_draft(
            actor=self.request.user, kind=data["kind"], person=data["person"],
            program=data.get("program"), referral=data.get("referral"), via=LetterEvent.Via.API,
        )  # fmt: skip

    def _fresh(self, letter: Letter) -> Response:
        fresh = self.get_queryset().prefetch_related("events__actor").get(pk=letter.pk)
        return Response(LetterSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None,
        responses={
            200: LetterSerializer,
            400: OpenApiResponse(description="Messages by field (`status`, `person`, `program`)."),
        },
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk=None) -> Response:
        """Issue a draft: it gets its `number` and its check `token`; its page is frozen."""
        letter = services.letter_issue(
            actor=request.user, letter=self.get_object(), via=LetterEvent.Via.API
        )
        return self._fresh(letter)

    @extend_schema(
        request=LetterRevokeSerializer,
        responses={200: LetterSerializer, 400: OpenApiResponse(description="`reason`, `status`.")},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk=None) -> Response:
        """Revoke an issued letter (`reason` required); its number is never given again."""
        letter = self.get_object()
        serializer = LetterRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letter = services.letter_revoke(
            actor=request.user, letter=letter, reason=serializer.validated_data["reason"],
            via=LetterEvent.Via.API,
        )  # fmt: skip
        return self._fresh(letter)

    @extend_schema(
        request=None,
        responses={200: LetterSerializer, 400: OpenApiResponse(description="`status`.")},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk=None) -> Response:
        """Discard a draft."""
        letter = services.letter_discard(
            actor=request.user, letter=self.get_object(), via=LetterEvent.Via.API
        )
        return self._fresh(letter)


class LetterVerifyView(APIView):
    """`GET /api/v1/letters/verify/{token}/`: the public check, as JSON."""

    authentication_classes: list = []  # reads no credentials, so asks for no CSRF token
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        auth=[],
        responses={
            200: LetterCheckSerializer,
            404: OpenApiResponse(
                LetterCheckSerializer, description="No such letter: every field null."
            ),
            429: OpenApiResponse(description="Too many checks from this address just now."),
        },
    )
    def get(self, request: Request, token: str) -> Response:
        """The public check of a letter by the token its QR code holds: valid or revoked,
        number, date, kind, office and the holder's masked name. Needs no sign-in. A token
        unknown and a token malformed answer alike."""
        try:
            answer = letter_check(token=token, address=client_address(request))
        except Limited:
            return Response({"detail": _("Too many checks just now. Try again later.")}, status=429)
        if answer is None:
            return Response(UNKNOWN, status=404)
        return Response(answer.as_json())
