"""A referral's page with its file: time and queries with 10 documents, as a ratio to the
same page with none.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/referral_file.py [--households 20000] [--requests 50] [--keep]

Builds (or, with `--keep`, reuses) the benchmarks' throwaway database with a generated
registry of Kota Bima and the programme catalogue, refers two households to PBI-JK (five
required documents) through the services, one with no document in its file and one with 10
(two of each required kind, owned by the household and its members, one of them attached
to the referral), and opens the two referrals' pages as the back office `--requests` times
each, in turns so that both see the same machine (Django's test client, in process). It
prints each page's queries, p50 and p95 and the ratio of the p50s. Goals: the same number
of queries with 10 documents as with none (the file is read in a fixed number of queries),
at most 25, and a ratio ≤ 1.25.
"""

import argparse
import os
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
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import REGION, bench_registry, require_postgresql  # noqa: E402
from complaints.models import ComplaintCategory  # noqa: E402
from complaints.services import complaint_assess, complaint_register  # noqa: E402
from documents.models import Document, DocumentKind  # noqa: E402
from households.models import Household  # noqa: E402
from programs.models import Program  # noqa: E402
from referrals.models import Referral  # noqa: E402
from referrals.services import referrals_create  # noqa: E402
from regions.models import Region  # noqa: E402

PROGRAM = "PBI-JK"
KINDS = ["ktp", "kk", "sktm", "surat_faskes", "foto_depan"]
GOALS = {"queries": 25, "ratio": 1.25}


def bench_referral(back_office) -> Referral:
    """A referral to PBI-JK of a household with a few members, with an empty file."""
    program = Program.objects.get(code=PROGRAM)
    program.required_kinds.set(DocumentKind.objects.filter(code__in=KINDS))  # a kept database
    household = (
        Household.objects.filter(members__relationship="head", region__code__startswith=REGION)
        .exclude(referrals__program=program)
        .exclude(documents__isnull=False)
        .first()
    )
    complaint = complaint_register(
        actor=back_office, household=household,
        category=ComplaintCategory.objects.filter(is_active=True).first(), channel="walk_in",
        description="Kartu KIS tidak aktif", complainant=household.members.first(),
        consent_given=True,
    )  # fmt: skip
    needs = [{"domain": "health", "severity": 2, "notes": ""}]
    complaint = complaint_assess(actor=back_office, complaint=complaint, needs=needs)
    (referral,) = referrals_create(
        actor=back_office,
        complaint=complaint,
        programs=[program],
        notes="Berkas menyusul (uji beban).",  # incomplete, and perhaps not eligible
    )
    return referral


def fill_file(referral: Referral, back_office, count: int = 10) -> None:
    """`count` documents in the referral's file (rows only: the page reads no file)."""
    members = list(referral.household.members.values_list("pk", flat=True))
    kinds = list(DocumentKind.objects.filter(code__in=KINDS))
    rows = []
    for number in range(count - 1):
        owner = ("person", members[number % len(members)]) if number % 2 else (
            "household", referral.household_id)  # fmt: skip
        rows.append(Document(kind=kinds[number % len(kinds)], household=referral.household,
                             owner_type=owner[0], owner_id=owner[1],
                             file=f"documents/bench/{number}.pdf", original_name=f"{number}.pdf",
                             content_type="application/pdf", size=1, sha256="0" * 64,
                             uploaded_by=back_office))  # fmt: skip
    rows.append(Document(kind=kinds[0], household=referral.household, owner_type="referral",
                         owner_id=referral.pk, file="documents/bench/r.pdf",
                         original_name="r.pdf", content_type="application/pdf", size=1,
                         sha256="0" * 64, uploaded_by=back_office))  # fmt: skip
    Document.objects.bulk_create(rows)


def queries_of(client: Client, url: str, expect: str) -> int:
    reset_queries()  # as each request starts: the capture counts from an empty log
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    if response.status_code != 200 or expect not in response.content.decode():
        sys.exit(f"{url}: {response.status_code}, not the referral with {expect!r}")
    return len(captured.captured_queries)


def timed(client: Client, urls: list[str], count: int) -> list[list[float]]:
    """`count` requests of each URL, in turns; the seconds of each."""
    times = [[] for _ in urls]
    for _ in range(count):
        for index, url in enumerate(urls):
            started = time.perf_counter()
            client.get(url, secure=True)
            times[index].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    # The pages are rendered as in production (DEBUG off): their static files' manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    with bench_registry(households=options.households, keep=options.keep, catalogue=True):
        run(options.requests)


def run(count: int) -> None:
    back_office = staff_user_upsert(
        username="bench-file-back-office",
        password=secrets.token_urlsafe(),
        role=Role.BACK_OFFICE,
        scope=Region.objects.get(code=REGION),
    )
    settings.TWO_FACTOR_REQUIRED = False  # the page is measured here, not the sign-in
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    empty_referral, full_referral = bench_referral(back_office), bench_referral(back_office)
    fill_file(full_referral, back_office)
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(User.objects.get(pk=back_office.pk))
    urls = [f"/referrals/{empty_referral.pk}/", f"/referrals/{full_referral.pk}/"]
    timed(client, urls, 5)  # warm: templates compiled, connections open

    empty_queries = queries_of(client, urls[0], "0 dari 5")
    full_queries = queries_of(client, urls[1], "5 dari 5")
    empty, full = timed(client, urls, count)

    print(f"Referral page ({PROGRAM}, 5 required documents) as the back office, "
          f"{count} requests each")  # fmt: skip
    print(f"{'file':<22} {'queries':>7} {'p50':>8} {'p95':>8}")
    for label, queries, times in (
        ("no document", empty_queries, empty),
        ("10 documents", full_queries, full),
    ):
        p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
        print(f"{label:<22} {queries:>7} {statistics.median(times) * 1000:>6.1f}ms "
              f"{p95 * 1000:>6.1f}ms")  # fmt: skip
    ratio = statistics.median(full) / statistics.median(empty)
    met = (full_queries == empty_queries and full_queries <= GOALS["queries"]
           and ratio <= GOALS["ratio"])  # fmt: skip
    print(f"p50 ratio 10 documents ÷ none: {ratio:.2f} (goal ≤ {GOALS['ratio']}); queries "
          f"{empty_queries} → {full_queries} (goal: the same, ≤ {GOALS['queries']}): "
          f"{'met' if met else 'NOT MET'}")  # fmt: skip


if __name__ == "__main__":
    main()
