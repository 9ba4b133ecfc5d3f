"""How a visit's differences from the registry read: a variable's name as the household's
page writes it, a recorded or observed value as people read it, and the rows the visit's
pages (its detail, its review, its verification sheet) show, one per difference."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from households.models import Household
from visits.models import Visit, VisitFinding


def household_field(name: str) -> models.Field:
    return Household._meta.get_field(name)


def variable_label(name: str) -> str:
    """The variable's name as the household's page writes it ("Lantai", "Aset: mobil")."""
    field = household_field(name)
    if isinstance(field, models.BooleanField):
        return _("Asset: %(name)s") % {"name": field.verbose_name}
    return str(capfirst(field.verbose_name))


def python_value(name: str, value):
    """A value as stored in a finding's JSON, as the household's field holds it."""
    if value is None or value == "":
        return None
    field = household_field(name)
    try:
        return field.to_python(value)
    except ValidationError:
        return value


def json_value(value):
    """A household's value as a finding's JSON stores it (a decimal as its string)."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def value_label(name: str, value) -> str:
    """A recorded or observed value as people read it: a code's label, yes or no, a floor
    area with its decimal comma, a sum in rupiah; a dash when there is none."""
    value = python_value(name, value)
    field = household_field(name)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return f"{formats.localize(value.normalize())} m²"
    if name == "monthly_income" and isinstance(value, int):
        return f"Rp {value:,}".replace(",", ".")
    return str(value)


def same_value(name: str, first, second) -> bool:
    """Whether two values of the variable `name` (JSON or the field's own) are one value."""
    try:
        return python_value(name, first) == python_value(name, second)
    except (InvalidOperation, TypeError):
        return first == second


@dataclass
class FindingRow:
    """A difference as the visit's pages show it."""

    finding: VisitFinding
    variable: str
    recorded: str
    observed: str
    # What the household holds now, when it changed after the visit (else None).
    current: str | None

    @property
    def pending(self) -> bool:
        return self.finding.decision == VisitFinding.Decision.PENDING


def finding_rows(visit: Visit, findings: list[VisitFinding]) -> list[FindingRow]:
    """Each difference with its labels, and with the household's value now when it no
    longer is the one recorded at the visit (a pending decision would then be asked again)."""
    household = visit.household
    rows = []
    for finding in findings:
        now = getattr(household, finding.field)
        changed = finding.decision == VisitFinding.Decision.PENDING and not same_value(
            finding.field, finding.recorded, now
        )
        rows.append(
            FindingRow(
                finding=finding,
                variable=variable_label(finding.field),
                recorded=value_label(finding.field, finding.recorded),
                observed=value_label(finding.field, finding.observed),
                current=value_label(finding.field, now) if changed else None,
            )
        )
    return rows
