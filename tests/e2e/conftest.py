"""Journeys in Debian's Chromium against the live server (pytest-playwright).

The live server runs in a thread while Playwright's sync API holds an event loop, hence
DJANGO_ALLOW_ASYNC_UNSAFE. Each journey starts from committed demo
data (`seed_demo`), signs in through the login page and fails on any console error or any
request to another host than the live server. `make test` runs them in a pytest of their
own, on a fresh test database.
"""

import io
import os
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "journeys"
PASSWORD = "slrt-demo-2026"  # seed_demo's
PHONE = {"width": 390, "height": 844}

# Set for the whole pytest that runs these: the test database is set up and torn down while
# Playwright's loop runs too. No deployment sets it (tests/test_deployment_files.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """On SQLite, a test database in a file, as the demo's: the live server answers a page's
    requests in parallel threads (two photos' thumbnails, each writing the access log), and
    an in-memory database shared between threads refuses a second writer at once ("database
    table is locked") where a file makes it wait (the `timeout` in settings)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "journeys.sqlite3"
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set up as in an Indonesian office (dates in the date fields, for one)."""
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


@pytest.fixture
def demo(live_server, settings):
    """The demo office on the live server: Kota Bima, the catalogue, demo users and cases."""
    settings.TWO_FACTOR_REQUIRED = False  # the journeys are staff work, not the sign-in
    call_command("load_regions", prefix="52.72", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


# What each watched page met, by the page's id: `answered` takes the expected out of it.
_problems_of: dict[int, list[str]] = {}


def watch(page, base: str) -> list[str]:
    """The console errors, uncaught errors and requests to another host than `base` that
    `page` meets from now on: a journey asserts the list is empty at its end."""
    problems: list[str] = []
    _problems_of[id(page)] = problems
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: None if r.url.startswith((base, "data:", "blob:")) else problems.append(r.url),
    )
    return problems


@pytest.fixture
def watched(page, demo):
    """`page`, failing the test at its end on console errors or requests elsewhere."""
    problems = watch(page, demo)
    yield page
    assert problems == []


def answered(page, status: int) -> None:
    """Chromium writes a console error for every answer of 400 or more, a page's or a
    script's: a journey that meets one on purpose (a form refused with 400, a page not
    found) says so here, once per answer. The line must be there; nothing else is taken."""
    line = (
        "Failed to load resource: the server responded with a status of "
        f"{status} ({HTTPStatus(status).phrase})"
    )
    problems = _problems_of[id(page)]
    assert line in problems, problems
    problems.remove(line)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=username]) [type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def pages_in(pdf: bytes) -> int:
    """The pages of a PDF Chromium printed."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def assert_accessible(page) -> None:
    """No serious or critical violation that axe-core finds on the page (labels, contrast,
    names, structure). Run through the DevTools protocol, which the page's CSP allows."""
    page.evaluate("(source) => { if (!window.axe) { (0, eval)(source); } }", AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => ["serious", "critical"].includes(v.impact))
            .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""
    )
    assert violations == [], f"{page.url}: {violations}"


def shot(page, name: str) -> None:
    """A screenshot of the page as the journey sees it, in test-results/journeys/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
