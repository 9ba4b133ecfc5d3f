"""The registry: the households of each village, and the people who live in them."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households import registry_codes as codes
from households.names import normalize_name
from households.phones import Reachable, contact_constraint
from regions.models import Region
from regions.time_zones import moment_text
from slrt.constraints import ConstraintsByField
from slrt.jobs import Job


class Household(ConstraintsByField, models.Model):
    """A family card (KK) household living in one village, with the national registry's
    description of its home and assets."""

    kk_number = models.CharField(
        _("family card (KK) number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        error_messages={
            "unique": _(
                "This KK number is already registered; ask a supervisor to move the record."
            )
        },
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
    dtks_id = models.CharField(
        _("national registry ID"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        error_messages={
            "unique": _(
                "This registry ID is already registered; ask a supervisor to move the record."
            )
        },
    )

    # Welfare decile from the national registry: imported, never computed here.
    desil = models.PositiveSmallIntegerField(
        _("welfare decile (desil)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 is the poorest tenth of the nation, 10 the richest."),
    )
    desil_source = models.CharField(_("decile source"), max_length=60, blank=True)
    desil_date = models.DateField(_("decile as of"), null=True, blank=True)

    floor_material = models.PositiveSmallIntegerField(
        _("floor"), choices=codes.FloorMaterial.choices, null=True, blank=True
    )
    wall_material = models.PositiveSmallIntegerField(
        _("walls"), choices=codes.WallMaterial.choices, null=True, blank=True
    )
    roof_material = models.PositiveSmallIntegerField(
        _("roof"), choices=codes.RoofMaterial.choices, null=True, blank=True
    )
    water_source = models.PositiveSmallIntegerField(
        _("drinking water"), choices=codes.WaterSource.choices, null=True, blank=True
    )
    lighting = models.PositiveSmallIntegerField(
        _("lighting"), choices=codes.Lighting.choices, null=True, blank=True
    )
    cooking_fuel = models.PositiveSmallIntegerField(
        _("cooking fuel"), choices=codes.CookingFuel.choices, null=True, blank=True
    )
    toilet = models.PositiveSmallIntegerField(
        _("toilet"), choices=codes.Toilet.choices, null=True, blank=True
    )
    tenure = models.PositiveSmallIntegerField(
        _("home ownership"), choices=codes.Tenure.choices, null=True, blank=True
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
    )
    monthly_income = models.PositiveBigIntegerField(_("monthly income (Rp)"), null=True, blank=True)
    owns_land = models.BooleanField(codes.ASSETS["land"], default=False)
    owns_other_house = models.BooleanField(codes.ASSETS["other_house"], default=False)
    owns_refrigerator = models.BooleanField(codes.ASSETS["refrigerator"], default=False)
    owns_air_conditioner = models.BooleanField(codes.ASSETS["air_conditioner"], default=False)
    owns_motorcycle = models.BooleanField(codes.ASSETS["motorcycle"], default=False)
    owns_car = models.BooleanField(codes.ASSETS["car"], default=False)
    owns_gold = models.BooleanField(codes.ASSETS["gold"], default=False)

    # The day the household ended (`households.lifecycle`: dissolved, or merged into
    # another); its record and its members' stay. Screening skips it.
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["-created_at", "-id"], name="household_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desil__isnull=True) | models.Q(desil__gte=1, desil__lte=10),
                name="household_desil_1_to_10",
                violation_error_message=_("The welfare decile (desil) is a number from 1 to 10."),
            ),
            models.CheckConstraint(
                condition=models.Q(kk_number__isnull=True)
                | models.Q(kk_number__regex=r"^[0-9]{16}$"),
                name="household_kk_16_digits",
                violation_error_message=_("A KK number is 16 digits."),
            ),
        ]

    constraint_fields = {"household_desil_1_to_10": "desil", "household_kk_16_digits": "kk_number"}

    def __str__(self) -> str:
        return _("Household %(id)s, %(address)s") % {"id": self.pk, "address": self.address}

    @property
    def head(self) -> "Person | None":
        """The head among the (usually prefetched) members."""
        return next(
            (m for m in self.members.all() if m.relationship == codes.Relationship.HEAD), None
        )


class PersonQuerySet(models.QuerySet):
    def active(self) -> "PersonQuerySet":
        """The members who live in their household: neither died nor moved out."""
        return self.filter(status=Person.Status.ACTIVE)


class Person(ConstraintsByField, Reachable, models.Model):
    """A member of a household. A person may lack a NIK (newborns, people never registered).

    A member who died or moved out stays on the household's record, with their history, and
    `status` says so: the rules, screening and counts read only `active` members
    (`Person.objects.active()`)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("lives here")
        DECEASED = "deceased", _("died")
        MOVED_OUT = "moved_out", _("moved out")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        error_messages={
            "unique": _("This NIK is already registered; ask a supervisor to move the record.")
        },
    )
    name = models.CharField(_("name"), max_length=150)
    # Kept equal to normalize_name(name) by save() and by every bulk write: search and
    # duplicate detection compare these. Indexed by person_dup_idx and, on PostgreSQL, by a
    # trigram index (migration 0003).
    name_normalized = models.CharField(max_length=150, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=codes.Sex.choices)
    birth_date = models.DateField(_("birth date"))
    birth_place = models.CharField(_("birth place"), max_length=100, blank=True)
    relationship = models.CharField(
        _("relationship to the head"), max_length=20, choices=codes.Relationship.choices
    )
    marital_status = models.CharField(
        _("marital status"), max_length=10, choices=codes.MaritalStatus.choices, blank=True
    )
    schooling = models.CharField(
        _("schooling"), max_length=10, choices=codes.Schooling.choices, blank=True
    )
    school_participation = models.CharField(
        _("school participation"),
        max_length=12,
        choices=codes.SchoolParticipation.choices,
        blank=True,
    )
    occupation = models.CharField(
        _("occupation"), max_length=20, choices=codes.Occupation.choices, blank=True
    )
    disability = models.PositiveSmallIntegerField(
        _("disability"), choices=codes.Disability.choices, default=codes.Disability.NONE
    )
    chronic_illness = models.PositiveSmallIntegerField(
        _("chronic illness"),
        choices=codes.ChronicIllness.choices,
        default=codes.ChronicIllness.NONE,
    )
    is_pregnant = models.BooleanField(_("pregnant"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # The day of death or of moving out (of the status set for an active member: empty).
    status_date = models.DateField(_("since"), null=True, blank=True)
    # How the person is reached: the fields of `households.phones.Reachable`.
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        # The head first, then by age.
        ordering = [
            models.Case(models.When(relationship=codes.Relationship.HEAD, then=0), default=1),
            "birth_date",
            "pk",
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relationship=codes.Relationship.HEAD),
                name="one_head_per_household",
                violation_error_message=_("A household has one head only."),
            ),
            models.CheckConstraint(
                condition=models.Q(nik__isnull=True) | models.Q(nik__regex=r"^[0-9]{16}$"),
                name="person_nik_16_digits",
                violation_error_message=_("A NIK is 16 digits."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", status_date__isnull=True)
                | (~models.Q(status="active") & models.Q(status_date__isnull=False)),
                name="person_status_dated",
                violation_error_message=_(
                    "A member who died or moved out has the date of it; one who lives here "
                    "has none."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(sex=codes.Sex.MALE, is_pregnant=True),
                name="person_pregnant_is_female",
                violation_error_message=_("Only a woman can be recorded as pregnant."),
            ),
            contact_constraint("person"),
        ]
        indexes = [models.Index(fields=["birth_date", "name_normalized"], name="person_dup_idx")]

    constraint_fields = {
        "one_head_per_household": "relationship",
        "person_nik_16_digits": "nik",
        "person_pregnant_is_female": "is_pregnant",
        "person_status_dated": "status_date",
        "person_contact_with_phone_and_consent": "contact_channel",
    }

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_normalized = normalize_name(self.name)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == Person.Status.ACTIVE

    def age_on(self, day: datetime.date) -> int:
        """Completed years on `day`."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class HouseholdEvent(models.Model):
    """One change in a household's life (`households.lifecycle`): a member died or moved, the
    family card split, merged or ended, a member came from another area. `details` holds
    what the change recorded (the document of a death, where a member went, the new KK)."""

    class Kind(models.TextChoices):
        DIED = "died", _("member died")
        MOVED_OUT = "moved_out", _("member moved out")
        SPLIT_FROM = "split_from", _("split: a new KK left")
        SPLIT_INTO = "split_into", _("split: founded from another KK")
        MERGED_INTO = "merged_into", _("merged into another KK")
        MERGED_FROM = "merged_from", _("another KK merged in")
        DISSOLVED = "dissolved", _("dissolved")
        TRANSFER_REQUESTED = "transfer_requested", _("transfer in requested")
        TRANSFER_REFUSED = "transfer_refused", _("transfer in refused")
        TRANSFERRED_IN = "transferred_in", _("member moved in from another area")
        TRANSFERRED_OUT = "transferred_out", _("member moved to another area")
        HEAD_CHANGED = "head_changed", _("new head of household")

    class Evidence(models.TextChoices):
        """The document that records a death."""

        AKTA_KEMATIAN = "akta_kematian", _("death certificate (akta kematian)")
        SURAT_DESA = "surat_desa", _("death letter of the village (surat keterangan kematian)")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="events"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="household_events",
    )
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("household event")
        verbose_name_plural = _("household events")
        permissions = [
            ("record_change", _("Can record deaths, moves and family card changes")),
            ("approve_transfer", _("Can approve a member's transfer between areas")),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.get_kind_display()}"

    @property
    def day(self) -> datetime.date | None:
        """The day of the death or move the event records."""
        text = self.details.get("date")
        return datetime.date.fromisoformat(text) if text else None

    @property
    def evidence_label(self) -> str:
        kind = self.details.get("evidence_kind")
        return str(self.Evidence(kind).label) if kind in self.Evidence.values else ""


class PersonTransfer(ConstraintsByField, models.Model):
    """A member of a household of one area asked into a household of another: the person
    record moves (with its history) once a supervisor covering both areas approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_household = models.ForeignKey(
        Household,
        verbose_name=_("from household"),
        on_delete=models.CASCADE,
        related_name="transfers_out",
    )
    to_household = models.ForeignKey(
        Household,
        verbose_name=_("to household"),
        on_delete=models.CASCADE,
        related_name="transfers_in",
    )
    relationship = models.CharField(
        _("relationship to the head"), max_length=20, choices=codes.Relationship.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("person transfer")
        verbose_name_plural = _("person transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_person",
                violation_error_message=_("This person already has a transfer waiting."),
            ),
        ]

    constraint_fields = {"one_pending_transfer_per_person": "person"}

    def __str__(self) -> str:
        return f"{self.person_id} → {self.to_household_id}"


class DuplicateDismissal(models.Model):
    """A person's decision that two similar records are two different people, so that the
    pair is not listed for review again. `first` has the lower id."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed duplicate")
        verbose_name_plural = _("dismissed duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"],
                name="duplicate_pair_once",
                violation_error_message=_("These two records are marked as different people."),
            ),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")),
                name="duplicate_pair_ordered",
                violation_error_message=_("A pair of records is kept with the lower id first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


def _import_path(registry_import: "RegistryImport", name: str) -> str:
    return f"imports/{registry_import.requested_at:%Y/%m}/{uuid.uuid4().hex}.csv"


class RegistryImport(Job):
    """One registry extract uploaded by a supervisor (`requested_by`) and imported by a
    worker, as `import_dtks` does, into the uploader's area: a background job (`slrt.jobs`)
    whose progress counts rows (`progress_total` is the rows in the file). The file is kept
    (in the default storage, never served) until the import is done; the counts and the
    refused rows stay."""

    run_task = "households.tasks.registry_import_run"

    area = models.ForeignKey(
        Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"))
    upload = models.FileField(upload_to=_import_path, blank=True)
    rows_refused = models.PositiveIntegerField(_("rows refused"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error_report = models.FileField(upload_to=_import_path, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({moment_text(self.requested_at)})"
