"""What every list page's filters share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class SearchField(forms.CharField):
    """A list's search box: at least `min_chars` characters besides spaces, or a message."""

    def __init__(self, *args, min_chars: int = 3, **kwargs):
        self.min_chars = min_chars
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "search", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and len("".join(value.split())) < self.min_chars:
            raise forms.ValidationError(
                _("Type at least %(count)s characters to search.") % {"count": self.min_chars},
                code="too_short",
            )
        return value


class SearchFilter(django_filters.CharFilter):
    """A list's search box (`q`), applied by the filter set's `method`."""

    field_class = SearchField


class ListFilterSet(django_filters.FilterSet):
    """Filters styled for Bootstrap, each choice list opening on "All".

    Styled when the form is first built, so that subclasses may still narrow a filter's
    choices (a user's districts) in their `__init__`.
    """

    @property
    def filters_used(self) -> bool:
        """Whether a filter besides the search box (`q`) was given: the filters unfold."""
        return any(self.data.get(name) for name in self.filters if name != "q")

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
