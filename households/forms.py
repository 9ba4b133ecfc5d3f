"""Forms of the registry."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Household, Person
from households.phones import ContactChannel, normalize_phone
from households.rules import NEIGHBOURHOOD_FIELDS, neighbourhood_number
from regions.forms import RegionField
from slrt.date_inputs import INVALID_DATE, LocalDateInput

CHOOSE_LABEL = _("— choose —")


def label_empty_choices(form: forms.BaseForm) -> None:
    """Django's empty choice reads "---------"; say "— choose —" instead."""
    for field in form.fields.values():
        choices = getattr(field, "choices", None)
        if isinstance(field, forms.ModelChoiceField) or not choices:
            continue
        choices = list(choices)
        if choices[0][0] == "" and str(choices[0][1]).startswith("---"):
            field.choices = [("", CHOOSE_LABEL), *choices[1:]]


# A phone number as typed: spaces and dashes are fine, `normalize_phone` reads them; the
# length is the rule's to judge, not the browser's.
PHONE_INPUT = forms.TextInput(
    attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812-3456-7890"}
)


class ContactFieldsMixin:
    """For a model form with `phone`, `contact_channel` and `contact_consent`: the phone is
    judged by `normalize_phone` alone (`0812-3456-7890` as typed is longer than its E.164)
    and kept in E.164; a form sent without the channel (an older page, a script) means "do
    not contact". Whether the channel has its phone and consent is the domain's rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        phone = self.fields["phone"]
        phone.max_length = None
        phone.validators = []
        phone.widget.attrs.pop("maxlength", None)
        self.fields["contact_channel"].required = False

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_contact_channel(self) -> str:
        return self.cleaned_data["contact_channel"] or ContactChannel.NONE

    def _get_validation_exclusions(self) -> set[str]:
        # The model's check of the channel (its constraint, one message for the pair) is
        # left to the domain's rule, which says which field is missing.
        return {*super()._get_validation_exclusions(), "contact_channel"}


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
            "rt": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "003"}),
            "rw": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "001"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["kk_number"].validators = []  # unique-check is the service's, with its message
        for name in NEIGHBOURHOOD_FIELDS:
            # The one rule (`neighbourhood_number`) says what is wrong, "abcd" included.
            self.fields[name].max_length = None
            self.fields[name].validators = []
            self.fields[name].widget.attrs.pop("maxlength", None)
            self.fields[name].help_text = _("Up to three digits; 3 is kept as 003.")
        if self.instance.pk:
            self.initial["region"] = self.instance.region_id
        label_empty_choices(self)

    def clean_rt(self) -> str:
        return neighbourhood_number(self.cleaned_data["rt"])

    def clean_rw(self) -> str:
        return neighbourhood_number(self.cleaned_data["rw"])

    def validate_unique(self):
        """Uniqueness is checked by the service, which also covers concurrent saves."""


class MemberForm(ContactFieldsMixin, forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = [
            "name", "nik", "relationship", "sex", "birth_date", "birth_place", "marital_status",
            "schooling", "school_participation", "occupation", "disability", "chronic_illness",
            "is_pregnant", "phone", "contact_channel", "contact_consent",
        ]  # fmt: skip
        widgets = {
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
            "birth_date": LocalDateInput(),
            "phone": PHONE_INPUT,
        }
        error_messages = {"birth_date": {"invalid": INVALID_DATE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self)

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
