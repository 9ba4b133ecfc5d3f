"""Dates and times are taken in the site's time zone, in one way: `timezone.localdate()`,
`timezone.now()`, `timezone.localtime()`. A naive `date.today()` or `datetime.now()` gives
the server's clock (a baby born this morning in Bima would be "born tomorrow" between 00:00
and 07:00 WIB on a server set to UTC), so the code, its tests and benchmarks included, has
none."""

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _python_files():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith((".", "__"))]
        for name in files:
            if name.endswith(".py"):
                yield Path(folder, name)


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def naive_clock_reads(source: str) -> list[tuple[int, str]]:
    """The lines reading the server's clock without a time zone, with what they call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner, method = _last_name(node.func.value), node.func.attr
        if owner not in ("date", "datetime"):
            continue
        naive_now = method == "now" and not node.args and not node.keywords
        if method in ("today", "utcnow", "utcfromtimestamp") or naive_now:
            found.append((node.lineno, f"{owner}.{method}()"))
    return found


def test_the_scan_finds_each_naive_clock_read():
    source = (
        "import datetime\nfrom datetime import date, datetime as dt\n"
        "a = datetime.date.today()\nb = date.today()\nc = datetime.datetime.now()\n"
        "d = datetime.datetime.utcnow()\ne = datetime.datetime.today()\n"
        "f = datetime.datetime.now(datetime.UTC)\ng = timezone.now()\nh = timezone.localdate()\n"
    )

    assert naive_clock_reads(source) == [
        (3, "date.today()"),
        (4, "date.today()"),
        (5, "datetime.now()"),
        (6, "datetime.utcnow()"),
        (7, "datetime.today()"),
    ]


def test_no_code_reads_the_servers_clock_without_the_sites_time_zone():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for path in _python_files()
        for line, call in naive_clock_reads(path.read_text(encoding="utf-8"))
    ]

    assert len(list(_python_files())) > 100  # the scan does walk the project
    assert found == [], "use django.utils.timezone.localdate() / now():\n" + "\n".join(found)
