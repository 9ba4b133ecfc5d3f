"""`/api/v1/documents/`: upload (multipart), list by owner, read, and `download/`, with the
web's scope: what `documents.selectors.documents_for` gives, and uploads only to records the
owner app's scoped selector gives."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts.services import personal_list_shown
from documents import services
from documents.models import Document
from documents.selectors import documents_for, reads_documents
from documents.views import document_file_response
from households.masking import mask_free_text
from slrt.serializers import StrictCharField
from slrt.uploads import limits_uploads

MAX_ID = 2**63 - 1


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download = serializers.SerializerMethodField(help_text="Where the file is streamed from.")

    class Meta:
        model = Document
        fields = [
            "id", "kind", "owner_type", "owner_id", "original_name", "content_type", "size",
            "sha256", "uploaded_by", "uploaded_at", "download",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download(self, document: Document) -> str:
        return reverse(
            "api:document-download", args=[document.pk], request=self.context.get("request")
        )


class DocumentUploadSerializer(serializers.Serializer):
    owner_type = serializers.ChoiceField(choices=Document.Owner.choices)
    owner_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = StrictCharField(max_length=30, help_text="A document kind's code (`ktp`, `kk`, …).")
    file = serializers.FileField(
        help_text="A photo (JPEG, PNG, WebP) or a PDF, checked by its content; photos are "
        "stored re-encoded as JPEG."
    )


class DocumentOwnerFilter(serializers.Serializer):
    owner_type = serializers.ChoiceField(choices=Document.Owner.choices)
    owner_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ReadsDocuments(permissions.BasePermission):
    """Registry roles, and the users some reader gives documents to; nobody else."""

    def has_permission(self, request, view) -> bool:
        return reads_documents(request.user)


@limits_uploads(services.document_max_bytes)
class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DocumentSerializer
    permission_classes = [permissions.IsAuthenticated, ReadsDocuments]

    def get_queryset(self):
        return documents_for(self.request.user)

    parser_classes = [MultiPartParser]  # a file, and the fields naming what it belongs to

    def perform_content_negotiation(self, request, force=False):
        # A download answers the file's own type whatever the client accepts.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        parameters=[DocumentOwnerFilter],
        responses=DocumentSerializer(many=True),
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        """The documents of one record (`owner_type` and `owner_id`, both required)."""
        owner = DocumentOwnerFilter(data=request.query_params)
        owner.is_valid(raise_exception=True)
        documents = self.get_queryset().filter(**owner.validated_data)
        page = self.paginate_queryset(documents)
        data = self.get_serializer(page, many=True).data
        for item in data:
            mask_free_text(item, ("original_name",))  # a scan saved under its NIK: masked
        personal_list_shown(
            actor=request.user,
            what=_("Documents"),
            rows=len(page),
            filters=request.query_params.urlencode(),
            path=request.path,
        )
        return self.get_paginated_response(data)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            400: OpenApiResponse(
                description="Refused (not a photo or PDF, too large, damaged, a kind or a "
                "record that is not there): messages by field, nothing stored."
            ),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Attach a photo or a PDF to a record of the caller's area. A file past
        `SLRT_DOCUMENT_MAX_MB` is not received: 400 on `file`."""
        request.data  # noqa: B018 (read through the view's limit, if no middleware did)
        if getattr(request._request, "upload_too_large", False):
            raise ValidationError({"file": [services.document_too_large_message()]})
        unknown = set(request.data) - set(DocumentUploadSerializer().fields)
        if unknown:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
                    ]
                }
            )
        upload = DocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        document = services.document_upload(
            actor=request.user,
            owner_type=data["owner_type"],
            owner_id=data["owner_id"],
            kind_code=data["kind"],
            upload=data["file"],
        )
        document = self.get_queryset().get(pk=document.pk)
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk=None):
        """The document's file, as an attachment; written to the access log."""
        document = self.get_object()
        return document_file_response(request._request, document, document.file, inline=False)
