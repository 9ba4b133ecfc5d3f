"""Date fields written the Indonesian way, DD-MM-YYYY, whatever the browser's language.

An `<input type="date">` shows the browser's own order (mm/dd/yyyy in an English Chromium, the
phones of many offices) and its own English messages. These fields are text boxes that show
and read `17-08-1990` (also `17/08/1990`, and the ISO `1990-08-17` that scripts and older
pages send: `slrt/formats/id/formats.py`), and refuse anything else with one Indonesian
sentence.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

DISPLAY_FORMAT = "%d-%m-%Y"
INVALID_DATE = _("Write the date as DD-MM-YYYY, for example 17-08-1990.")


class LocalDateInput(forms.DateInput):
    """A text box showing the date as DD-MM-YYYY, with that as its placeholder."""

    def __init__(self, attrs: dict | None = None):
        defaults = {"placeholder": _("DD-MM-YYYY"), "autocomplete": "off", "maxlength": 10}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DISPLAY_FORMAT)


class LocalDateField(forms.DateField):
    """A date field read as DD-MM-YYYY (or ISO), with its message in Indonesian."""

    widget = LocalDateInput
    default_error_messages = {"invalid": INVALID_DATE}
