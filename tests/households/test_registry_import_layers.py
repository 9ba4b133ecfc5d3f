"""The registry import's package: imports point down only, its columns are defined once,
and what its PostgreSQL path inserts beside the file's columns comes from the models."""

import ast
import importlib
from pathlib import Path

import pytest
from django.db import connection, models

from households.models import Household, Person
from households.registry_import import extract, setwise

PACKAGE = "households.registry_import"
FOLDER = Path(__file__).resolve().parents[2] / "households" / "registry_import"
# Bottom first: a module may import only those before it.
LAYERS = ["watchers", "result", "extract", "writer", "rowwise", "setwise", "__init__"]


def package_imports(module: str) -> set[str]:
    """The package's modules that `module` imports (absolute or relative)."""
    tree = ast.parse((FOLDER / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x, from .x import y
                base = node.module or ""
                found |= {base} if base else {alias.name for alias in node.names}
            elif node.module and node.module.startswith(PACKAGE + "."):
                found.add(node.module.removeprefix(PACKAGE + ".").split(".")[0])
            elif node.module == PACKAGE:
                found |= {alias.name for alias in node.names if alias.name in LAYERS} or {
                    "__init__"
                }
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name.removeprefix(PACKAGE + ".").split(".")[0])
    return found


def test_every_module_of_the_package_is_in_a_layer():
    assert {path.stem for path in FOLDER.glob("*.py")} == set(LAYERS)


@pytest.mark.parametrize("module", LAYERS)
def test_a_module_imports_only_the_modules_below_it(module):
    importlib.import_module(PACKAGE if module == "__init__" else f"{PACKAGE}.{module}")
    below = set(LAYERS[: LAYERS.index(module)])
    assert package_imports(module) <= below, f"{module} imports a module above it"


def test_the_old_modules_are_gone():
    root = FOLDER.parent
    assert not (root / "dtks.py").exists() and not (root / "dtks_copy.py").exists()


def test_each_column_is_one_row_of_the_table_and_fills_a_model_field():
    names = [column.name for column in extract.COLUMNS]
    assert len(names) == len(set(names))
    for column in extract.COLUMNS:
        assert column.model_field is not None  # FieldDoesNotExist otherwise
        if column.kind in (extract.Kind.KEY, extract.Kind.TEXT):
            assert column.limit == column.model_field.max_length


def written_by_the_insert(model) -> set[str]:
    if model is Household:
        return {*setwise.HOUSEHOLD_COLUMNS, "desil_source", "desil_date"}
    return {"household_id", *setwise.PERSON_COLUMNS}


@pytest.mark.parametrize("model", [Household, Person])
def test_every_column_the_file_does_not_set_gets_the_models_default(model):
    written = written_by_the_insert(model)
    unset = {column: (sql, params) for column, sql, params in
             setwise.unset_columns(model, sorted(written))}  # fmt: skip
    columns = {field.column for field in model._meta.concrete_fields if not field.primary_key}
    assert set(unset) | written == columns
    for field in model._meta.concrete_fields:
        if field.column not in unset:
            continue
        sql, params = unset[field.column]
        if field.column in ("created_at", "updated_at"):
            assert sql == "now()"
        else:
            assert params == [field.get_db_prep_save(field.get_default(), connection)]


class _Meta:
    def __init__(self, *fields):
        self.concrete_fields = fields


def _field(name: str, field: models.Field) -> models.Field:
    field.set_attributes_from_name(name)
    return field


def test_a_new_field_is_inserted_with_its_default_or_refused_at_once():
    """A field added to Person later: its default goes into the INSERT; a field that has
    none and takes no NULL stops the import before it writes anything."""
    model = type("NewPerson", (), {"_meta": _Meta(
        _field("id", models.BigAutoField(primary_key=True)),
        _field("nik", models.CharField(max_length=16, null=True)),
        _field("visits", models.PositiveSmallIntegerField(default=3)),
        _field("notes", models.CharField(max_length=20)),
        _field("seen_at", models.DateTimeField(auto_now=True)),
    )})  # fmt: skip
    unset = setwise.unset_columns(model, ["nik"])
    assert unset == [("visits", "%s", [3]), ("notes", "%s", [""]), ("seen_at", "now()", [])]

    model._meta.concrete_fields += (_field("count", models.IntegerField()),)
    with pytest.raises(ValueError, match="count"):
        setwise.unset_columns(model, ["nik"])
