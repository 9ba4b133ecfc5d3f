"""The forms of a proposal's pages: opening one (with a correction's table of variables) and
moving it. They read shapes only; the rules are `proposals.services`'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Household, Person
from proposals.corrections import HOUSEHOLD_FIELDS, PERSON_FIELDS
from proposals.models import Proposal
from slrt.form_style import StyledForm, styled

CHANGE_PREFIX = "changes."


def _change_field(model, name: str) -> forms.Field:
    """The new value of one variable: empty keeps the recorded one."""
    field = model._meta.get_field(name)
    label = field.verbose_name
    if field.choices:
        choices = [("", _("— unchanged —")), *[(str(k), v) for k, v in field.choices]]
        return forms.ChoiceField(label=label, choices=choices, required=False)
    if name == "birth_date":
        return forms.CharField(
            label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
    attrs = {"inputmode": "numeric"} if name in ("nik", "kk_number", "rt", "rw") else {}
    return forms.CharField(
        label=label,
        required=False,
        max_length=getattr(field, "max_length", None) or 255,
        widget=forms.TextInput(attrs=attrs),
    )


def _member_label(person: Person) -> str:
    if person.is_active:
        return person.name
    return f"{person.name} ({person.get_status_display()})"


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Proposal.Kind.choices)
    person = forms.ModelChoiceField(
        label=_("Member"), queryset=Person.objects.none(), required=False,
        empty_label=_("— the household as a whole —"),
    )  # fmt: skip
    exit_reason = forms.ChoiceField(
        label=_("Reason for exit"), required=False,
        choices=[("", "—"), *Proposal.ExitReason.choices],
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        # Every member, those who died or moved out too: their exit is proposed after the
        # office recorded it (the service refuses any other kind for them).
        self.fields["person"].queryset = household.members.order_by("pk")
        self.fields["person"].label_from_instance = _member_label
        for name in PERSON_FIELDS:
            self.fields[CHANGE_PREFIX + name] = _change_field(Person, name)
        for name in HOUSEHOLD_FIELDS:
            self.fields[CHANGE_PREFIX + name] = _change_field(Household, name)
        styled(self)

    def person_change_fields(self):
        return [self[CHANGE_PREFIX + name] for name in PERSON_FIELDS]

    def household_change_fields(self):
        return [self[CHANGE_PREFIX + name] for name in HOUSEHOLD_FIELDS]

    def changes(self) -> dict:
        """The variables given a new value, for a correction."""
        return {
            name[len(CHANGE_PREFIX) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(CHANGE_PREFIX) and value not in ("", None)
        }


class TransitionForm(StyledForm):
    to = forms.ChoiceField(choices=Proposal.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProposalFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *Proposal.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *Proposal.Kind.choices]
    )
    month = forms.DateField(
        label=_("Batch month"), required=False, input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )  # fmt: skip
