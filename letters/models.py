"""The letter register: letters the office issues to a resident (a referral letter, the
registry letter that says a household is in DTSEN with its desil, a recommendation for a
programme), drafted by the desk, issued by the head of office with a number of the office's
year, frozen as issued, and checkable by anyone through the QR code they carry.

A letter moves through one transition table (`letters.services.LETTER_TRANSITIONS`); each
move writes a `LetterEvent`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from slrt.jobs import Job


class LetterKind(models.Model):
    """A kind of letter: its name, the layout it is printed with, and the text the office
    writes into it. Kinds are data (the admin manages them); what each layout needs (a
    referral, a desil, a programme) is the layout's rule, in `letters.services`."""

    class Layout(models.TextChoices):
        # Each is a template file, templates/letters/kinds/<value>.html.
        REFERRAL = "referral", _("referral letter (tied to a referral)")
        REGISTRY = "registry", _("registry letter (the household's desil)")
        RECOMMENDATION = "recommendation", _("recommendation for a programme")

    # The layouts a letter may name a referral in: the referral letter (always), and the
    # recommendation written for a referral (a PBI-JK reactivation's).
    NAMES_A_REFERRAL = (Layout.REFERRAL, Layout.RECOMMENDATION)

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150, help_text=_("As the letter's title."))
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "The letter's text. It may name the holder's details with these placeholders "
            "only: {holder_name}, {holder_nik}, {address}, {village}, {district}, {regency}, "
            "{desil}, {desil_date}, {program}, {office}."
        ),
    )
    programs = models.ManyToManyField(
        "programs.Program",
        verbose_name=_("programmes"),
        blank=True,
        related_name="+",
        help_text=_("For a recommendation: the programmes it may be written for."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("letter kind")
        verbose_name_plural = _("letter kinds")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from letters.texts import body_errors

        if errors := body_errors(self.body):
            from django.core.exceptions import ValidationError

            raise ValidationError({"body": errors})


class LetterCounter(models.Model):
    """The last number given to a letter of one office (the regency or city of the
    holder's household) in one year. Issuing locks and raises it in the issue's transaction,
    so two letters never get one number and a number is never given again."""

    office_region = models.ForeignKey(
        "regions.Region", verbose_name=_("office's region"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("letter counter")
        verbose_name_plural = _("letter counters")
        constraints = [
            models.UniqueConstraint(
                fields=["office_region", "year"], name="letter_counter_once_per_office_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_region_id} {self.year}: {self.last}"


class Letter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")
        REVOKED = "revoked", _("revoked")
        DISCARDED = "discarded", _("discarded")

    LIVE = (Status.DRAFT, Status.ISSUED)

    kind = models.ForeignKey(
        LetterKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="letters"
    )
    person = models.ForeignKey(
        "households.Person", verbose_name=_("holder"), on_delete=models.PROTECT,
        related_name="letters",
    )  # fmt: skip
    # The holder's household when drafted: the letter's scope.
    household = models.ForeignKey(
        "households.Household", verbose_name=_("household"), on_delete=models.PROTECT,
        related_name="letters",
    )  # fmt: skip
    program = models.ForeignKey(
        "programs.Program", verbose_name=_("programme"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    referral = models.ForeignKey(
        "referrals.Referral", verbose_name=_("referral"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="letters",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    # Given on issue, kept for ever (a revoked letter keeps its number); the office's own:
    # another office may write the same number. Null (not "") until issued, as the token.
    number = models.CharField(_("number"), max_length=80, null=True, blank=True)  # noqa: DJ001
    office_region = models.ForeignKey(
        "regions.Region", verbose_name=_("office's region"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("serial"), null=True, blank=True)
    token = models.CharField(_("check token"), max_length=64, null=True, blank=True, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_on = models.DateField(_("date of the letter"), null=True, blank=True)
    # Frozen on issue: what the letter says, and the page printed, with its SHA-256.
    content = models.JSONField(_("content as issued"), default=dict, blank=True)
    page = models.TextField(_("page as issued"), blank=True)
    page_sha256 = models.CharField(_("SHA-256 of the page"), max_length=64, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        ordering = ["-drafted_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["office_region", "year", "serial"],
                condition=models.Q(serial__isnull=False),
                name="letter_serial_once_per_office_year",
                violation_error_message=_("This number has been given to another letter."),
            ),
            models.UniqueConstraint(
                fields=["office_region", "number"],
                condition=models.Q(number__isnull=False),
                name="letter_number_once_per_office",
                violation_error_message=_("This number has been given to another letter."),
            ),
            # A referral has one live letter of each kind: its referral letter and, for a
            # reactivation, the recommendation.
            models.UniqueConstraint(
                fields=["referral", "kind"],
                condition=models.Q(referral__isnull=False, status__in=["draft", "issued"]),
                name="letter_one_live_per_referral_and_kind",
                violation_error_message=_(
                    "This referral already has a letter of this kind in the register."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(status="discarded")
                | models.Q(number__isnull=False, token__isnull=False),
                name="letter_issued_has_number_and_token",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status"], name="letter_kind_status"),
        ]
        permissions = [("issue_letter", _("Can issue and revoke letters"))]

    constraint_fields = {"letter_one_live_per_referral_and_kind": "referral"}

    def __str__(self) -> str:
        return self.number or _("Draft letter %(id)s") % {"id": self.pk}


class LetterEvent(models.Model):
    class Via(models.TextChoices):
        WEB = "web", _("web")
        API = "api", _("API")
        SYSTEM = "system", _("system")

    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Letter.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.WEB)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("letter event")
        verbose_name_plural = _("letter events")

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.from_status} → {self.to_status}"


class LetterBatch(Job):
    """Drafts issued together by the head of office, as a background job; its page shows
    the progress, then prints every letter it issued."""

    run_task = "letters.tasks.letter_batch_run"

    letters = models.ManyToManyField(Letter, verbose_name=_("letters"), related_name="batches")
    issued_count = models.PositiveIntegerField(_("issued"), default=0)
    refused = models.JSONField(_("refused"), default=list, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("letter batch")
        verbose_name_plural = _("letter batches")


class LetterCheck(models.Model):
    """One look-up of a letter's public check (`/v/{token}/`, and the API's verify): the
    caller's address and the letter it found, never the token typed. The check's rate limit
    counts these rows, so it holds across every web process."""

    at = models.DateTimeField(_("when"), db_index=True)
    address = models.GenericIPAddressField(_("address"))
    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    limited = models.BooleanField(_("refused by the rate limit"), default=False)

    class Meta:
        verbose_name = _("letter check")
        verbose_name_plural = _("letter checks")
        indexes = [models.Index(fields=["address", "at"], name="letter_check_address_at")]

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"
