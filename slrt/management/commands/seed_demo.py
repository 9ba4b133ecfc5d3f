"""`python manage.py seed_demo`: demo users and data for Kota Bima (52.72). Idempotent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_SCOPE, DEMO_USERS, seed_office, seed_users
from complaints.demo import seed_complaints
from households.demo import seed_households
from programs.catalogue import catalogue_install
from programs.demo import seed_agencies, social_affairs_office
from programs.models import Agency
from referrals.demo import seed_referrals
from regions.services import regions_load


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
        regions_load(prefix=DEMO_SCOPE)  # cheap when loaded; mends a partial load

        try:
            with transaction.atomic():
                catalogue_install(region_code=DEMO_SCOPE)
                seed_agencies()
                office = seed_office()
                users = seed_users(password=password, agency=social_affairs_office())
                households = seed_households(actor=users["fo"])
                complaints = seed_complaints(front_office=users["fo"], back_office=users["bo"])
                referrals = seed_referrals(back_office=users["bo"], agency_officer=users["agency"])
        except ValidationError as error:
            raise CommandError("Demo data refused: " + "; ".join(error.messages)) from None

        usernames = ", ".join(username for username, *_rest in DEMO_USERS)
        agencies = Agency.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users {usernames} (scope {DEMO_SCOPE}), {agencies} agencies and "
                f"{len(households)} households, {len(complaints)} complaints and "
                f"{len(referrals)} referrals are ready; printouts carry the letterhead of "
                f"{office.name}."
            )
        )
        # Last, so that it is what one reads when the server starts after it (`make run`).
        self.stdout.write(self.style.WARNING(f"Password for every demo user: {password}"))
        self.stdout.write(self.style.WARNING(f"Open {settings.SITE_URL}/ and sign in."))
