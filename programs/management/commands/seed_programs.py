"""`python manage.py seed_programs [--region 52.72]`: install the programme catalogue."""

from django.core.management.base import BaseCommand, CommandError

from programs.catalogue import catalogue_install
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Create the catalogue's agencies and programmes (PKH, BPNT, PBI-JK, PIP, RUTILAHU, "
        "ATENSI, JAMKESDA, BAZNAS …) with their eligibility rules. Existing ones are left as "
        "they are, so edits made in the admin survive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", default="52.72", help="The regency/city the office serves (52.72)."
        )

    def handle(self, *args, region: str, **options):
        if not Region.objects.filter(code=region, level=Region.Level.REGENCY).exists():
            raise CommandError(
                f"{region} is not a loaded regency/city: run load_regions first, "
                "or give --region a code such as 52.72."
            )
        agencies, programs = catalogue_install(region_code=region)
        self.stdout.write(
            self.style.SUCCESS(f"Catalogue: {agencies} agencies and {programs} programmes created.")
        )
