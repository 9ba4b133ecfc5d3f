"""The admin's referral list on a million referrals: queries and time per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slrt \\
        .venv/bin/python bench/admin_lists.py [--referrals 100000] [--requests 30] [--keep]

Builds (or, with `--keep`, reuses) the benchmarks' throwaway database with a generated
registry of Kota Bima and the programme catalogue, then makes one complaint and one referral
through the services and copies them, in set-based SQL, into `--referrals` complaints each
with a referral: spread over the registry's households, the catalogue's programmes, every
status and two years. A supervisor of the city (a staff account) then opens the referral
list of the admin, as it is and with its filters and date hierarchy, `--requests` times each
(Django's test client). It prints each page's queries and its p50 and p95: goals ≤ 10
queries and p95 ≤ 500 ms, without a `COUNT(*)` over the whole list.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slrt.settings")

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.roles import Role  # noqa: E402
from accounts.services import staff_user_upsert  # noqa: E402
from bench.registry import REGION, bench_registry, require_postgresql  # noqa: E402
from complaints.models import Complaint, ComplaintCategory  # noqa: E402
from complaints.services import complaint_assess, complaint_register  # noqa: E402
from households.models import Household  # noqa: E402
from programs.models import Program  # noqa: E402
from referrals.models import Referral  # noqa: E402
from referrals.services import referrals_create  # noqa: E402
from regions.models import Region  # noqa: E402

URL = "/admin/referrals/referral/"
PAGES = [
    ("the list, newest first", ""),
    ("status: sent", "?status__exact=sent"),
    ("overdue", "?overdue=yes"),
    ("one year (date hierarchy)", "?created_at__year={year}"),
    ("a ticket number (search)", "?q={ticket}"),
    ("part of a ticket (search)", "?q={ticket_part}"),
    ("a head's name (search)", "?q={head}"),
]


def template_referral() -> Referral:
    """One complaint referred through the services: the row every copy starts from."""
    household = Household.objects.filter(members__relationship="head").first()
    back_office = staff_user_upsert(
        username="bench-back-office",
        password=secrets.token_urlsafe(),
        role=Role.BACK_OFFICE,
        scope=Region.objects.get(code=REGION),
    )
    complaint = complaint_register(
        actor=back_office, household=household,
        category=ComplaintCategory.objects.filter(is_active=True).first(), channel="walk_in",
        description="Butuh bantuan", complainant=household.members.first(), consent_given=True,
    )  # fmt: skip
    needs = [{"domain": "food", "severity": 2, "notes": ""}]
    complaint = complaint_assess(actor=back_office, complaint=complaint, needs=needs)
    (referral,) = referrals_create(
        actor=back_office,
        complaint=complaint,
        programs=[Program.objects.get(code="BPNT")],
        notes="Dirujuk untuk uji beban.",  # whether the household qualifies or not
    )
    return referral


def copy_rows(
    model, template_pk: int, select_from: str, overrides: dict[str, str], where: str = "true"
) -> int:
    """INSERT … SELECT copies of the template row, one per row of `select_from` (and
    `where`), with `overrides` (column → SQL)."""
    columns = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    values = [overrides.get(column, f"t.{column}") for column in columns]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {model._meta.db_table} t, {select_from} "
        f"WHERE t.id = {int(template_pk)} AND {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)  # no parameters: `%` is SQL's own here
        return cursor.rowcount


def make_referrals(count: int) -> None:
    template = template_referral()
    started = time.perf_counter()
    statuses = "ARRAY['sent','received','in_progress','completed','rejected','cancelled']"
    copy_rows(Complaint, template.complaint_id, f"generate_series(1, {count}) g, "
              "(SELECT array_agg(id) AS ids FROM households_household) h", {
        "ticket_number": "'BENCH-' || g",
        "household_id": "h.ids[1 + g % array_length(h.ids, 1)]",
        "complainant_id": "NULL",
        "complainant_name": "'Warga'",
        "registered_at": "now() - (g % 730) * interval '1 day' - (g % 997) * interval '1 min'",
    })  # fmt: skip
    copy_rows(Referral, template.pk,
              "complaints_complaint c, (SELECT array_agg(id) AS ids, array_agg(agency_id) AS "
              "agencies FROM programs_program) p", {
        "complaint_id": "c.id",
        "household_id": "c.household_id",
        "program_id": "p.ids[1 + c.id % array_length(p.ids, 1)]",
        "agency_id": "p.agencies[1 + c.id % array_length(p.ids, 1)]",
        "status": f"({statuses})[1 + c.id % 6]",
        "created_at": "c.registered_at",
        "sent_at": "c.registered_at",
        "response_due": "(c.registered_at + interval '3 days')::date",
        "resolution_due": "(c.registered_at + interval '14 days')::date",
    }, where="c.ticket_number LIKE 'BENCH-%'")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"made {count:,} complaints and referrals in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    options = parser.parse_args()
    require_postgresql()
    with bench_registry(households=options.households, keep=options.keep, catalogue=True):
        existing = Referral.objects.filter(complaint__ticket_number__startswith="BENCH-")
        if not existing.exists():
            make_referrals(options.referrals)
        run(options.requests)


def run(count: int) -> None:
    supervisor = staff_user_upsert(
        username="bench-supervisor",
        password=secrets.token_urlsafe(),
        role=Role.SUPERVISOR,
        scope=Region.objects.get(code=REGION),
    )
    User.objects.filter(pk=supervisor.pk).update(is_staff=True)
    settings.TWO_FACTOR_REQUIRED = False  # the list is measured here, not the sign-in
    # Served without collectstatic: static URLs without the manifest's hashes.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(User.objects.get(pk=supervisor.pk))
    referrals = Referral.objects.count()
    newest = Referral.objects.order_by("-created_at").select_related("complaint").first()
    head = newest.household.members.filter(relationship="head").first()
    print(f"Admin referral list, {referrals:,} referrals, a supervisor of {REGION}, "
          f"{count} requests each")  # fmt: skip
    print(f"{'page':<28} {'queries':>7} {'p50':>8} {'p95':>8}  goal ≤ 10 queries, p95 ≤ 500 ms, "
          "no COUNT(*) without LIMIT")  # fmt: skip
    for label, query in PAGES:
        url = URL + query.format(
            year=newest.created_at.year,
            ticket=newest.complaint.ticket_number,
            ticket_part=newest.complaint.ticket_number[-5:],
            head=quote(head.name if head else "warga"),
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, secure=True)
        if response.status_code != 200 or b"result_list" not in response.content:
            sys.exit(f"{url}: {response.status_code}, not the list")
        queries = [query["sql"] for query in captured.captured_queries]  # before the log resets
        counts = [sql for sql in queries if "COUNT(*)" in sql.upper()]
        unbounded = [sql for sql in counts if "LIMIT" not in sql.upper()]
        times = []
        for _ in range(count):
            started = time.perf_counter()
            client.get(url, secure=True)
            times.append(time.perf_counter() - started)
        p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
        met = "met" if len(queries) <= 10 and p95 <= 0.5 and not unbounded else "NOT MET"
        print(f"{label:<28} {len(queries):>7} {statistics.median(times) * 1000:>6.0f}ms "
              f"{p95 * 1000:>6.0f}ms  {met}")  # fmt: skip


if __name__ == "__main__":
    main()
