"""`python manage.py seed_demo`: demo users and data for Kota Bima (52.72). Idempotent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import (
    DEMO_PASSWORD,
    DEMO_SCOPE,
    DEMO_USERS,
    DEMO_VILLAGE,
    seed_office,
    seed_users,
)
from complaints.demo import seed_complaints
from complaints.workdays import add_working_days
from households.demo import seed_households
from letters.demo import seed_letters
from programs.catalogue import catalogue_install
from programs.demo import seed_agencies, social_affairs_office
from programs.models import Agency
from proposals.demo import seed_proposals
from referrals.demo import seed_referral_file, seed_referrals
from referrals.models import Referral
from regions.services import regions_load
from regions.time_zones import local_date_in
from visits.models import Visit
from visits.services import visit_request

DEMO_VISIT_REASON = "Verifikasi kelayakan PBI-JK"


class Command(BaseCommand):
    help = (
        "Create the demo users fo, bo, supervisor, agency, admin, fasilitator and koordinator "
        "(scoped to Kota "
        "Bima, 52.72) and desa (one village of it), agencies, sample households, a referral "
        "with its documents, a home visit waiting for the facilitator and the village's "
        "proposals to DTSEN of the month. "
        "Running it again resets them to the same state."
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
                # The referral left open with the demo agency carries its whole file.
                with_file = (
                    Referral.objects.filter(
                        pk__in=[referral.pk for referral in referrals],
                        agency_id=users["agency"].staff_profile.agency_id,
                        status__in=Referral.AT_AGENCY,
                    )
                    .select_related("agency")
                    .order_by("pk")
                    .first()
                )
                file = (
                    seed_referral_file(referral=with_file, actor=users["bo"])
                    if with_file is not None
                    else None
                )
                visit = seed_waiting_visit(
                    facilitator=users["fasilitator"],
                    back_office=users["bo"],
                    household=next(h for h in households if h.region_id == DEMO_VILLAGE),
                )
                proposals = seed_proposals(
                    village_operator=users["desa"], front_office=users["fo"],
                    household=next(h for h in households if h.region_id == DEMO_VILLAGE),
                )  # fmt: skip
                letters = seed_letters(
                    back_office=users["bo"], supervisor=users["supervisor"], households=households
                )
        except ValidationError as error:
            raise CommandError("Demo data refused: " + "; ".join(error.messages)) from None

        usernames = ", ".join(
            username for username, *_rest, area in DEMO_USERS if area == DEMO_SCOPE
        )
        villagers = ", ".join(
            username for username, *_rest, area in DEMO_USERS if area != DEMO_SCOPE
        )
        agencies = Agency.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users {usernames} (scope {DEMO_SCOPE}) and {villagers} (village "
                f"{DEMO_VILLAGE}), {agencies} agencies and "
                f"{len(households)} households, {len(complaints)} complaints and "
                f"{len(referrals)} referrals are ready; printouts carry the letterhead of "
                f"{office.name}."
            )
        )
        if file is not None:
            self.stdout.write(
                f"Referral {with_file.number} (to {with_file.agency.name}) carries its file: "
                f"{file.present} of {file.required} documents."
            )
        self.stdout.write(
            f"Home visit #{visit.pk} waits for fasilitator, due {visit.due:%d-%m-%Y}."
        )
        self.stdout.write(
            f"desa has {len(proposals)} proposals to DTSEN this month "
            f"({', '.join(sorted({p.get_status_display() for p in proposals}))})."
        )
        self.stdout.write(
            f"The letter register holds {len(letters)} demo letters "
            f"({', '.join(str(letter) for letter in letters)})."
        )
        # Last, so that it is what one reads when the server starts after it (`make run`).
        self.stdout.write(self.style.WARNING(f"Password for every demo user: {password}"))
        self.stdout.write(self.style.WARNING(f"Open {settings.SITE_URL}/ and sign in."))


def seed_waiting_visit(*, facilitator, back_office, household) -> Visit:
    """The home visit the demo facilitator finds waiting: asked by the back office and
    assigned at once (through the visits' service, as the office's page does), due in three
    working days. Made once; a run after it leaves it (and what was done on it) as it is."""
    visit = Visit.objects.filter(
        household=household, assignee=facilitator, reason=DEMO_VISIT_REASON
    ).first()
    if visit is not None:
        return visit
    return visit_request(
        actor=back_office,
        household=household,
        reason=DEMO_VISIT_REASON,
        due=add_working_days(local_date_in(household.region_id), 3),
        assignee=facilitator,
    )
