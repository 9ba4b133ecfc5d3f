"""`/api/v1/programs/`: the catalogue, each programme with its eligibility rule (read-only;
programmes are edited in the admin)."""

from rest_framework import permissions, serializers, viewsets

from programs.models import Program


class ProgramSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    domains = serializers.ListField(child=serializers.CharField(), read_only=True)
    rule = serializers.JSONField(read_only=True)
    required_kinds = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text="Codes of the document kinds a referral's file must hold (`kk`, `sktm`, …).",
    )

    class Meta:
        model = Program
        fields = [
            "code",
            "name",
            "level",
            "agency",
            "domains",
            "description",
            "required_kinds",
            "required_documents",
            "response_days",
            "resolution_days",
            "is_active",
            "rule",
        ]


class CanViewPrograms(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("programs.view_program")


class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes by code (`/api/v1/programs/PKH/`), inactive ones included and marked."""

    serializer_class = ProgramSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewPrograms]
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = (
        Program.objects.select_related("agency").prefetch_related("required_kinds").order_by("code")
    )
