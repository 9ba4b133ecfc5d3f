from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessLog


class ExportForm(forms.Form):
    """Why a list leaves the system: asked before each export and kept in the access log."""

    PURPOSES = [
        (AccessLog.Purpose.SUPERVISION, AccessLog.Purpose.SUPERVISION.label),
        (AccessLog.Purpose.PROGRAM_PLANNING, AccessLog.Purpose.PROGRAM_PLANNING.label),
    ]

    purpose = forms.ChoiceField(
        label=_("Purpose of this export"),
        choices=[("", "—"), *PURPOSES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
