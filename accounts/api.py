"""The API's view of the caller: who they are, their roles and working area."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.authentication import issue_token
from accounts.roles import user_roles
from accounts.selectors import staff_profile_of
from accounts.two_factor import confirmed_device_of, needs_two_factor


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    scope = serializers.CharField(allow_null=True, help_text="Region code, such as 52.72.")
    agency = serializers.CharField(allow_null=True)


class MeView(APIView):
    """The signed-in caller: a quick way for an integration to check its token."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        profile = staff_profile_of(request.user)
        data = {
            "username": request.user.get_username(),
            "name": request.user.get_full_name(),
            "roles": sorted(user_roles(request.user)),
            "scope": profile.scope_id if profile else None,
            "agency": profile.agency.name if profile and profile.agency else None,
        }
        return Response(MeSerializer(data).data)


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        max_length=8,
        help_text="The code of the authenticator app: required for supervisors and "
        "administrators where two-factor sign-in is required.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Token …`. It lasts API_TOKEN_LIFETIME seconds "
        "(a working day unless configured); asking again replaces it."
    )


class TokenView(ObtainAuthToken):
    """`POST username, password` (and `otp` for supervisors and administrators) →
    `{"token": …}`: a few tries a minute per address, and the account locked (django-axes)
    after repeated failures, as on the sign-in page. The token expires after
    `API_TOKEN_LIFETIME` seconds and is revoked when the user's roles, area, password or
    activity change (`accounts.authentication`)."""

    serializer_class = TokenRequestSerializer
    # The password is the credential here: an expired token a client still sends, or a
    # session, plays no part (and asks for no CSRF token).
    authentication_classes = []
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ObtainAuthToken names DRF's own
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        verified = False
        if needs_two_factor(user):
            device = confirmed_device_of(user)
            code = str(serializer.validated_data.get("otp", "")).replace(" ", "")
            if device is None:
                raise ValidationError({"otp": [_("Set up two-factor sign-in on the web first.")]})
            if not code.isdigit() or not device.verify_token(code):
                raise ValidationError(
                    {"otp": [_("Give the current code of your authenticator app.")]}
                )
            verified = True
        token = issue_token(user, verified_with_otp=verified)
        return Response({"token": token.key})
