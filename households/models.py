"""The registry: regions (Kemendagri codes) and the households that live in them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """A province, regency/city, district or village, keyed by its dotted Kemendagri code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("regency/city")
        DISTRICT = 3, _("district")
        VILLAGE = 4, _("village")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="region_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def ancestor_codes_of(code: str) -> list[str]:
        """`52.72.01.1001` → `['52', '52.72', '52.72.01']`: the codes above, widest first."""
        parts = code.split(".")
        return [".".join(parts[:depth]) for depth in range(1, len(parts))]

    @staticmethod
    def code_is_within(code: str, scope_code: str) -> bool:
        """Whether `code` is `scope_code` itself or lies below it."""
        return code == scope_code or code.startswith(scope_code + ".")


class Household(models.Model):
    """A family card (KK) household living in one village."""

    kk_number = models.CharField(
        _("family card (KK) number"), max_length=16, unique=True, null=True, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    address = models.CharField(_("address"), max_length=255)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return _("Household %(id)s, %(address)s") % {"id": self.pk, "address": self.address}
