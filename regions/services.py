"""Every write to regions: loading the shipped Kemendagri codes."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from regions.codes import REGIONS_CSV, read_region_rows, validate_region_code
from regions.models import Region


@dataclass(frozen=True)
class RegionLoadResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def regions_load(
    *,
    prefix: str | None = None,
    path: Path | None = None,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> RegionLoadResult:
    """Create or update regions from the shipped file (or `path`), in one transaction.

    Idempotent: rows already as in the file are not written again, so a second run only
    reads. `progress(done, total)` is called after each batch written.
    """
    if prefix is not None:
        validate_region_code(prefix)
    rows = list(read_region_rows(path or REGIONS_CSV, prefix))
    if prefix is not None and not any(row.code == prefix for row in rows):
        raise ValidationError(
            _("There is no region with code %(code)s.") % {"code": prefix},
            code="unknown_region",
        )

    regions = Region.objects.all() if prefix is None else Region.objects.within_or_above(prefix)
    existing = {
        code: (name, level, parent)
        for code, name, level, parent in regions.values_list("code", "name", "level", "parent_id")
    }
    changed = [
        row for row in rows if existing.get(row.code) != (row.name, row.level, row.parent_code)
    ]
    created = sum(1 for row in changed if row.code not in existing)

    with transaction.atomic():
        for start in range(0, len(changed), batch_size):
            batch = changed[start : start + batch_size]
            Region.objects.bulk_create(
                [
                    Region(code=row.code, name=row.name, level=row.level, parent_id=row.parent_code)
                    for row in batch
                ],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent"],
            )
            if progress:
                progress(start + len(batch), len(changed))

    return RegionLoadResult(
        created=created, updated=len(changed) - created, unchanged=len(rows) - len(changed)
    )
