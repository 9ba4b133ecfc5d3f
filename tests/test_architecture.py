"""docs/ARCHITECTURE.md tells the truth: every module, function and file it names exists, and
the apps import one another in the one direction it describes."""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
APPS = [
    "regions",
    "accounts",
    "households",
    "documents",
    "programs",
    "outbox",
    "complaints",
    "referrals",
    "visits",
    "proposals",
    "letters",
    "reports",
]
# The project package's top: what wires every app together. Its other modules are framework
# pieces at the ground floor and import no app.
PROJECT_TOP = ("slrt/urls.py", "slrt/openapi.py", "slrt/management/")
# The imports that point up, each inside the one function that needs it (docs/ARCHITECTURE.md
# says why); any other fails the test.
UPWARD_IMPORTS = {
    ("accounts/admin.py", "households.masking"),
    ("households/services.py", "complaints.models"),
    ("programs/models.py", "referrals.models"),
}

BACKTICKED = re.compile(r"`([^`\s]+)`")
DOTTED = re.compile(r"[a-z_]+(\.[A-Za-z_][A-Za-z0-9_]*)+")
PROJECT_PACKAGES = {*APPS, "slrt", "tests"}


def _named_in_the_document() -> tuple[list[str], list[str]]:
    paths, dotted = [], []
    for name in BACKTICKED.findall(ARCHITECTURE.read_text(encoding="utf-8")):
        if "/" in name:
            paths.append(name)
        elif DOTTED.fullmatch(name) and name.split(".")[0] in PROJECT_PACKAGES:
            dotted.append(name)
    return paths, dotted


def _resolve(name: str) -> object:
    """The module, class, function or constant `name` is, or ImportError/AttributeError."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(name)


def test_the_document_names_files_and_python_names():
    paths, dotted = _named_in_the_document()
    assert len(paths) >= 10 and len(dotted) >= 30  # the checks below read the document


@pytest.mark.parametrize("path", _named_in_the_document()[0])
def test_every_file_the_architecture_names_exists(path):
    assert (ROOT / path).exists(), f"docs/ARCHITECTURE.md names {path}, which is not there"


@pytest.mark.parametrize("name", _named_in_the_document()[1])
def test_every_python_name_the_architecture_names_exists(name):
    try:
        _resolve(name)
    except (ImportError, AttributeError):
        pytest.fail(f"docs/ARCHITECTURE.md names {name}, which is not there")


def test_a_name_that_is_gone_would_be_found():
    with pytest.raises((ImportError, AttributeError)):
        _resolve("referrals.services.referral_teleport")
    with pytest.raises((ImportError, AttributeError)):
        _resolve("households.dtks_copy")


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            guarded.update(ast.walk(node))
    return guarded


def _imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = _type_checking_only(tree)
    modules = set()
    for node in ast.walk(tree):
        if node in guarded:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def _layer(module: str) -> int | None:
    top = module.split(".")[0]
    if top == "slrt":
        return -1
    return APPS.index(top) if top in APPS else None


def upward_imports() -> set[tuple[str, str]]:
    """(file, module) for each import of an app at the same layer's other app or above."""
    found = set()
    for app in ["slrt", *APPS]:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith(PROJECT_TOP):
                continue
            own = _layer(app)
            for module in _imports_of(path):
                layer = _layer(module)
                if layer is not None and module.split(".")[0] != app and layer >= own:
                    found.add((relative, module))
    return found


def test_apps_import_only_the_layers_below_them():
    found = upward_imports()
    assert found - UPWARD_IMPORTS == set(), "imports pointing up (docs/ARCHITECTURE.md)"
    assert UPWARD_IMPORTS - found == set(), "an allowed upward import is gone: drop it here"


def test_an_import_pointing_up_would_be_found(tmp_path, monkeypatch):
    (tmp_path / "regions").mkdir()
    (tmp_path / "regions" / "oops.py").write_text("from households.models import Person\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert upward_imports() == {("regions/oops.py", "households.models")}
