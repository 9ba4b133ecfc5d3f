"""Home visits (*kunjungan rumah*): a facilitator checks a household in the field. A visit
records what was observed; it changes the registry only through the back office's review of
each difference (`VisitFinding`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The registry's housing and asset variables a facilitator observes (fields of
# `households.Household`), in the order the visit form asks them.
OBSERVED_FIELDS = (
    "floor_material",
    "wall_material",
    "roof_material",
    "floor_area",
    "water_source",
    "lighting",
    "cooking_fuel",
    "toilet",
    "tenure",
    "monthly_income",
    "owns_land",
    "owns_other_house",
    "owns_refrigerator",
    "owns_air_conditioner",
    "owns_motorcycle",
    "owns_car",
    "owns_gold",
)


class Visit(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ASSIGNED = "assigned", _("assigned")
        SUBMITTED = "submitted", _("submitted")
        REVIEWED = "reviewed", _("reviewed")
        CANCELLED = "cancelled", _("cancelled")

    class Verdict(models.TextChoices):
        LAYAK = "layak", _("eligible (layak)")
        TIDAK_LAYAK = "tidak_layak", _("not eligible (tidak layak)")
        TIDAK_DITEMUKAN = "tidak_ditemukan", _("not found (tidak ditemukan)")
        PINDAH = "pindah", _("moved (pindah)")
        MENINGGAL = "meninggal", _("died (meninggal)")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    # What asked for the visit; its verdict flows back there. At most one is set: a visit
    # asked for at the desk has none.
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    reason = models.TextField(_("reason"), max_length=1000)
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    # Raised by every write: a form sent with an older version is refused, never applied.
    version = models.PositiveIntegerField(_("version"), default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_assigned",
    )

    # What the facilitator recorded.
    met_name = models.CharField(_("person met"), max_length=150, blank=True)
    members_present = models.ManyToManyField(
        "households.Person", verbose_name=_("members present"), blank=True, related_name="+"
    )
    observed = models.JSONField(_("observed"), default=dict, blank=True)
    gps_consent = models.BooleanField(_("resident agreed to record the location"), default=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    no_location_reason = models.CharField(_("why no location"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        indexes = [
            models.Index(fields=["status", "due"], name="visit_status_due"),
            models.Index(fields=["assignee", "status"], name="visit_assignee_status"),
        ]

    def __str__(self) -> str:
        return _("Home visit #%(number)s") % {"number": self.pk}


class VisitFinding(models.Model):
    """One difference between what a visit observed and what the registry records, and the
    back office's decision on it: accepted (the registry takes the observed value) or
    refused (it keeps its own)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="findings"
    )
    field = models.CharField(_("variable"), max_length=40)
    recorded = models.JSONField(_("recorded"), null=True, blank=True)
    observed = models.JSONField(_("observed"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("observed difference")
        verbose_name_plural = _("observed differences")
        constraints = [
            models.UniqueConstraint(fields=["visit", "field"], name="visit_finding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.field}"


class VisitEvent(models.Model):
    class Action(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ASSIGNED = "assigned", _("assigned")
        SUBMITTED = "submitted", _("submitted")
        FINDING_ACCEPTED = "finding_accepted", _("difference accepted")
        FINDING_REFUSED = "finding_refused", _("difference refused")
        REVIEWED = "reviewed", _("reviewed")
        CANCELLED = "cancelled", _("cancelled")
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        constraints = [
            # Reminders and escalations are sent once per visit.
            models.UniqueConstraint(
                fields=["visit", "action"],
                condition=models.Q(action__in=["reminder", "escalation"]),
                name="visit_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.action}"
