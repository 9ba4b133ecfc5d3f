"""The front office's registry search through the API against `/healthz`, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/search.py [--households 20000] [--requests 300] [--keep]

Builds (or, with `--keep`, reuses) the benchmarks' throwaway database with a generated
registry of Kota Bima. A front-office user of one district then asks the household API
(`GET /api/v1/households/?q=…`, Django's test client, with an API token) for NIKs of the
district, and for their names with one typing error, interleaved at random with
`GET /healthz` as a monitor asks it, without signing in (it asks the database and the broker
whether they are up). Each NIK must find its household; how often the first answer to a
name has someone of that name is printed. It prints the p50 and p95 of each, the ratio of
the p95 to that of `/healthz` (goals ≤ 2× for a NIK, ≤ 5× for a name), and to that of
`GET /api/v1/me/`, the cheapest signed-in API call: what the search itself adds.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()
# The API is served without collectstatic here; WhiteNoise says so once, harmlessly.
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import bench_registry, postgresql_version, require_postgresql  # noqa: E402
from households.models import Household, Person  # noqa: E402
from households.names import normalize_name  # noqa: E402
from regions.models import Region  # noqa: E402

GOALS = {"NIK": 2.0, "name": 5.0}


def misspelt(name: str) -> str:
    """The name with the last two letters of its longest word swapped, when it has six
    letters or more (`Hidayat` → `Hidayta`): a typing error the search must forgive."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 6:
        words[longest] = word[:-2] + word[-1] + word[-2]
    return " ".join(words)


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300, help="of each kind (300)")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    with bench_registry(households=options.households, keep=options.keep):
        run(options.requests)


def run(count: int) -> None:
    rng = random.Random(7)  # noqa: S311 - the same requests in every run
    district = Household.objects.values_list("region__parent_id", flat=True).order_by("pk").first()
    clerk = staff_user_upsert(
        username="bench-front-office",
        password=secrets.token_urlsafe(),
        role=Role.FRONT_OFFICE,
        scope=Region.objects.get(code=district),
    )
    token, _created = Token.objects.get_or_create(user=clerk)
    api = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0], HTTP_AUTHORIZATION=f"Token {token.key}")
    monitor = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])  # /healthz is asked without signing in
    people = list(
        Person.objects.filter(household__region__parent_id=district, nik__isnull=False)
        .order_by("?")
        .values_list("nik", "name", "household_id")[:count]
    )
    persons = Person.objects.count()
    in_district = Person.objects.filter(household__region__parent_id=district).count()
    requests = [("healthz", None)] * count + [("me", None)] * count
    requests += [("NIK", person) for person in people] + [("name", person) for person in people]
    rng.shuffle(requests)

    def ask(kind: str, person) -> float:
        if kind in ("healthz", "me"):
            url, query = ("/healthz" if kind == "healthz" else "/api/v1/me/"), {}
        else:
            nik, name, _household = person
            url, query = "/api/v1/households/", {"q": nik if kind == "NIK" else misspelt(name)}
        client = monitor if kind == "healthz" else api
        started = time.perf_counter()
        response = client.get(url, query, secure=True)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{url} {query}: {response.status_code} {response.content[:300]}")
        if kind == "NIK" and response.json()["results"][0]["id"] != person[2]:
            sys.exit(f"{url} {query}: not the NIK's household")
        if kind == "name":
            # A generated registry repeats its names: finding the very household is luck
            # among namesakes. What is measured is the typing error forgiven: the first
            # answer has someone of the person's name.
            first = response.json()["results"][:1]
            names = {normalize_name(member["name"]) for home in first for member in home["members"]}
            found[normalize_name(person[1]) in names] += 1
        return seconds

    found = {True: 0, False: 0}
    for kind, person in requests[:30]:  # warm the caches and the connection
        ask(kind, person)
    found = {True: 0, False: 0}
    times: dict[str, list[float]] = {"healthz": [], "me": [], "NIK": [], "name": []}
    for kind, person in requests:
        times[kind].append(ask(kind, person))
    version = postgresql_version()
    print(f"Registry search through the API: {persons:,} persons, a front-office user of "
          f"{district} ({in_district:,} persons); PostgreSQL {version}, "
          f"{len(times['NIK'])} requests of each kind, interleaved")  # fmt: skip
    print(f"{'request':<34} {'p50':>8} {'p95':>8} {'÷ healthz':>10} {'goal':>6} {'÷ me':>6}")
    reference = percentile(times["healthz"], 0.95)
    api_reference = percentile(times["me"], 0.95)
    labels = {"healthz": "GET /healthz (no sign-in)", "me": "GET /api/v1/me/ (token)",
              "NIK": "NIK lookup (?q=NIK)", "name": "name search, one typo (?q=name)"}  # fmt: skip
    for kind, values in times.items():
        p95 = percentile(values, 0.95)
        goal = f"≤ {GOALS[kind]:.0f}×" if kind in GOALS else ""
        met = "" if kind not in GOALS else ("met" if p95 / reference <= GOALS[kind] else "NOT MET")
        print(f"{labels[kind]:<34} {statistics.median(values) * 1000:>6.1f}ms "
              f"{p95 * 1000:>6.1f}ms {p95 / reference:>9.2f}× {goal:>6} "
              f"{p95 / api_reference:>5.2f}× {met}")  # fmt: skip
    print(f"the name search's first answer had someone of the name searched for in "
          f"{found[True]} of {found[True] + found[False]} searches")  # fmt: skip


if __name__ == "__main__":
    main()
