"""A service's `ValidationError`, shown field by field on the pages.

Services raise `django.core.exceptions.ValidationError` keyed by field name. A field of one
item of a list the service was given (the second member of a household) is keyed by its path,
`members[1].nik` (`item_path`); the list's own name (`members`) holds what concerns the list
as a whole. `add_service_errors` puts the messages on a form and its formsets; the API's
exception handler (`slrt.api_errors`) nests the same paths in JSON.
"""

import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

ITEM_PATH = re.compile(r"(?P<name>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)")


def item_path(name: str, index: int, field: str) -> str:
    """`item_path("members", 1, "nik")` → `members[1].nik`."""
    return f"{name}[{index}].{field}"


def formset_rows(formset: forms.BaseFormSet) -> list[forms.BaseForm]:
    """The forms of a validated formset that stand for an item: filled in (or required)
    and not deleted, in order, valid or not. A service's `name[i]` counts these."""
    return [
        f
        for f in formset.forms
        if (f.has_changed() or not f.empty_permitted) and not f.cleaned_data.get("DELETE")
    ]


def _add(form: forms.BaseForm, field: str, messages: list[str]) -> None:
    target = field if field in form.fields else None
    if target is not None and target in form.errors:
        return  # the field's own message (a value it could not read) comes first
    for message in messages:
        form.add_error(target, message)


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    formsets: Mapping[str, forms.BaseFormSet] | None = None,
) -> None:
    """Put a service's `error` on `form`, each message at its field; one about no field of
    the form goes to its non-field errors; a field the form refused already keeps only its
    own messages. With `formsets` (by the name of the list they
    submit, `{"members": formset}`), `members[1].nik` goes to field `nik` of the second of
    `formset_rows(formset)` and `members` to the formset's own errors."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        _add(form, NON_FIELD_ERRORS, error.messages)
        return
    rows = {name: formset_rows(formset) for name, formset in formsets.items()}
    for key, messages in error.message_dict.items():
        path = ITEM_PATH.fullmatch(key)
        if path and path["name"] in rows:
            items, index = rows[path["name"]], int(path["index"])
            _add(items[index] if index < len(items) else form, path["field"], messages)
        elif key in formsets:
            formsets[key].non_form_errors().extend(messages)
        else:
            _add(form, key, messages)
