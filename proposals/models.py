"""Proposals to the national registry (*usulan* DTSEN): new households and members,
corrections and exits, batched per village and month; and the community's objections
(*sanggah*) to a named recipient household.

A proposal moves through one transition table (`proposals.services.PROPOSAL_TRANSITIONS`);
each move writes a `ProposalEvent`. An objection is decided with a home visit, or by the
office's rule once its deadline passes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposalBatch(models.Model):
    """The proposals of one village for one month's cycle, sent together. It is approved by
    the head of office once its minutes (berita acara or SPTJM) are attached and every
    proposal in it is verified, then marked sent when it has gone to the ministry."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        APPROVED = "approved", _("approved")
        SENT = "sent", _("sent")

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the cycle's month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What went to the ministry, kept as it went: a proposal the registry returns and the
    # desk submits again joins another batch (`Proposal.batch`), and stays in this one's.
    sent_proposals = models.ManyToManyField(
        "Proposal", verbose_name=_("proposals sent"), blank=True, related_name="sent_in"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "region_id"]
        verbose_name = _("proposal batch")
        verbose_name_plural = _("proposal batches")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month"],
                name="proposal_batch_once_per_village_month",
                violation_error_message=_("This village already has a batch for that month."),
            ),
        ]
        permissions = [
            ("approve_proposalbatch", _("Can approve a village's monthly batch")),
            ("download_bnba", _("Can download a batch's by-name-by-address list (BNBA)")),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%m-%Y}"


# Registry imports covering a sent proposal's village without answering it, after which
# the office follows it up (`Proposal.objects.needs_follow_up()`).
FOLLOW_UP_CYCLES = 2


class ProposalQuerySet(models.QuerySet):
    def needs_follow_up(self) -> "ProposalQuerySet":
        """Sent proposals the registry has left unanswered for FOLLOW_UP_CYCLES cycles."""
        return self.filter(status=Proposal.Status.SENT, cycles_unanswered__gte=FOLLOW_UP_CYCLES)


class Proposal(models.Model):
    """One proposal to the national registry about a household or one of its members."""

    class Kind(models.TextChoices):
        NEW_HOUSEHOLD = "new_household", _("new household")
        NEW_MEMBER = "new_member", _("new member")
        CORRECTION = "correction", _("correction")
        EXIT = "exit", _("exit")

    class ExitReason(models.TextChoices):
        DIED = "died", _("died")
        MOVED = "moved", _("moved away")
        BETTER_OFF = "better_off", _("better off")
        OFFICIAL = "official", _("a civil servant, TNI or Polri family")

    class Source(models.TextChoices):
        DESK = "desk", _("the desk")
        VILLAGE_OPERATOR = "village_operator", _("the village operator")
        FACILITATOR = "facilitator", _("a facilitator")
        COMPLAINT = "complaint", _("a resident's complaint")
        OBJECTION = "objection", _("an objection upheld")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        # Proposed to the office ("diajukan"), not yet sent to the ministry ("terkirim").
        SUBMITTED = "submitted", pgettext_lazy("proposal status", "submitted")
        VERIFIED = "verified", _("verified")
        APPROVED = "approved", _("approved")
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned")

    FINAL = (Status.ACCEPTED, Status.REJECTED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    # The member a new-member, correction or exit proposal is about; none when it is about
    # the household as a whole.
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    # The household's village when proposed: the proposal's scope and its batch.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Of a correction: {"field": {"from": old, "to": new}, ...} in the registry's values.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    exit_reason = models.CharField(
        _("reason for exit"), max_length=12, choices=ExitReason.choices, blank=True
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    source = models.CharField(_("proposed by"), max_length=20, choices=Source.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    batch = models.ForeignKey(
        ProposalBatch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    # The home visit that checks the household in the field, for the kinds that need one.
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("home visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What came back from the registry.
    desil_result = models.PositiveSmallIntegerField(_("desil given"), null=True, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    # Registry imports since it was sent that covered its village without answering it.
    cycles_unanswered = models.PositiveSmallIntegerField(_("cycles without an answer"), default=0)
    # The month (its first day) of the last import counted in `cycles_unanswered`: an
    # extract imported twice in a month counts once.
    last_cycle_month = models.DateField(_("last cycle counted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registry proposal")
        verbose_name_plural = _("registry proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(person__isnull=False)
                & ~models.Q(status__in=["accepted", "rejected"]),
                name="proposal_one_open_per_person_kind",
                violation_error_message=_("This member already has an open proposal of this kind."),
            ),
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=models.Q(person__isnull=True)
                & ~models.Q(status__in=["accepted", "rejected"]),
                name="proposal_one_open_per_household_kind",
                violation_error_message=_(
                    "This household already has an open proposal of this kind."
                ),
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="proposal_region_status")]
        permissions = [
            ("verify_proposal", _("Can verify a proposal's file")),
            ("settle_proposal", _("Can settle a proposal by hand")),
        ]

    def __str__(self) -> str:
        return _("Proposal %(id)s") % {"id": self.pk}

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def needs_follow_up(self) -> bool:
        """The rule of `ProposalQuerySet.needs_follow_up`, for one proposal."""
        return self.status == self.Status.SENT and self.cycles_unanswered >= FOLLOW_UP_CYCLES


class ProposalEvent(models.Model):
    class Via(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("API")
        SYSTEM = "system", _("system")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    note = models.CharField(_("note"), max_length=500, blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.WEB)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class Objection(models.Model):
    """A resident's objection (*sanggah*) to a recipient household of their own village: it
    is checked by a home visit and decided by the deadline, or settled by the office's rule
    (`accounts.Office.objection_unverified_outcome`) when the deadline passes."""

    class Status(models.TextChoices):
        OPEN = "open", _("being verified")
        UPHELD = "upheld", _("upheld")
        NOT_UPHELD = "not_upheld", _("not upheld")

    class Via(models.TextChoices):
        DESK = "desk", _("at the desk")
        API = "api", _("through the API")

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household objected to"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    # Empty when the objector chose to stay anonymous. Never shown to the household.
    objector_name = models.CharField(_("objector's name"), max_length=150, blank=True)
    objector_contact = models.CharField(_("objector's contact"), max_length=60, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # Where the objector lives: the household's own village (Cek Bansos' rule).
    objector_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("objector's village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    via = models.CharField(_("received"), max_length=10, choices=Via.choices, default=Via.DESK)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    deadline = models.DateField(_("verify by"))
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("home visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # True when the deadline decided it, not a person.
    decided_by_deadline = models.BooleanField(_("settled by the deadline"), default=False)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    # The exit or correction proposal an upheld objection opened.
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        permissions = [("decide_objection", _("Can decide an objection"))]
        indexes = [models.Index(fields=["region", "status"], name="objection_region_status")]

    def __str__(self) -> str:
        return _("Objection %(id)s") % {"id": self.pk}


class ObjectionEvent(models.Model):
    class Action(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        VISIT_REQUESTED = "visit_requested", _("home visit requested")
        ESCALATION = "escalation", _("escalated before the deadline")
        UPHELD = "upheld", _("upheld")
        NOT_UPHELD = "not_upheld", _("not upheld")

    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="events"
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
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("objection event")
        verbose_name_plural = _("objection events")
        constraints = [
            models.UniqueConstraint(
                fields=["objection"],
                condition=models.Q(action="escalation"),
                name="objection_escalated_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objection_id}: {self.action}"
