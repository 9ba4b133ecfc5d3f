"""Bootstrap's classes on a form's widgets, in one place: a select is a `form-select`, a box
or a radio a `form-check-input`, any other field a `form-control`. A class a field sets
itself is kept."""

from django import forms

CHECKS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


def styled(form: forms.BaseForm) -> None:
    """Give every visible widget of `form` its class (call it once the fields are set)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, CHECKS):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    """A form styled as it is made. A subclass that adds fields in its own `__init__` calls
    `styled(self)` after adding them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        styled(self)
