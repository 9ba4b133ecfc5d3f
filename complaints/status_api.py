"""`POST /api/v1/status/`: the public status check of `/status/` for other channels (a
chatbot, an app). The same look-up, limits and answer: `complaints.public_status`."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import client_address
from complaints.public_status import Limited, complaint_status_lookup
from slrt.serializers import StrictCharField


class PlainTextField(StrictCharField):
    """A string PostgreSQL can store: no NUL (DRF refuses it) and no half of a surrogate
    pair (which JSON can carry and no database takes)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("invalid")
        return value


class StatusRequestSerializer(serializers.Serializer):
    ticket = PlainTextField(max_length=40, help_text="The ticket number, as SLRT-5272-2026-000123.")
    last4 = PlainTextField(
        min_length=4,
        max_length=4,
        validators=[
            RegexValidator(
                r"^[0-9]{4}\Z", message=gettext_lazy("Write the last four digits, numbers only.")
            )
        ],
        help_text="The last four digits of the complainant's NIK or phone number.",
    )


class StatusAnswerSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    stage = serializers.CharField(help_text="Where the complaint is.")
    last_step = serializers.DateField(help_text="The day of its last step, in its office's zone.")
    next_step = serializers.CharField(help_text="What happens next.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class StatusView(APIView):
    """The stage of a complaint, the day of its last step and what happens next, for its
    ticket number and the last four digits of the complainant's NIK or phone: nothing else.
    No sign-in; rate-limited per address and per ticket; an unknown ticket and wrong digits
    get the same answer. The digits are neither stored nor logged."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=StatusRequestSerializer,
        responses={
            200: StatusAnswerSerializer,
            400: OpenApiResponse(description="`ticket` or `last4` not well formed, by field."),
            404: OpenApiResponse(
                DetailSerializer,
                description="No complaint has this ticket number and these digits.",
            ),
            429: OpenApiResponse(
                DetailSerializer, description="Too many look-ups just now; try again later."
            ),
        },
        tags=["status"],
    )
    def post(self, request: Request) -> Response:
        given = StatusRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            found = complaint_status_lookup(
                ticket=given.validated_data["ticket"],
                last4=given.validated_data["last4"],
                address=client_address(request),
            )
        except Limited:
            return Response(
                {"detail": _("Too many look-ups just now. Try again in a quarter of an hour.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if found is None:
            return Response(
                {
                    "detail": _(
                        "No complaint matches this ticket number and these digits. Check "
                        "both on your receipt, or ask at the office."
                    )
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        answer = StatusAnswerSerializer(
            {
                "ticket": found.ticket,
                "stage": str(found.stage),
                "last_step": found.last_step,
                "next_step": str(found.next_step),
            }
        )
        return Response(answer.data)
