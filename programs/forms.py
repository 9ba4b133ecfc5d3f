from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import scope_code_of
from programs.models import Program
from regions.forms import RegionField


class ScreeningForm(forms.Form):
    """What a supervisor screens: one programme, over their area or a part of it."""

    program = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Program.objects.filter(is_active=True).order_by("code"),
        empty_label=_("— choose —"),
    )
    region = RegionField(label=_("Region"), require_leaf=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].limit_to(user)
        self.fields["region"].initial = scope_code_of(user)
