"""Indonesia's regions, keyed by their dotted Kemendagri codes, and the two rules every app
asks of them: what lies inside a region, and the line of regions a region lies in.

A code names its place in the tree: `52` (a province) holds `52.72` (a regency or city),
which holds `52.72.01` (a district), which holds `52.72.01.1001` (a village). So "inside
`52.72`" is `52.72` itself or a code starting with `52.72.`, and the line of a code is
its dotted prefixes.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from slrt.constraints import ConstraintsByField

REGION_CODE_CHARACTERS = re.compile(r"[0-9]+(\.[0-9]+)*")


def within_q(code: str, region_field: str = "") -> models.Q:
    """A filter keeping rows whose region at `region_field` is `code` or lies inside it
    (`region_field` empty: the regions themselves).

    `region_field` is a lookup path to a `Region` foreign key: `"region"` for households,
    `"household__region"` for what hangs off a household, `"staff_profile__scope"` for users.
    The only definition of "inside a region" the database is asked; its twin in Python is
    `Region.code_is_within`.
    """
    prefix = f"{region_field}__" if region_field else ""
    return models.Q(**{f"{prefix}code": code}) | models.Q(
        **{f"{prefix}code__startswith": f"{code}."}
    )


def within_sql(column: str, code: str) -> str:
    """`within_q` as a SQL condition on a text `column` holding region codes, for the
    set-based registry import's hand-written queries. `code` is a region code (digits and
    dots, checked here), so it can stand in the SQL as a literal."""
    if not REGION_CODE_CHARACTERS.fullmatch(code):
        raise ValueError(f"not a region code: {code!r}")
    return f"({column} = '{code}' OR {column} LIKE '{code}.%')"


class RegionQuerySet(models.QuerySet):
    def within(self, code: str) -> "RegionQuerySet":
        """The region with `code` and every region inside it."""
        return self.filter(within_q(code))

    def within_or_above(self, code: str) -> "RegionQuerySet":
        """The region with `code`, every region inside it and the regions it lies in
        (`Region.line_of`): a village user's district, or what a load of `52.72` touches."""
        return self.filter(within_q(code) | models.Q(code__in=Region.line_of(code)))


class Region(ConstraintsByField, models.Model):
    """A province, regency/city, district or village, keyed by its dotted Kemendagri code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("regency/city")
        DISTRICT = 3, _("district")
        VILLAGE = 4, _("village")

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when regions were part of the household registry.
        db_table = "households_region"
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4),
                name="region_level_range",
                violation_error_message=_("The level is 1 (province) to 4 (village)."),
            ),
        ]

    constraint_fields = {"region_level_range": "level"}

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def line_of(code: str) -> list[str]:
        """`52.72.01.1001` → `['52', '52.72', '52.72.01', '52.72.01.1001']`: the code and
        the codes of the regions it lies in, widest first."""
        parts = code.split(".")
        return [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]

    @classmethod
    def code_at(cls, code: str, level: int) -> str:
        """The code of the region at `level` that `code` lies in, or `code` at its own level:
        a village's regency is `Region.code_at(village, Region.Level.REGENCY)`."""
        return cls.line_of(code)[level - 1]

    @classmethod
    def code_is_within(cls, code: str, area_code: str) -> bool:
        """Whether `code` is `area_code` itself or lies inside it (`within_q`, in Python)."""
        return area_code in cls.line_of(code)
