"""Complaints (keluhan): what a resident asks the SLRT office for, and what became of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.phones import Reachable, contact_constraint
from programs.models import NeedDomain
from regions.time_zones import moment_text
from slrt.constraints import ConstraintsByField

DEFAULT_RESOLUTION_DAYS = 14


class ComplaintCategory(models.Model):
    """A node of the category tree (seeded, editable in the admin)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("working days to resolve"), default=DEFAULT_RESOLUTION_DAYS
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (English where one is given)."""
        from django.utils.translation import get_language

        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


DESCRIPTION_MAX_LENGTH = 2000


class Complaint(ConstraintsByField, Reachable, models.Model):
    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("walk-in")
        PHONE = "phone", _("phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        HOME_VISIT = "home_visit", _("home visit")
        ONLINE = "online", _("online")
        REFERRAL_IN = "referral_in", _("referred by another body")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("normal")
        URGENT = "urgent", _("urgent")
        EMERGENCY = "emergency", _("emergency")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        ASSESSED = "assessed", _("assessed")
        REFERRED = "referred", _("referred")
        FOLLOW_UP = "follow_up", _("follow-up")
        CLOSED = "closed", _("closed")

    # The statuses that allow the case work: the needs are assessed (again) until the
    # complaint is referred; it is referred once assessed and until it is closed.
    ASSESSABLE_STATUSES = frozenset({Status.REGISTERED, Status.ASSESSED})
    REFERABLE_STATUSES = frozenset({Status.ASSESSED, Status.REFERRED, Status.FOLLOW_UP})

    class ClosureReason(models.TextChoices):
        SERVED = "served", _("served")
        NOT_ELIGIBLE = "not_eligible", _("not eligible")
        HANDLED_DIRECTLY = "handled_directly", _("handled directly")
        WITHDRAWN = "withdrawn", _("withdrawn")
        UNREACHABLE = "unreachable", _("unreachable")
        DUPLICATE = "duplicate", _("duplicate")

    ticket_number = models.CharField(_("ticket number"), max_length=24, unique=True)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant = models.ForeignKey(
        "households.Person",
        verbose_name=_("complainant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    complainant_name = models.CharField(
        _("complainant's name"),
        max_length=150,
        blank=True,
        help_text=_("For a caller who is not a registered member."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT
    )
    # As long as a desk's note of what the resident said needs; the forms, the API and the
    # page's counter (static/js/text_counter.js) take the limit from here.
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    consent_given = models.BooleanField(
        _("consent to share data"),
        default=False,
        help_text=_("The resident agrees that their data go to the bodies they are referred to."),
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    # How to reach the complainant about this complaint (`households.phones.Reachable`'s
    # fields): the member's own, unless the desk was given another.

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    service_point = models.CharField(_("service point"), max_length=120, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    first_action_due = models.DateField(_("first action due"))
    first_action_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    resolution_due = models.DateField(_("resolution due"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "resolution_due"], name="complaint_queue_idx"),
            models.Index(fields=["registered_at"], name="complaint_registered_idx"),
            # The lists' order (due first): walked, not sorted, on a million complaints.
            models.Index(
                fields=["resolution_due", "registered_at", "id"], name="complaint_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closure_reason__gt="")
                | (~models.Q(status="closed") & models.Q(closure_reason="")),
                name="complaint_closed_has_reason",
                violation_error_message=_(
                    "A closed complaint has a closure reason, and an open one has none."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(complainant__isnull=False) | models.Q(complainant_name__gt=""),
                name="complaint_has_complainant",
                violation_error_message=_("Choose a member or write the complainant's name."),
            ),
            contact_constraint("complaint"),
        ]

    constraint_fields = {
        "complaint_closed_has_reason": "closure_reason",
        "complaint_has_complainant": "complainant_name",
        "complaint_contact_with_phone_and_consent": "contact_channel",
    }

    def __str__(self) -> str:
        return self.ticket_number

    # Open, the one rule: in SQL for the queues and the overdue rule, in Python for the pages.
    @staticmethod
    def open_q() -> models.Q:
        """Not closed."""
        return ~models.Q(status=Complaint.Status.CLOSED)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    # Overdue, the one rule: in SQL for lists and the admin, in Python for the pages.
    @staticmethod
    def overdue_q(day) -> models.Q:
        """Past its resolution date and not closed, or past its first-action date untouched."""
        return Complaint.open_q() & (
            models.Q(resolution_due__lt=day)
            | models.Q(first_action_at__isnull=True, first_action_due__lt=day)
        )

    def is_overdue_on(self, day) -> bool:
        """Past its resolution date and not closed, or past its first-action date untouched."""
        if not self.is_open:
            return False
        return self.resolution_due < day or (
            self.first_action_at is None and self.first_action_due < day
        )

    @property
    def complainant_display(self) -> str:
        return self.complainant.name if self.complainant else self.complainant_name


class ComplaintEvent(models.Model):
    """One step of a complaint's timeline: a status change, an assignment, a note."""

    class Via(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("API")
        SYSTEM = "system", _("system")

    class Action(models.TextChoices):
        REGISTERED = "registered", _("registered")
        STATUS = "status", _("status change")
        ASSIGNED = "assigned", _("assigned")
        CONSENT = "consent", _("consent recorded")
        ASSESSED = "assessed", _("assessed again")
        VISIT_DONE = "visit_done", _("home visit reviewed")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Complaint.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Complaint.Status.choices, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.WEB)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action} {moment_text(self.at)}"


class TicketCounter(models.Model):
    """The last ticket number given in one regency in one year."""

    regency_code = models.CharField(max_length=5)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["regency_code", "year"],
                name="ticket_counter_once",
                violation_error_message=_("This regency has a ticket counter for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.regency_code}/{self.year}: {self.last_number}"


class Assessment(models.Model):
    """What the back office found the household needs, by domain."""

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="assessment"
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.complaint_id}"

    @property
    def domains(self) -> list[str]:
        return [need.domain for need in self.needs.all()]


class Need(ConstraintsByField, models.Model):
    class Severity(models.IntegerChoices):
        LOW = 1, _("light")
        MEDIUM = 2, _("moderate")
        HIGH = 3, _("severe")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("domain"), max_length=20, choices=NeedDomain.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-severity", "domain"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"],
                name="one_need_per_domain",
                violation_error_message=_("This domain is listed twice."),
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=3),
                name="need_severity_1_to_3",
                violation_error_message=_("The severity is 1, 2 or 3."),
            ),
        ]

    constraint_fields = {"one_need_per_domain": "domain", "need_severity_1_to_3": "severity"}

    def __str__(self) -> str:
        return f"{self.domain} ({self.severity})"


class PublicPage(models.TextChoices):
    STATUS = "status", _("status check")
    SURVEY = "survey", _("satisfaction survey")


class StatusLookup(models.Model):
    """One look-up on the public status page (`/status/`): the ticket as typed, the
    complaint it named when the digits matched, and the caller's address; never the digits
    typed. The page's rate limits count these rows, so they hold across every web process."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    ticket = models.CharField(_("ticket as typed"), max_length=24)
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("address"))
    limited = models.BooleanField(_("refused by the rate limit"), default=False)
    # The public page looked up: the status check (a ticket) or a survey link (no ticket, and
    # never the token: it is the link's secret). Each page's limits count its own rows.
    page = models.CharField(
        _("public page"), max_length=10, choices=PublicPage.choices, default=PublicPage.STATUS
    )

    class Meta:
        verbose_name = _("status look-up")
        verbose_name_plural = _("status look-ups")
        indexes = [
            models.Index(fields=["address", "at"], name="status_lookup_address_at"),
            models.Index(fields=["ticket", "at"], name="status_lookup_ticket_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.at:%Y-%m-%d %H:%M}"


# The nine elements of PermenPANRB 14/2017's survey, as the model's fields name them.
SURVEY_ELEMENTS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")


def _all_elements(**lookup) -> models.Q:
    """`lookup` (such as `isnull=True`) holding for each of the nine answers."""
    return models.Q(
        **{
            f"{element}__{name}": value
            for element in SURVEY_ELEMENTS
            for name, value in lookup.items()
        }
    )


class SatisfactionSurvey(ConstraintsByField, models.Model):
    """The resident's satisfaction survey (SKM, PermenPANRB 14/2017) of one closed
    complaint: made, with its link's token, when the complaint is closed; answered once,
    by the link or at the desk. The nine elements are scored 1–4; what they ask is
    `complaints.survey.ELEMENTS`."""

    class Via(models.TextChoices):
        LINK = "link", _("survey link")
        DESK = "desk", _("at the desk")

    complaint = models.OneToOneField(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="satisfaction_survey",
    )
    token = models.CharField(_("link token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    u1 = models.PositiveSmallIntegerField(_("U1 requirements"), null=True, blank=True)
    u2 = models.PositiveSmallIntegerField(
        _("U2 systems, mechanisms and procedures"), null=True, blank=True
    )
    u3 = models.PositiveSmallIntegerField(_("U3 completion time"), null=True, blank=True)
    u4 = models.PositiveSmallIntegerField(_("U4 cost/tariff"), null=True, blank=True)
    u5 = models.PositiveSmallIntegerField(
        _("U5 product specification of the kind of service"), null=True, blank=True
    )
    u6 = models.PositiveSmallIntegerField(_("U6 competence of the staff"), null=True, blank=True)
    u7 = models.PositiveSmallIntegerField(_("U7 conduct of the staff"), null=True, blank=True)
    u8 = models.PositiveSmallIntegerField(
        _("U8 handling of complaints, suggestions and feedback"), null=True, blank=True
    )
    u9 = models.PositiveSmallIntegerField(
        _("U9 facilities and infrastructure"), null=True, blank=True
    )
    suggestion = models.TextField(_("suggestion"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(
        _("answered through"), max_length=10, choices=Via.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["answered_at"], name="survey_answered_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=_all_elements(isnull=True) | _all_elements(gte=1, lte=4),
                name="survey_scores_1_to_4",
                violation_error_message=_("Each answer is 1, 2, 3 or 4."),
            ),
            # Answered means all nine answers, when and how; unanswered, none of them.
            models.CheckConstraint(
                condition=(
                    models.Q(answered_at__isnull=False, answered_via__gt="")
                    & _all_elements(isnull=False)
                )
                | (
                    models.Q(answered_at__isnull=True, answered_via="") & _all_elements(isnull=True)
                ),
                name="survey_answered_whole",
                violation_error_message=_("Answer all nine questions."),
            ),
        ]

    constraint_fields = {"survey_scores_1_to_4": "u1", "survey_answered_whole": "u1"}

    def __str__(self) -> str:
        return f"{self.complaint}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def scores(self) -> list[int | None]:
        return [getattr(self, element) for element in SURVEY_ELEMENTS]
