"""Staff pages under load: locust against gunicorn with two workers, in the same run as the
same load on a bare Django view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/pages.py [--households 20000] [--users 20] [--seconds 60] [--keep]

Builds (or, with `--keep`, reuses) the benchmarks' throwaway database with a generated
registry of Kota Bima and the catalogue, a front-office and a back-office user and some
complaints; collects the static files and starts gunicorn (two sync workers, DEBUG off, the
environment's broker if any). Then two headless locust runs of `--users` users that do not
pause between pages (`bench/locustfile.py`):

- the journeys: half the users are front office (search by NIK, open the household,
  register a complaint, print the receipt), half back office (the queue, a complaint, the
  referrals);
- the reference: the same number of users asking `/healthz`, a Django view through the whole
  middleware that runs one trivial query.

It prints requests per second, p50 and p95 and failures of each, and the ratio of the
journeys' throughput to the reference's: goals ≥ 0.3, p95 ≤ 300 ms, no failure.
"""

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()


from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import REGION, bench_registry, database_url, require_postgresql  # noqa: E402
from complaints.models import Complaint, ComplaintCategory  # noqa: E402
from complaints.services import complaint_register  # noqa: E402
from households.models import Person  # noqa: E402
from regions.models import Region  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"ratio": 0.3, "p95_ms": 300}


def prepare(folder: Path) -> Path:
    """The users, some complaints, and the data file the locust users read."""
    password = secrets.token_urlsafe()
    scope = Region.objects.get(code=REGION)
    users = {role: staff_user_upsert(username=f"bench-{short}", password=password, role=role,
                                     scope=scope)
             for short, role in (("fo", Role.FRONT_OFFICE), ("bo", Role.BACK_OFFICE))}  # fmt: skip
    heads = list(
        Person.objects.filter(relationship="head", nik__isnull=False)
        .order_by("?")
        .values("id", "nik", "household")[:500]
    )
    category = ComplaintCategory.objects.filter(is_active=True, parent__isnull=False).first()
    if not Complaint.objects.exists():
        for head in heads[:100]:
            person = Person.objects.select_related("household").get(pk=head["id"])
            complaint_register(
                actor=users[Role.FRONT_OFFICE], household=person.household, category=category,
                channel="walk_in", description="Butuh bantuan", complainant=person,
                consent_given=True,
            )  # fmt: skip
    data = {
        "password": password,
        "people": heads,
        "category": category.pk,
        "complaints": list(Complaint.objects.values_list("pk", flat=True)[:200]),
    }
    path = folder / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "slrt.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer: see {log}")


def locust(users: int, seconds: int, classes: list[str], port: int, env: dict, out: Path) -> dict:
    """One headless locust run; its aggregated figures."""
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--users", str(users), "--spawn-rate", str(users),
         "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(out),
         "--only-summary", "--loglevel", "WARNING", *classes],
        env=env, check=False, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{out}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Signing in (once per user, a deliberately slow password hash) is not a page of the
    # journeys: the figures are the pages'. Their p95 is the worst page's.
    pages = [row for row in rows if row["Name"] not in ("Aggregated", "sign in")]
    signed_in = [row for row in rows if row["Name"] == "sign in"]
    return {
        "requests": sum(int(row["Request Count"]) for row in pages),
        "failures": sum(int(row["Failure Count"]) for row in pages + signed_in),
        "rps": sum(float(row["Requests/s"]) for row in pages),
        "p50": max(float(row["50%"]) for row in pages),
        "p95": max(float(row["95%"]) for row in pages),
        "pages": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    with (
        bench_registry(households=options.households, keep=options.keep, catalogue=True),
        tempfile.TemporaryDirectory() as folder,
    ):
        run(Path(folder), options.users, options.seconds)


def run(folder: Path, users: int, seconds: int) -> None:
    data = prepare(folder)
    env = {
        **os.environ, "DATABASE_URL": database_url(), "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "SLRT_REQUIRE_2FA": "false", "SECURE_COOKIES": "false", "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0", "AXES_FAILURE_LIMIT": "1000", "BENCH_DATA": str(data),
    }  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=env, check=True)  # fmt: skip
    port = free_port()
    server = start_gunicorn(env, port, folder / "gunicorn.log")
    try:
        journeys = locust(users, seconds, ["FrontOffice", "BackOffice"], port, env,
                          folder / "journeys")  # fmt: skip
        bare = locust(users, seconds, ["Bare"], port, env, folder / "bare")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"Staff pages under load: gunicorn, 2 sync workers; {users} locust users without "
          f"pauses for {seconds} s each run; {os.cpu_count()} CPUs shared by all")  # fmt: skip
    print(f"{'run (p50, p95: the slowest page)':<40} {'requests':>8} {'req/s':>7} {'p50':>6} "
          f"{'p95':>6} {'failed':>6}")  # fmt: skip
    for label, result in (
        ("front- and back-office journeys", journeys),
        ("bare view /healthz", bare),
    ):
        print(f"{label:<40} {result['requests']:>8,} {result['rps']:>7.1f} "
              f"{result['p50']:>4.0f}ms {result['p95']:>4.0f}ms "
              f"{result['failures']:>6}")  # fmt: skip
    for page in journeys["pages"]:
        print(f"  {page['Type']} {page['Name']:<35} {int(page['Request Count']):>8,} "
              f"{float(page['Requests/s']):>7.1f} {float(page['50%']):>4.0f}ms "
              f"{float(page['95%']):>4.0f}ms {int(page['Failure Count']):>6}")  # fmt: skip
    ratio = journeys["rps"] / bare["rps"]
    met = (ratio >= GOALS["ratio"] and journeys["p95"] <= GOALS["p95_ms"]
           and journeys["failures"] == 0)  # fmt: skip
    print(
        f"throughput ratio journeys ÷ bare view: {ratio:.2f} (goal ≥ {GOALS['ratio']}); "
        f"p95 goal ≤ {GOALS['p95_ms']} ms; no failure: {'met' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
