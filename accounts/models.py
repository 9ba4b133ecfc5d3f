"""Staff profiles (where a user works, and for agency officers, for whom) and the access log
of personal data."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.time_zones import moment_text
from slrt.number_patterns import pattern_errors


class StaffProfile(models.Model):
    """What a staff user may see: households in `scope`, and their agency's referrals."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    scope = models.ForeignKey(
        "regions.Region",
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


class AccessLog(models.Model):
    """One access to personal data: a whole NIK/KK seen, a search run, a list exported, a
    document (a photo, a scan) downloaded.

    Append-only (UU PDP 27/2022): rows are written by `accounts.services.access_record` and
    never changed or deleted; on PostgreSQL a trigger refuses both. The user is protected:
    staff who have seen personal data are deactivated, not deleted.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Whole NIK/KK viewed")
        SEARCH = "search", _("Search")
        EXPORT = "export", _("Export")
        DOWNLOAD = "download", _("Document downloaded")

    class Purpose(models.TextChoices):
        SERVICE = "service", _("Serving a resident")
        REFERRAL = "referral", _("Answering a referral")
        DUPLICATE_REVIEW = "duplicate_review", _("Reviewing possible duplicates")
        SUPERVISION = "supervision", _("Supervision and reporting")
        PROGRAM_PLANNING = "program_planning", _("Programme planning and verification")
        DATA_REQUEST = "data_request", _("A data subject's request")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    what = models.CharField(_("what"), max_length=255)
    household_id = models.BigIntegerField(
        _("household"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The household whose identifiers were seen, kept even if it is deleted."),
    )
    query = models.CharField(
        _("search or filters"), max_length=500, blank=True, help_text=_("As the user typed it.")
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="accesslog_user_at")]

    def __str__(self) -> str:
        return f"{moment_text(self.at)} {self.user_id} {self.action} {self.what}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AccessLogIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogIsAppendOnly


class AccessLogIsAppendOnly(Exception):
    def __init__(self):
        super().__init__("The access log is append-only: entries are never changed or deleted.")


class TokenGrant(models.Model):
    """How an API token (`rest_framework.authtoken`) was issued: with a two-factor code or
    not. The token's own `created` is when it was issued, and it expires
    `API_TOKEN_LIFETIME` seconds later (`accounts.authentication`). A token without a grant
    (made in the shell or the admin) counts as issued without a code."""

    token = models.OneToOneField(
        "authtoken.Token",
        verbose_name=_("token"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="grant",
    )
    verified_with_otp = models.BooleanField(_("issued with a two-factor code"), default=False)

    class Meta:
        verbose_name = _("API token grant")
        verbose_name_plural = _("API token grants")

    def __str__(self) -> str:
        return str(self.token.user)


class Office(models.Model):
    """A social-affairs office (a Dinas Sosial, an SLRT office) and its settings: what its
    printouts carry (name, address, telephone, the head who signs) for the region it serves.

    The office of a user, a complaint or a referral is the office whose region is the
    nearest of the user's working area or the household's village and the regions above it
    (`accounts.selectors.office_for_region`): a village without an office of its own is
    served by its district's, then its city's. The office's other settings belong here too.
    """

    region = models.OneToOneField(
        "regions.Region",
        verbose_name=_("region served"),
        help_text=_("The office serves this region and what lies inside it."),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("As on its letterhead."))
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    head_name = models.CharField(
        _("head of office"), max_length=150, help_text=_("Name and title, as signed.")
    )
    head_position = models.CharField(
        _("head's position"),
        max_length=150,
        blank=True,
        help_text=_("As written above the signature, such as “Kepala Dinas Sosial Kota Bima”."),
    )
    head_nip = models.CharField(
        _("head's NIP"),
        max_length=21,
        blank=True,
        help_text=_("The civil servant number (NIP), 18 digits."),
    )
    signing_place = models.CharField(
        _("place of signing"),
        max_length=100,
        blank=True,
        help_text=_("The town written before the date of a letter, such as “Bima”."),
    )

    letter_number_pattern = models.CharField(
        _("letter number pattern"),
        max_length=60,
        blank=True,
        help_text=_(
            "How the office's letters are numbered, such as 400.9/{n}/Dinsos/{year}: {n} the "
            "letter's number in the year and {year} are required, {office} (the region's "
            "code) may be added. Empty: the server's pattern, or that of the office above."
        ),
    )

    # The monthly cycle of proposals to the national registry (DTSEN), by day of the month:
    # the regulation sets them and may move them (`proposals.calendar`).
    proposal_meeting_last_day = models.PositiveSmallIntegerField(
        _("last day of the village meetings"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Musdesus/Muskel are held from the 1st to this day of the month."),
    )
    proposal_input_last_day = models.PositiveSmallIntegerField(
        _("last day of input"),
        default=11,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Village operators enter proposals from the 1st to this day of the month."),
    )
    proposal_cutoff_day = models.PositiveSmallIntegerField(
        _("cut-off day"),
        default=17,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Proposals submitted after this day of the month go into next month's batch."),
    )
    proposal_pull_day = models.PositiveSmallIntegerField(
        _("pull day"),
        default=18,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("The day the ministry pulls the month's data."),
    )
    objection_working_days = models.PositiveSmallIntegerField(
        _("working days to verify an objection"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    objection_unverified_outcome = models.CharField(
        _("an objection not verified in time is"),
        max_length=12,
        choices=[("upheld", _("upheld (Cek Bansos rule)")), ("not_upheld", _("not upheld"))],
        default="upheld",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["region_id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        digits = self.head_nip.replace(" ", "")
        if digits and (not digits.isdigit() or len(digits) != 18):
            errors["head_nip"] = _("A NIP is 18 digits (spaces between groups are allowed).")
        days = (self.proposal_input_last_day, self.proposal_cutoff_day, self.proposal_pull_day)
        if all(isinstance(day, int) for day in days) and not days[0] <= days[1] < days[2]:
            errors["proposal_cutoff_day"] = _(
                "The last day of input comes no later than the cut-off day, and the cut-off "
                "before the pull day."
            )
        if self.letter_number_pattern and (pattern := pattern_errors(self.letter_number_pattern)):
            errors["letter_number_pattern"] = pattern
        if errors:
            raise ValidationError(errors)

    @property
    def head_nip_display(self) -> str:
        """The NIP as it is printed under a signature: `19700512 199503 1 004`."""
        digits = self.head_nip.replace(" ", "")
        if len(digits) != 18:
            return self.head_nip
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"

    @property
    def place(self) -> str:
        """Where its letters are signed: the place set, else the name of its region."""
        return self.signing_place or self.region.name
