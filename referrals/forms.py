from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Program
from referrals.models import Referral


class ReferralCreateForm(forms.Form):
    """The programmes (of those matching the needs) to refer to, and the notes they share."""

    program = forms.ModelMultipleChoiceField(
        label=_("Programmes"),
        queryset=Program.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one programme.")},
    )
    notes = forms.CharField(
        label=_("Notes for the agency"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the household does not qualify under a programme's rule: "
                    "say why you refer it anyway."),
    )  # fmt: skip

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class ReferralTransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Referral.Status.choices)
    note = forms.CharField(required=False, max_length=2000)
    version = forms.IntegerField(min_value=1)
