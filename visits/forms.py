"""The shapes of the visit pages' forms. What a value means (a due date in the past, a
facilitator outside the area, a point outside Indonesia, the photos a verdict needs) is
`visits.services`' to refuse."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from households.models import Household
from slrt.date_inputs import LocalDateField
from slrt.field_errors import add_service_errors
from slrt.form_style import styled
from visits.models import OBSERVED_FIELDS, Visit


class FacilitatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class VisitRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the visit"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the household is to be visited.")},
    )
    due = LocalDateField(
        label=_("Due"),
        required=False,
        help_text=_("Empty: %(days)s working days from today."),
    )
    assignee = FacilitatorChoiceField(
        label=_("Facilitator"),
        queryset=None,
        required=False,
        empty_label=_("— assign later —"),
    )

    def __init__(self, *args, facilitators, may_assign: bool, due_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due"].help_text = self.fields["due"].help_text % {"days": due_days}
        if may_assign:
            self.fields["assignee"].queryset = facilitators
        else:
            del self.fields["assignee"]
        styled(self)


class VisitAssignForm(forms.Form):
    assignee = FacilitatorChoiceField(
        label=_("Facilitator"),
        queryset=None,
        error_messages={"required": _("Choose the facilitator.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = facilitators
        styled(self)


class VisitCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the visit cancelled?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the visit is cancelled.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)


YES_NO = [("", "—"), ("true", _("yes")), ("false", _("no"))]


def _observed_field(name: str) -> forms.Field:
    """A form field for the household variable `name`, shaped as the registry records it."""
    model_field = Household._meta.get_field(name)
    label = capfirst(model_field.verbose_name)  # a label, as the form's others: Lantai
    if model_field.get_internal_type() == "BooleanField":
        return forms.ChoiceField(label=label, choices=YES_NO, required=False)
    if model_field.choices:
        return forms.ChoiceField(
            label=label,
            choices=[("", "—"), *model_field.choices],
            required=False,
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def observed_initial(household: Household) -> dict:
    """The form's variables prefilled with what the registry records."""
    initial = {}
    for name in OBSERVED_FIELDS:
        value = getattr(household, name)
        if isinstance(value, bool):
            value = "true" if value else "false"
        initial[name] = "" if value is None else str(value)
    return initial


class VisitSubmitForm(forms.Form):
    """The facilitator's form on the phone. The variables carry the household field names
    (`floor_material` …); the photos are sent with it, stored with the submission or not at
    all."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    met_name = forms.CharField(label=_("Person met"), max_length=150, required=False)
    members_present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo_front = forms.FileField(
        label=_("Photo of the front of the house"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    photo_inside = forms.FileField(
        label=_("Photo of the inside of the house"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    gps_consent = forms.BooleanField(
        label=_("The resident agrees that the location is recorded"), required=False
    )
    latitude = forms.CharField(
        label=_("Latitude"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    longitude = forms.CharField(
        label=_("Longitude"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    no_location_reason = forms.CharField(
        label=_("Why is there no location?"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Not required here: an empty verdict is the service's to refuse, with every other
    # mistake of the sending at once.
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Visit.Verdict.choices, widget=forms.RadioSelect,
        required=False,
    )  # fmt: skip

    def __init__(self, *args, visit: Visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].queryset = visit.household.members.order_by("pk")
        for name in OBSERVED_FIELDS:
            self.fields[name] = _observed_field(name)
        styled(self)

    def observed_fields(self):
        return [self[name] for name in OBSERVED_FIELDS]

    def observed(self) -> dict:
        """The variables as typed; empty ones are not observed."""
        return {
            name: self.cleaned_data[name]
            for name in OBSERVED_FIELDS
            if self.cleaned_data.get(name) not in (None, "")
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service names a variable `observed.floor_area`; the form, `floor_area`."""
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {key.removeprefix("observed."): messages
                 for key, messages in error.error_dict.items()}
            )  # fmt: skip
        add_service_errors(self, error)
