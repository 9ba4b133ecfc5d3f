"""The shape of a Kemendagri region code, and the file of every code shipped with the project."""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from regions.models import Region

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "wilayah.csv"

# 52 · 52.72 · 52.72.01 · 52.72.01.1001
REGION_CODE_RE = re.compile(
    r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?"
)  # use with fullmatch


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int

    @property
    def parent_code(self) -> str | None:
        line = Region.line_of(self.code)
        return line[-2] if len(line) > 1 else None


def validate_region_code(code: str) -> None:
    """Refuse anything that is not a dotted Kemendagri code such as `52.72.01`."""
    if not REGION_CODE_RE.fullmatch(code):
        raise ValidationError(
            _("“%(code)s” is not a region code such as 52, 52.72, 52.72.01 or 52.72.01.1001.")
            % {"code": code},
            code="invalid_region_code",
        )


def read_region_rows(path: Path = REGIONS_CSV, prefix: str | None = None) -> Iterator[RegionRow]:
    """Rows of the region file; with `prefix`, that region, what lies below it and the regions
    above it (so that every loaded region's parent is loaded too)."""
    wanted_above = set(Region.line_of(prefix)) if prefix else set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line_number, record in enumerate(csv.DictReader(handle), start=2):
            code = (record.get("code") or "").strip()
            try:
                validate_region_code(code)
                level = int(record["level"])
            except (ValidationError, TypeError, ValueError):
                raise ValidationError(
                    _("%(file)s, line %(line)s: bad code or level.")
                    % {"file": path.name, "line": line_number},
                    code="invalid_region_file",
                ) from None
            if level != len(Region.line_of(code)):
                raise ValidationError(
                    _("%(file)s, line %(line)s: level %(level)s does not match code %(code)s.")
                    % {"file": path.name, "line": line_number, "level": level, "code": code},
                    code="invalid_region_file",
                )
            if prefix and not (Region.code_is_within(code, prefix) or code in wanted_above):
                continue
            yield RegionRow(code=code, name=record["name"].strip(), level=level)
