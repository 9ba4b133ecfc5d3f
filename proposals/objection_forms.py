"""The forms of objections: recording one at the desk, and deciding it. They check shape
only; `proposals.objections` checks the rest and its messages land on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Objection, Proposal
from slrt.form_style import StyledForm, styled


class ObjectionForm(forms.Form):
    anonymous = forms.BooleanField(label=_("The objector asks to stay anonymous"), required=False)
    objector_name = forms.CharField(label=_("Objector's name"), max_length=150, required=False)
    objector_contact = forms.CharField(
        label=_("Objector's contact (telephone)"), max_length=60, required=False
    )
    objector_village = forms.ChoiceField(label=_("The objector lives in"), required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = forms.FileField(
        label=_("Photo of the house (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    latitude = forms.CharField(label=_("Latitude"), max_length=20, required=False)
    longitude = forms.CharField(label=_("Longitude"), max_length=20, required=False)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objector_village"].choices = [(r.code, r.name) for r in villages]
        styled(self)


class ObjectionDecideForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Objection.Status.UPHELD, Objection.Status.UPHELD.label),
            (Objection.Status.NOT_UPHELD, Objection.Status.NOT_UPHELD.label),
        ],
        widget=forms.RadioSelect,
    )
    proposal_kind = forms.ChoiceField(
        label=_("Proposal to open when upheld"),
        choices=[
            (Proposal.Kind.EXIT, Proposal.Kind.EXIT.label),
            (Proposal.Kind.CORRECTION, Proposal.Kind.CORRECTION.label),
        ],
        initial=Proposal.Kind.EXIT,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
