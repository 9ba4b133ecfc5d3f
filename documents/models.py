"""Documents (*berkas*): the files of a household's records, their kinds and how long each
kind is kept. A document belongs to one record (its owner: a household, a person, a
complaint, a referral, a visit or a registry proposal) and always to the household that
record is about, which is what scope reads."""

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _


def document_storage() -> Storage:
    """Where documents' files are kept: `STORAGES["documents"]` (the file system under
    MEDIA_ROOT, or an S3-compatible store; docs/DOCUMENTS.md). Never read by URL."""
    return storages["documents"]


class DocumentKind(models.Model):
    """What a document is (KTP, KK, SKTM, a photo of the house …): data, kept by admins.

    A programme's required documents are kinds; so are a visit's photos."""

    code = models.SlugField(_("code"), max_length=30, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=300, blank=True)
    images_only = models.BooleanField(
        _("photos only"), default=False, help_text=_("Refuse PDFs for this kind (house photos).")
    )
    retention_days = models.PositiveIntegerField(
        _("kept for (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the office's default (SLRT_DOCUMENT_RETENTION_DAYS)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    class Owner(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        PERSON = "person", _("person")
        COMPLAINT = "complaint", _("complaint")
        REFERRAL = "referral", _("referral")
        VISIT = "visit", _("home visit")
        PROPOSAL = "proposal", _("registry proposal")
        OBJECTION = "objection", _("objection")
        BATCH = "batch", _("proposal batch")

    kind = models.ForeignKey(
        DocumentKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="documents"
    )
    # The household the owner is about: scope is read from its village.
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    owner_type = models.CharField(_("belongs to"), max_length=20, choices=Owner.choices)
    owner_id = models.PositiveBigIntegerField(_("record"))
    file = models.FileField(_("file"), max_length=255, storage=document_storage)
    thumbnail = models.FileField(
        _("thumbnail"), max_length=255, blank=True, storage=document_storage
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="document_owner"),
            models.Index(fields=["household", "kind"], name="document_household_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The name a download is saved under: the uploaded name, with the extension of
        what is stored (photos are kept as JPEG whatever they came as)."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else ""
        extension = "jpg" if self.is_image else "pdf"
        return f"{stem or self.kind.code}.{extension}"
