"""The API's view of the caller: who they are, their roles and working area."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.roles import user_roles
from accounts.selectors import staff_profile_of


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


class TokenView(ObtainAuthToken):
    """`POST username, password` → `{"token": …}`: a few tries a minute per address, and the
    account locked (django-axes) after repeated failures, as on the sign-in page."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"
