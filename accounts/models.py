"""Staff profiles: where a user works (scope), and for agency officers, for whom."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StaffProfile(models.Model):
    """What a staff user may see: households in `scope`, and their agency's referrals."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    scope = models.ForeignKey(
        "households.Region",
        verbose_name=_("scope"),
        help_text=_("The user sees only households in this region. Empty: sees none."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "programs.Agency",
        verbose_name=_("agency"),
        help_text=_("For agency officers: the body whose referrals they answer."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    service_point = models.CharField(
        _("service point"),
        max_length=120,
        blank=True,
        help_text=_("The SLRT desk or Puskesos where the user works."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
