"""What every list page's filters share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class ListFilterSet(django_filters.FilterSet):
    """Filters styled for Bootstrap, each choice list opening on "All".

    Styled when the form is first built, so that subclasses may still narrow a filter's
    choices (a user's districts) in their `__init__`.
    """

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                _style(field)
        return super().form


def _style(field: forms.Field) -> None:
    if not isinstance(field.widget, forms.Select):
        field.widget.attrs.setdefault("class", "form-control")
        return
    field.widget.attrs.setdefault("class", "form-select")
    if hasattr(field, "empty_label"):
        field.empty_label = _("All")
        # The widget still lists the choices of the class's field, copied with the form.
        field.widget.choices = field.choices
    elif getattr(field, "choices", None) and next(iter(field.choices))[0] == "":
        field.choices = [("", _("All")), *list(field.choices)[1:]]
