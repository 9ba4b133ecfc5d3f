"""Referrals (rujukan) of a complaint's household to a programme's agency and their story. The
messages that carry them to the agency are the outbox's (`outbox.models.Dispatch`, topic
"referral": `referrals.messages`)."""

import math
import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.models import Dispatch
from programs import verdicts
from slrt.constraints import ConstraintsByField


class Referral(ConstraintsByField, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        # Its programme needs a decision (penetapan) before it is sent: not with the agency yet.
        AWAITING_DECISION = "awaiting_decision", _("awaiting decision")
        SENT = "sent", _("sent")
        RECEIVED = "received", _("received by the agency")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    # The statuses that hold a complaint's place with a programme: while one of its referrals
    # to the programme is in one of them, the complaint is not referred there again. A
    # completed referral holds it too (the household was served; a new need is a new
    # complaint); a rejected or cancelled one frees it.
    BLOCKING_STATUSES = frozenset(
        {
            Status.DRAFT, Status.AWAITING_DECISION, Status.SENT, Status.RECEIVED,
            Status.IN_PROGRESS, Status.COMPLETED,
        }
    )  # fmt: skip

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # The complaint's household, kept here so that scope filters need no join.
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    program = models.ForeignKey(
        "programs.Program", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "programs.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    notes = models.TextField(_("notes for the agency"), blank=True)
    # Written when the referral is sent with documents of its file missing: what the sender
    # tells the agency about them (`referrals.services.incomplete_file_note`).
    incomplete_note = models.TextField(_("note on the missing documents"), blank=True)
    eligible = models.BooleanField(
        _("qualifies under the programme's rule"),
        help_text=_("As the rule found when the referral was made."),
    )
    eligibility_summary = models.CharField(
        _("verdict under the programme's rule"),
        max_length=verdicts.MAX_LENGTH,
        blank=True,
        help_text=_("The verdict in a sentence, as the rule found when the referral was made: "
                    "what the letter prints."),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    outcome_note = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    response_due = models.DateField(_("acknowledgement due"), null=True, blank=True)
    resolution_due = models.DateField(_("settlement due"), null=True, blank=True)
    # The emergency lane (a complaint of urgency `emergency`): settled within the programme's
    # `emergency_hours` of being sent, reminded at half time (`Referral.late_to_settle_q`).
    due_at = models.DateTimeField(_("emergency: settlement due at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("emergency: reminder at"), null=True, blank=True)
    # The decision before sending (penetapan): who approved or returned it, when, and the
    # note of a return (what the sender must change).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note of the decision"), blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The referral's place among its complaint's referrals (1, 2, …): its number's R1, R2.
    sequence = models.PositiveIntegerField(_("number within the complaint"), editable=False)
    # Optimistic locking: every change adds one; a change made from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [
            ("decide_referral", _("Can decide referrals before they are sent (penetapan)")),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="referral_agency_idx"),
            models.Index(fields=["status", "response_due"], name="referral_sla_idx"),
            models.Index(fields=["-created_at", "-id"], name="referral_newest_idx"),
        ]

    # Meta's body cannot see the class's names: the constraint is added once they exist.
    Meta.constraints = [
        models.UniqueConstraint(
            fields=["complaint", "program"],
            condition=models.Q(status__in=sorted(BLOCKING_STATUSES)),
            name="one_open_referral_per_programme",
            violation_error_message=_("The complaint is referred to this programme already."),
        ),
        models.UniqueConstraint(
            fields=["complaint", "sequence"],
            name="referral_sequence_per_complaint",
            violation_error_message=_("This number is given to another referral already."),
        ),
    ]

    constraint_fields = {"one_open_referral_per_programme": "program"}

    def __str__(self) -> str:
        return self.number

    FINAL = frozenset({Status.COMPLETED, Status.REJECTED, Status.CANCELLED})
    # With the agency: sent and not settled. While a referral is, its agency's officers read
    # its file and may ask for what it lacks.
    AT_AGENCY = frozenset({Status.SENT, Status.RECEIVED, Status.IN_PROGRESS})
    # Not sent yet: the agency does not see it (`referrals.selectors.agency_referrals_q`).
    NOT_SENT = frozenset({Status.DRAFT, Status.AWAITING_DECISION})
    # The agency's answers: final, each with its outcome note (what was received, or why not).
    ANSWERED = frozenset({Status.COMPLETED, Status.REJECTED})

    # The outbox's topic of a referral's messages to its agency (`referrals.messages`).
    OUTBOX_TOPIC = "referral"

    @property
    def dispatches(self) -> models.QuerySet[Dispatch]:
        """The outbox rows about this referral: its messages to the agency."""
        return Dispatch.objects.filter(topic=self.OUTBOX_TOPIC, subject_id=self.pk)

    @staticmethod
    def messages_waiting_q() -> models.Q:
        """Referrals with a message to their agency not delivered yet (pending or failed)."""
        waiting = Dispatch.objects.filter(
            topic=Referral.OUTBOX_TOPIC,
            status__in=[Dispatch.Status.PENDING, Dispatch.Status.FAILED],
        )
        return models.Q(pk__in=waiting.values("subject_id"))

    @staticmethod
    def unsettled_q() -> models.Q:
        """Not final: the SQL twin of `not is_final`."""
        return ~models.Q(status__in=Referral.FINAL)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_emergency(self) -> bool:
        """In the emergency lane: due in hours (`due_at`), not in working days."""
        return self.due_at is not None

    # Late, the one rule: in SQL for the sweep and the admin, in Python for the pages. A
    # referral in the emergency lane is judged by the hour (`now`, by default the present),
    # the others by the day.
    @staticmethod
    def late_to_acknowledge_q(day, now=None) -> models.Q:
        """Sent, and its acknowledgement was due before `day` (an emergency: its deadline
        has passed)."""
        return models.Q(status=Referral.Status.SENT) & Referral._past_due_q(
            day, now, "response_due"
        )

    @staticmethod
    def late_to_settle_q(day, now=None) -> models.Q:
        """Not settled, and its settlement was due before `day` (an emergency: its deadline
        has passed)."""
        return Referral.unsettled_q() & Referral._past_due_q(day, now, "resolution_due")

    @staticmethod
    def _past_due_q(day, now, due_field: str) -> models.Q:
        now = now or timezone.now()
        return models.Q(due_at=None, **{f"{due_field}__lt": day}) | models.Q(due_at__lt=now)

    def is_late_to_settle(self, day, now=None) -> bool:
        """Python twin of `late_to_settle_q`."""
        if self.is_final:
            return False
        if self.due_at is not None:
            return self.due_at < (now or timezone.now())
        return self.resolution_due is not None and self.resolution_due < day

    @staticmethod
    def emergency_reminder_due_q(now) -> models.Q:
        """In the emergency lane, with the agency, past half its time and not reminded."""
        return models.Q(status__in=Referral.AT_AGENCY, remind_at__lte=now, reminded_at=None)

    def is_emergency_reminder_due(self, now) -> bool:
        """Python twin of `emergency_reminder_due_q`."""
        return (
            self.status in self.AT_AGENCY
            and self.remind_at is not None
            and self.remind_at <= now
            and self.reminded_at is None
        )

    def hours_left(self, now=None) -> int | None:
        """Whole hours to an emergency's deadline (negative once it has passed; rounded
        down, so that "0" means less than an hour), or None outside the emergency lane or
        once settled."""
        if self.due_at is None or self.is_final:
            return None
        return math.floor((self.due_at - (now or timezone.now())).total_seconds() / 3600)

    @staticmethod
    def late_on_past_day_q(day, end_of_day) -> tuple[models.Q, models.Q]:
        """Late to acknowledge, and late to settle, as they were on a day past (`day`, which
        ended at `end_of_day`), read from the referral's timestamps rather than its status
        now: sent by then, due before that day, and neither acknowledged (for the first)
        nor settled by its end. For today, `late_to_acknowledge_q` and `late_to_settle_q`."""
        open_then = models.Q(closed_at__isnull=True) | models.Q(closed_at__gte=end_of_day)
        unacknowledged_then = models.Q(received_at__isnull=True) | models.Q(
            received_at__gte=end_of_day
        )
        acknowledge = (
            models.Q(sent_at__lt=end_of_day, response_due__lt=day) & unacknowledged_then & open_then
        )
        settle = models.Q(sent_at__lt=end_of_day, resolution_due__lt=day) & open_then
        return acknowledge, settle

    def is_late_to_acknowledge_on(self, day, now=None) -> bool:
        """Python twin of `late_to_acknowledge_q`."""
        if self.status != self.Status.SENT:
            return False
        if self.due_at is not None:
            return self.due_at < (now or timezone.now())
        return self.response_due is not None and self.response_due < day

    @property
    def number(self) -> str:
        """The letter's number: the complaint's ticket and the referral's place among the
        complaint's referrals, `SLRT-5272-2026-000123/R2`."""
        return f"{self.complaint.ticket_number}/R{self.sequence}"

    NUMBER = re.compile(r"(?P<ticket>[^/]+)/R(?P<sequence>[0-9]{1,9})")

    @staticmethod
    def number_q(identifier: str) -> models.Q | None:
        """The referral whose `number` is `identifier` (in capitals, without spaces), or
        None when it is not written as a referral's number."""
        written = Referral.NUMBER.fullmatch(identifier)
        if written is None:
            return None
        return models.Q(
            complaint__ticket_number=written["ticket"], sequence=int(written["sequence"])
        )


class ReferralEvent(models.Model):
    """One line of a referral's story: a status change, a delivery, a reminder."""

    class Via(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("API")
        SYSTEM = "system", _("system")

    class Action(models.TextChoices):
        STATUS = "status", _("status change")
        DELIVERED = "delivered", _("delivered")
        DELIVERY_FAILED = "delivery_failed", _("delivery failed")
        RETRY = "retry", _("sent again")
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")
        REASSIGNED = "reassigned", _("sent to another agency")
        VISIT_DONE = "visit_done", _("home visit reviewed")
        DOCUMENT_REQUESTED = "document_requested", _("document requested by the agency")
        APPROVED = "approved", _("approved and sent (penetapan)")
        RETURNED = "returned", _("returned to the sender")
        REACTIVATION = "reactivation", _("reactivation recorded")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.STATUS)
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    note = models.TextField(blank=True)
    # The kind of document the agency asked for (`Action.DOCUMENT_REQUESTED`).
    kind = models.ForeignKey(
        "documents.DocumentKind", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        if self.action == self.Action.STATUS:
            return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
        if self.action == self.Action.DOCUMENT_REQUESTED and self.kind_id:
            return f"{self.get_action_display()}: {self.kind}"
        return str(self.get_action_display())


class ReactivationRecord(models.Model):
    """The PBI-JK reactivation of a referral to a reactivation programme
    (`Program.is_reactivation`): the facility's letter in its file, the upload to the
    national system (when, by whom) and the result. One per referral; written through
    `referrals.services.reactivation_record`."""

    class Result(models.TextChoices):
        ACTIVE = "active", _("active again")
        MOVED_SEGMENT = "moved_segment", _("moved to another segment")
        REFUSED = "refused", _("refused")

    referral = models.OneToOneField(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="reactivation",
    )
    # The facility's letter (`surat_faskes`) the file held when the upload was recorded.
    facility_letter = models.ForeignKey(
        "documents.Document",
        verbose_name=_("facility's letter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The Dinas Sosial's recommendation (surat rekomendasi) joins here as a nullable link to
    # the letter issued from the register (`letters`), once that app is merged.
    uploaded_on = models.DateField(_("uploaded to the national system on"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    result_on = models.DateField(_("result known on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Raised by each correction: a correction made on an older reading is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("reactivation record")
        verbose_name_plural = _("reactivation records")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(result="refused", refusal_reason=""),
                name="reactivation_refusal_has_reason",
                violation_error_message=_("Give the reason for the refusal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.get_result_display() or '—'}"
