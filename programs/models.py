"""Bodies that run social-protection programmes, their programmes and rules, who receives
what, and bulk screening runs."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.webhook_urls import validate_webhook_secret, validate_webhook_url
from regions.models import Region, within_q
from regions.time_zones import moment_text
from slrt.constraints import ConstraintsByField
from slrt.jobs import Job


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
        "regions.Region",
        verbose_name=_("region served"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    webhook_url = models.URLField(
        _("webhook URL"),
        blank=True,
        validators=[validate_webhook_url],
        help_text=_("The agency's public https address; signed as Standard Webhooks defines."),
    )
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        """The secret is checked with the fields, so only where a form shows it (the admin
        hides it from those who may not change the agency)."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "webhook_secret" not in (exclude or ()) and (self.webhook_url or self.webhook_secret):
            try:
                validate_webhook_secret(self.webhook_secret)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if "region" not in (exclude or ()) and "region" not in errors:
            try:
                self._check_region_keeps_its_households()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _check_region_keeps_its_households(self) -> None:
        """A region is not narrowed past a household whose referral the agency still
        answers or sends messages about: the administrator of the narrower area, who could
        then change the agency's e-mail and webhook, would receive them."""
        if self.pk is None or not self.region_id:
            return
        from referrals.models import Referral

        waiting = Referral.unsettled_q() | Referral.messages_waiting_q()
        outside = ~within_q(self.region_id, "household__region")
        if self.referrals.filter(waiting, outside).exists():
            raise ValidationError(
                {
                    "region": _(
                        "The agency still has referrals of households outside this region; "
                        "send them to another agency first."
                    )
                }
            )

    def serves(self, region_code: str) -> bool:
        """Whether the agency serves households of the village `region_code`: it lies inside
        the region the agency serves. Programmes are offered, and referrals sent, only to
        agencies that serve the household, so that whoever may change an agency's e-mail and
        webhook (`accounts.admin_scoping.agencies_managed_by`) covers every household whose
        referrals it receives."""
        return Region.code_is_within(region_code, self.region_id)

    @staticmethod
    def serving_q(region_code: str, agency_field: str) -> models.Q:
        """A filter keeping rows whose agency (at `agency_field`) serves `region_code`."""
        return models.Q(**{f"{agency_field}__region_id__in": Region.line_of(region_code)})


class NeedDomain(models.TextChoices):
    """What a household needs help with; programmes address domains, assessments record them."""

    HEALTH = "health", _("health")
    EDUCATION = "education", _("education")
    FOOD = "food", _("food")
    HOUSING = "housing", _("housing")
    ECONOMIC = "economic", _("economic")
    DISABILITY = "disability", _("disability")
    DOCUMENTS = "documents", _("civil documents")
    PROTECTION = "protection", _("protection")
    ELDERLY = "elderly", _("elderly")
    CHILDREN = "children", _("children")


def every_household() -> dict:
    """The rule of a service open to all (such as a registry-listing letter)."""
    return {"all": []}


class Program(models.Model):
    """A social-protection programme or service that households are referred to."""

    code = models.SlugField(_("code"), max_length=30, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Agency.Level.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="programs"
    )
    domains = models.JSONField(
        _("need domains addressed"),
        default=list,
        help_text=_("Codes of the need domains this programme addresses."),
    )
    description = models.TextField(_("description"), blank=True)
    # The documents a referral's file must hold (`referrals.selectors.referral_file`); what
    # else the agency asks for that is no document kind (a survey, a village's proposal) is
    # written in `required_documents`.
    required_kinds = models.ManyToManyField(
        "documents.DocumentKind",
        verbose_name=_("required documents"),
        blank=True,
        related_name="programs",
        help_text=_("The documents a referral to this programme must carry."),
    )
    required_documents = models.TextField(
        _("other requirements"),
        blank=True,
        help_text=_("What else the agency asks for that is not a document, such as a field "
                    "survey or the village's proposal."),
    )  # fmt: skip
    response_days = models.PositiveSmallIntegerField(
        _("working days to acknowledge a referral"), default=3
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("working days to settle a referral"), default=30
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The decision before sending (penetapan): a referral to a programme that needs one waits
    # in `awaiting_decision` until an approver sends it or returns it (`referrals.services`).
    requires_decision = models.BooleanField(
        _("needs a decision before sending"),
        default=False,
        help_text=_("Referrals wait for an approver (penetapan) before they reach the agency."),
    )
    emergency_skips_decision = models.BooleanField(
        _("emergencies are sent without a decision"),
        default=False,
        help_text=_("Referrals of emergency complaints go to the agency at once."),
    )
    # The emergency lane: a referral of an emergency complaint is due in hours, not days.
    emergency_hours = models.PositiveSmallIntegerField(
        _("hours to settle an emergency referral"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    # A reactivation programme (PBI-JK): its referrals record the facility's letter, the
    # recommendation and the upload to the national system (`referrals.ReactivationRecord`).
    is_reactivation = models.BooleanField(
        _("reactivation programme"),
        default=False,
        help_text=_("Its referrals record the upload to the national system and its result."),
    )
    rule = models.JSONField(
        _("eligibility rule"),
        default=every_household,
        help_text=_('JSON, such as {"all": [{"field": "desil", "op": "lte", "value": 4}]}.'),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def needs_decision(self, *, emergency: bool) -> bool:
        """Whether a referral to the programme (of an emergency complaint or not) waits for
        a decision before it is sent."""
        return self.requires_decision and not (emergency and self.emergency_skips_decision)

    def clean(self) -> None:
        from programs.rules import validate_rule

        errors = {}
        try:
            known = set(Program.objects.values_list("code", flat=True)) | {self.code}
            validate_rule(self.rule, known_programs=known)
        except ValidationError as error:
            errors["rule"] = error.messages
        domains = self.domains if isinstance(self.domains, list) else None
        if domains is None or any(d not in NeedDomain.values for d in domains):
            errors["domains"] = _("Use domain codes from: %(codes)s.") % {
                "codes": ", ".join(NeedDomain.values)
            }
        if errors:
            raise ValidationError(errors)


class EnrollmentQuerySet(models.QuerySet):
    def active(self) -> "EnrollmentQuerySet":
        """The enrolments the household is receiving now."""
        return self.filter(Enrollment.active_q())

    def program_codes(self) -> set[str]:
        """The codes of their programmes, as the rules' `enrolled` clause reads them."""
        return set(self.values_list("program__code", flat=True))


class Enrollment(ConstraintsByField, models.Model):
    """A household already receiving a programme."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="enrollments"
    )
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    is_active = models.BooleanField(_("receiving now"), default=True)
    source = models.CharField(_("source"), max_length=60, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "program"],
                name="one_enrollment_per_programme",
                violation_error_message=_("The household is enrolled in this programme already."),
            )
        ]
        indexes = [models.Index(fields=["program", "is_active"], name="enrollment_program_idx")]

    constraint_fields = {"one_enrollment_per_programme": "program"}

    def __str__(self) -> str:
        return f"{self.household_id} · {self.program_id}"

    @staticmethod
    def active_q(path: str = "") -> models.Q:
        """Receiving now: the one rule, for `Enrollment.objects.active()` and for joins from
        a household (`path="enrollments"`)."""
        return models.Q(**{f"{path}__is_active" if path else "is_active": True})


class ScreeningRun(Job):
    """One bulk screening of a programme over a region: a background job (`slrt.jobs`).
    Its progress counts the findings written (how many there will be is not known before).

    The findings are kept as CSV text in the database, so that any web process can serve the
    download whichever worker machine wrote it.
    """

    run_task = "programs.tasks.screen_program"

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    screened_on = models.DateField(_("rules applied as of"), null=True, blank=True)
    rule = models.JSONField(_("rule applied"), null=True, blank=True)
    households_screened = models.PositiveIntegerField(_("households screened"), null=True)
    exclusion_count = models.PositiveIntegerField(_("qualify, not enrolled"), default=0)
    inclusion_count = models.PositiveIntegerField(_("enrolled, no longer qualify"), default=0)
    findings_csv = models.TextField(_("findings (CSV)"), blank=True)

    class Meta(Job.Meta):
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")

    def __str__(self) -> str:
        return f"{self.program_id} · {self.region_id} · {moment_text(self.requested_at)}"

    @property
    def findings_written(self) -> int:
        return self.exclusion_count + self.inclusion_count


class InclusionErrorFlag(models.Model):
    """A household an upheld objection (or another finding in the field) says should not
    be receiving: screening lists it as a possible inclusion error for every programme it is
    enrolled in, whatever the rule says, until the flag is removed."""

    household = models.OneToOneField(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="inclusion_error_flag",
    )
    reason = models.CharField(_("reason"), max_length=500)
    flagged_at = models.DateTimeField(_("flagged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("possible inclusion error")
        verbose_name_plural = _("possible inclusion errors")

    def __str__(self) -> str:
        return str(self.household_id)
