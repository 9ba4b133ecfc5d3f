"""Forms of the registry, and the region picker every form that asks for a place uses."""

import re

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.selectors import scope_code_of
from households.models import Household, Person, Region
from households.regions import REGION_CODE_RE
from households.selectors import region_choices_for, region_in_scope

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
        if not REGION_CODE_RE.fullmatch(code) or code.count(".") + 1 != level:
            break
        if deepest and not Region.code_is_within(code, deepest):
            break
        deepest = code
    return [*Region.ancestor_codes_of(deepest), deepest] if deepest else []


def region_picker_levels(
    user: AbstractBaseUser | AnonymousUser, chain: list[str], leaf_level: int
) -> list[dict]:
    """One entry per select of the picker: its options and the chosen code.

    Levels down to the user's scope offer a single region each (the scope and the regions
    above it): they are chosen for the user and marked `fixed`, so a Kota Bima officer
    starts at the district.
    """
    scope = scope_code_of(user)
    scope_depth = scope.count(".") + 1 if scope else 0
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
                "fixed": level <= scope_depth and chosen is not None,
            }
        )
        parent = chosen
    return levels


class RegionPickerWidget(forms.Widget):
    """Province → regency/city → district → village selects, each refilled by htmx from the
    one above, offering only regions inside the user's scope.

    The form value is the deepest code chosen. Set `user` before rendering (RegionField does).
    """

    template_name = "includes/region_picker.html"

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
        chain = [*Region.ancestor_codes_of(value), value] if value else []
        context["picker"] = region_picker_context(
            self.user, name, chain, self.leaf_level, context["widget"]["attrs"].get("id")
        )
        return context


def region_picker_context(
    user, name: str, chain: list[str], leaf_level: int, html_id: str | None = None
) -> dict:
    """What `includes/region_picker.html` needs, for the widget and the htmx refresh alike."""
    levels = region_picker_levels(user, chain, leaf_level)
    return {
        "name": name,
        "id": html_id or f"id_{name}",
        "leaf_level": leaf_level,
        "levels": levels,
        "fixed_names": [level["options"][0].name for level in levels if level["fixed"]],
        "url": reverse("households:region_picker"),
    }


class RegionField(forms.Field):
    """A region inside the user's scope, picked with `RegionPickerWidget`.

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
        region = region_in_scope(self.user, str(value)) if self.user is not None else None
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


class HouseholdFilterForm(forms.Form):
    """The household list's filters."""

    region = RegionField(label=_("Region"), required=False, require_leaf=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)


class RegistrySearchForm(forms.Form):
    q = forms.CharField(
        label=_("NIK, KK number or name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "inputmode": "search",
                "type": "search",
            }
        ),
    )


class HouseholdForm(forms.ModelForm):
    """The household part of the register/edit page. Rules across fields and members live in
    `households.services.validate_household_input`; this form only checks shapes."""

    region = RegionField(label=_("Region"))

    class Meta:
        model = Household
        fields = [
            "kk_number", "region", "address", "rt", "rw",
            "floor_material", "wall_material", "roof_material", "floor_area", "tenure",
            "water_source", "lighting", "cooking_fuel", "toilet", "monthly_income",
            "owns_land", "owns_other_house", "owns_refrigerator", "owns_air_conditioner",
            "owns_motorcycle", "owns_car", "owns_gold",
        ]  # fmt: skip
        widgets = {
            "kk_number": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "rt": forms.TextInput(attrs={"inputmode": "numeric"}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["kk_number"].validators = []  # unique-check is the service's, with its message
        if self.instance.pk:
            self.initial["region"] = self.instance.region_id

    def validate_unique(self):
        """Uniqueness is checked by the service, which also covers concurrent saves."""


class MemberForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = [
            "name", "nik", "relationship", "sex", "birth_date", "birth_place", "marital_status",
            "schooling", "school_participation", "occupation", "disability", "chronic_illness",
            "is_pregnant",
        ]  # fmt: skip
        widgets = {
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def validate_unique(self):
        """NIK uniqueness is checked by the service, across the household's members too."""


MAX_MEMBERS = 30

MemberFormSet = forms.formset_factory(
    MemberForm,
    extra=0,
    can_delete=True,
    min_num=1,
    validate_min=True,
    max_num=MAX_MEMBERS,
    validate_max=True,
    absolute_max=MAX_MEMBERS,  # a tampered TOTAL_FORMS builds no more forms than this
)


class DuplicateDecisionForm(forms.Form):
    NOT_DUPLICATE = "not_duplicate"
    KEEP_FIRST = "keep_first"
    KEEP_SECOND = "keep_second"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (NOT_DUPLICATE, _("Two different people: keep both records")),
            (
                KEEP_FIRST,
                _("One person, who belongs in the first household: remove the second record"),
            ),
            (
                KEEP_SECOND,
                _("One person, who belongs in the second household: remove the first record"),
            ),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RegistryImportForm(forms.Form):
    """An extract of the national registry to import: CSV, UTF-8, one row per person.
    With `too_large` (`request.upload_too_large`, see `slrt.uploads`), the upload was
    stopped while received, or refused by its declared length: the field says so."""

    file = forms.FileField(
        label=_("Registry extract (CSV)"),
        help_text=_(
            "UTF-8, separated by commas or semicolons, one row per person, with the columns "
            "dtks_id, kk_number, region_code, nik, name, sex, birth_date and relationship "
            "at least."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:
            self.fields["file"].required = False

    def clean_file(self):
        if self.too_large:
            from households.services import registry_upload_too_large_message

            raise forms.ValidationError(registry_upload_too_large_message(), code="too_large")
        return self.cleaned_data["file"]
