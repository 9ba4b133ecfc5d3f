"""`python manage.py seed_demo`: demo users and data for Kota Bima (52.72). Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import Role
from accounts.services import staff_user_upsert
from households.models import Household, Region
from households.services import regions_load
from programs.models import Agency

DEMO_SCOPE = "52.72"  # Kota Bima, Nusa Tenggara Barat
DEMO_PASSWORD = "slrt-demo-2026"  # noqa: S105 — printed on purpose, refused in production

DEMO_USERS = [
    # username, role, first name, last name, service point
    ("fo", Role.FRONT_OFFICE, "Siti", "Aminah", "Puskesos Kelurahan Paruga"),
    ("bo", Role.BACK_OFFICE, "Ahmad", "Fauzi", "SLRT Kota Bima"),
    ("supervisor", Role.SUPERVISOR, "Nurul", "Hidayah", "Dinas Sosial Kota Bima"),
    ("agency", Role.AGENCY_OFFICER, "Rahmat", "Hidayat", ""),
    ("admin", Role.ADMIN, "Dewi", "Lestari", "Dinas Sosial Kota Bima"),
]

DEMO_AGENCIES = [
    # name, level, region served, e-mail
    ("Dinas Sosial Kota Bima", Agency.Level.MUNICIPAL, "52.72", "dinsos@bimakota.example"),
    ("Dinas Kesehatan Kota Bima", Agency.Level.MUNICIPAL, "52.72", "dinkes@bimakota.example"),
    ("BAZNAS Kota Bima", Agency.Level.NON_GOVERNMENT, "52.72", "baznas@bimakota.example"),
]

DEMO_HOUSEHOLDS = [
    # KK number, village, address, RT, RW
    ("5272011203150001", "52.72.01.1001", "Jl. Soekarno-Hatta No. 12", "003", "001"),
    ("5272010507180002", "52.72.01.1003", "Jl. Gajah Mada No. 4", "002", "004"),
    ("5272021910160003", "52.72.02.1008", "Lingkungan Lampe Timur", "005", "002"),
    ("5272030102190004", "52.72.03.1001", "Jl. Datuk Dibanta No. 21", "001", "003"),
    ("5272042708170005", "52.72.04.1005", "Lingkungan Ntobo", "004", "002"),
]


class Command(BaseCommand):
    help = (
        "Create the demo users fo, bo, supervisor, agency and admin (scoped to Kota Bima, 52.72), "
        "agencies and sample households. Running it again resets them to the same state."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEMO_PASSWORD, help="Password of every demo user."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the settings look like production (DEBUG off, SECRET_KEY set).",
        )

    def handle(self, *args, password: str, force: bool, **options):
        if not (settings.DEBUG or settings.SECRET_KEY_IS_DEVELOPMENT or force):
            raise CommandError(
                "These settings look like production: demo users with a known password would be "
                "a way in. Use --force if this really is a demo server."
            )
        if not Region.objects.filter(code=DEMO_SCOPE).exists():
            self.stdout.write(f"Loading the regions of {DEMO_SCOPE} first…")
            regions_load(prefix=DEMO_SCOPE)

        with transaction.atomic():
            agencies = {
                name: Agency.objects.update_or_create(
                    name=name, defaults={"level": level, "region_id": region, "email": email}
                )[0]
                for name, level, region, email in DEMO_AGENCIES
            }
            scope = Region.objects.get(code=DEMO_SCOPE)
            for username, role, first_name, last_name, service_point in DEMO_USERS:
                staff_user_upsert(
                    username=username,
                    password=password,
                    role=role,
                    scope=scope,
                    agency=agencies["Dinas Sosial Kota Bima"]
                    if role == Role.AGENCY_OFFICER
                    else None,
                    first_name=first_name,
                    last_name=last_name,
                    service_point=service_point,
                )
            for kk_number, village, address, rt, rw in DEMO_HOUSEHOLDS:
                Household.objects.update_or_create(
                    kk_number=kk_number,
                    defaults={"region_id": village, "address": address, "rt": rt, "rw": rw},
                )

        usernames = ", ".join(username for username, *_rest in DEMO_USERS)
        self.stdout.write(self.style.SUCCESS(f"Demo users {usernames} (scope {scope}) are ready."))
        self.stdout.write(self.style.WARNING(f"Password for every demo user: {password}"))
