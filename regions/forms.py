"""The region picker every form that asks for a place uses: province → regency/city →
district → village, each list refilled from the one above, limited to the user's area."""

import re

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from regions.codes import REGION_CODE_RE
from regions.models import Region
from regions.selectors import area_of, region_choices_for, region_in_area

LEVEL_KEYS = {1: "province", 2: "regency", 3: "district", 4: "village"}
LEVEL_PROMPTS = {
    1: _("Province"),
    2: _("Regency/city"),
    3: _("District (kecamatan)"),
    4: _("Village (desa/kelurahan)"),
}
FIELD_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,60}")  # use with fullmatch


def chosen_chain(data, name: str, leaf_level: int) -> list[str]:
    """The codes chosen in a picker's selects, top down, ending at the deepest one given.

    Levels left out are filled from the code below them (`?region__district=52.72.02` is
    enough); the chain stops above a code that does not lie in the one chosen above it
    (a district left behind when the user changed the city).
    """
    deepest = ""
    for level in range(1, leaf_level + 1):
        code = (data.get(f"{name}__{LEVEL_KEYS[level]}") or "").strip()
        if not code:
            continue
        if not REGION_CODE_RE.fullmatch(code) or len(Region.line_of(code)) != level:
            break
        if deepest and not Region.code_is_within(code, deepest):
            break
        deepest = code
    return Region.line_of(deepest) if deepest else []


def region_picker_levels(
    user: AbstractBaseUser | AnonymousUser, chain: list[str], leaf_level: int
) -> list[dict]:
    """One entry per select of the picker: its options and the chosen code.

    Levels down to the user's working area offer a single region each (the area and the regions
    above it): they are chosen for the user and marked `fixed`, so a Kota Bima officer
    starts at the district.
    """
    area = area_of(user)
    area_depth = len(Region.line_of(area)) if area else 0
    levels = []
    parent: str | None = None
    for level in range(1, leaf_level + 1):
        if level > 1 and parent is None:
            options: list[Region] = []
        else:
            options = list(region_choices_for(user, parent).only("code", "name"))
        chosen = chain[level - 1] if len(chain) >= level else None
        if chosen not in {region.code for region in options}:
            chosen = options[0].code if len(options) == 1 else None
        levels.append(
            {
                "level": level,
                "key": LEVEL_KEYS[level],
                "prompt": LEVEL_PROMPTS[level],
                "options": options,
                "chosen": chosen,
                "fixed": level <= area_depth and chosen is not None,
            }
        )
        parent = chosen
    return levels


class RegionPickerWidget(forms.Widget):
    """Province → regency/city → district → village selects, each refilled by htmx from the
    one above, offering only regions inside the user's working area.

    The form value is the deepest code chosen. Set `user` before rendering (RegionField does).
    """

    template_name = "regions/region_picker.html"

    def __init__(self, *, leaf_level: int = Region.Level.VILLAGE, attrs=None):
        super().__init__(attrs)
        self.leaf_level = leaf_level
        self.user: AbstractBaseUser | AnonymousUser | None = None

    def value_from_datadict(self, data, files, name):
        chain = chosen_chain(data, name, self.leaf_level)
        return chain[-1] if chain else ""

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}__{LEVEL_KEYS[level]}" in data for level in LEVEL_KEYS)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value.code if isinstance(value, Region) else (value or "")
        chain = Region.line_of(value) if value else []
        context["picker"] = region_picker_context(
            self.user, name, chain, self.leaf_level, context["widget"]["attrs"].get("id")
        )
        return context


def region_picker_context(
    user, name: str, chain: list[str], leaf_level: int, html_id: str | None = None
) -> dict:
    """What `regions/region_picker.html` needs, for the widget and the htmx refresh alike."""
    levels = region_picker_levels(user, chain, leaf_level)
    return {
        "name": name,
        "id": html_id or f"id_{name}",
        "leaf_level": leaf_level,
        "levels": levels,
        "fixed_names": [level["options"][0].name for level in levels if level["fixed"]],
        "url": reverse("regions:region_picker"),
    }


class RegionField(forms.Field):
    """A region inside the user's working area, picked with `RegionPickerWidget`.

    Call `limit_to(user)` in the form's `__init__`. With `require_leaf`, only a region of
    `leaf_level` (a village, by default) is accepted.
    """

    widget = RegionPickerWidget
    default_error_messages = {
        "out_of_scope": _("Choose a region inside your working area."),
        "not_leaf": _("Choose down to the %(level)s."),
    }

    def __init__(
        self, *, leaf_level: int = Region.Level.VILLAGE, require_leaf: bool = True, **kwargs
    ):
        kwargs.setdefault("widget", RegionPickerWidget(leaf_level=leaf_level))
        super().__init__(**kwargs)
        self.leaf_level = leaf_level
        self.require_leaf = require_leaf
        self.user: AbstractBaseUser | AnonymousUser | None = None

    def limit_to(self, user: AbstractBaseUser | AnonymousUser) -> None:
        self.user = user
        self.widget.user = user

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Region):
            return value
        region = region_in_area(area_of(self.user), str(value)) if self.user is not None else None
        if region is None:
            raise forms.ValidationError(self.error_messages["out_of_scope"], code="out_of_scope")
        if self.require_leaf and region.level != self.leaf_level:
            raise forms.ValidationError(
                self.error_messages["not_leaf"],
                code="not_leaf",
                params={"level": Region.Level(self.leaf_level).label},
            )
        return region

    def prepare_value(self, value):
        return value.code if isinstance(value, Region) else value
