"""Database constraints, told to users field by field.

Each constraint a user's input can reach carries a `violation_error_message` in plain words
(and each unique field its `unique` error message), and its model (`ConstraintsByField`)
names the field the message belongs to. Validation (`Model.full_clean`, so every model form,
the admin's too) shows it there rather than as a remark on the whole record; the services
check the same rules, with messages of their own, before they write. Should a write still
break one (a concurrent save got there first), `constraint_violations_as_field_errors` turns
the database's refusal into that field's message, and so does the API's exception handler
(`slrt.api_errors`). A constraint's name is never shown.
"""

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import ClassVar

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, router


class ConstraintsByField:
    """A model mixin: `constraint_fields` maps a constraint's name to the field whose value
    breaks it, where `validate_constraints` puts the constraint's message. The field is one
    the constraint names, so a form without it does not check the constraint at all."""

    constraint_fields: ClassVar[Mapping[str, str]] = {}

    def validate_constraints(self, exclude=None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        using = router.db_for_write(type(self), instance=self)
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    errors.setdefault(constraint_field(model, constraint), []).extend(
                        error.error_list
                    )
        if errors:
            raise ValidationError(errors)


def constraint_field(model: type[models.Model], constraint: models.BaseConstraint) -> str:
    """Where a constraint's violation is shown: the field `constraint_fields` names, the one
    field of a one-field unique constraint (as Django does), else the record as a whole."""
    named = getattr(model, "constraint_fields", {}).get(constraint.name)
    if named:
        return named
    fields = getattr(constraint, "fields", ())
    if isinstance(constraint, models.UniqueConstraint) and len(fields) == 1:
        return fields[0]
    return NON_FIELD_ERRORS


# SQLite says which constraint in the message only: "CHECK constraint failed: name",
# "UNIQUE constraint failed: index 'name'" (a conditional one), "UNIQUE constraint failed:
# table.column, table.column".
SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")
SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '(?P<name>\w+)'")
SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: (?P<columns>\w+\.\w+(?:, \w+\.\w+)*)")
# PostgreSQL's detail of a unique violation: "Key (nik)=(…) already exists."
POSTGRESQL_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=")


def _reported(error: IntegrityError) -> tuple[str, str, tuple[str, ...]]:
    """The constraint's name, its table and the columns of a unique one, as far as the
    database reported them ("" and () where it did not)."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:  # PostgreSQL (psycopg)
        key = POSTGRESQL_KEY.match(diag.message_detail or "")
        columns = tuple(c.strip().strip('"') for c in key["columns"].split(",")) if key else ()
        return diag.constraint_name or "", diag.table_name or "", columns
    text = str(error)
    if found := SQLITE_CHECK.fullmatch(text) or SQLITE_INDEX.fullmatch(text):
        return found["name"], "", ()
    if found := SQLITE_COLUMNS.fullmatch(text):
        pairs = [pair.split(".") for pair in found["columns"].split(", ")]
        return "", pairs[0][0], tuple(column for _table, column in pairs)
    return "", "", ()


def _has_own_message(constraint: models.BaseConstraint) -> bool:
    return constraint.violation_error_message != constraint.default_violation_error_message


def violation_error(error: IntegrityError) -> tuple[type[models.Model], ValidationError] | None:
    """The model and field message of the constraint that `error` reports broken, if it is
    one of ours with a message of its own or a unique field; None for any other."""
    name, table, columns = _reported(error)
    for model in apps.get_models():
        if table and model._meta.db_table != table:
            continue
        for constraint in model._meta.constraints:
            named = name and constraint.name == name
            same_columns = (
                columns
                and isinstance(constraint, models.UniqueConstraint)
                and tuple(model._meta.get_field(f).column for f in constraint.fields) == columns
            )
            if (named or same_columns) and _has_own_message(constraint):
                message = constraint.get_violation_error_message()
                return model, ValidationError({constraint_field(model, constraint): message})
        unique = [f for f in model._meta.fields if f.unique and (f.column,) == columns]
        if table and unique:
            message = model().unique_error_message(model, (unique[0].name,))
            return model, ValidationError({unique[0].name: message})
    return None


@contextmanager
def constraint_violations_as_field_errors(
    *,
    under: Mapping[type[models.Model], str] | None = None,
) -> Iterator[None]:
    """Around a write's transaction (not inside it): a constraint the database refused
    becomes the ValidationError of that constraint's field, or, for a model in `under`, of
    the name given there (`{Person: "members"}`); any other integrity error is raised as it
    is, a bug to see."""
    try:
        yield
    except IntegrityError as error:
        found = violation_error(error)
        if found is None:
            raise
        model, refused = found
        if under and model in under:
            refused = ValidationError({under[model]: refused.messages})
        raise refused from error
