"""Bodies that run social-protection programmes, and (later) their programmes and rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A body that receives referrals: a ministry office, a Dinas, BAZNAS, an NGO."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("central government")
        PROVINCIAL = "provincial", _("provincial government")
        MUNICIPAL = "municipal", _("regency/city government")
        NON_GOVERNMENT = "non_government", _("non-government")

    name = models.CharField(_("name"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    region = models.ForeignKey(
        "households.Region",
        verbose_name=_("region served"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name
