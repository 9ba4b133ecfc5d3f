"""`python manage.py generate_households --count N --region CODE --seed S`."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from households.models import Household
from households.registry_import import write_extract
from households.synthetic import households_generate
from programs.synthetic import enrolments_generate
from regions.models import Region
from regions.time_zones import local_date_in


class Command(BaseCommand):
    help = (
        "Add a synthetic, realistic registry for benchmarks: N households with members, valid "
        "NIK/KK numbers, housing and deciles, spread over the villages of a region, and "
        "enrolments in the catalogue's programmes with the usual targeting errors. "
        "Never run it on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Households to add.")
        parser.add_argument("--region", default="52.72", help="Region code (52.72).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")
        parser.add_argument(
            "--no-enrolments", action="store_true", help="Do not enrol anyone in programmes."
        )
        parser.add_argument(
            "--csv",
            metavar="PATH",
            help="Also write the generated households as a DTKS extract (for import_dtks).",
        )

    def handle(
        self, *args, count: int, region: str, seed: int, no_enrolments: bool, csv: str | None,
        **options,
    ):  # fmt: skip
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if not 0 <= seed < 10**9:
            raise CommandError("--seed must be between 0 and 999999999.")
        place = Region.objects.filter(code=region).first()
        if place is None:
            raise CommandError(f"{region!r} is not a loaded region: run load_regions first.")
        today = local_date_in(region)
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\r{done}/{total} households", style_func=str, ending="")

        try:
            result = households_generate(
                count=count, region=place, seed=seed, today=today, progress=progress
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stderr.write("", style_func=str)
        self.stdout.write(
            f"{result.households} households with {result.persons} members added in "
            f"{place.name} ({region}) in {time.monotonic() - started:.1f} s."
        )
        if csv:
            generated = Household.objects.filter(pk__range=(result.first_pk, result.last_pk))
            with open(csv, "w", encoding="utf-8", newline="") as out:
                rows = write_extract(generated, out)
            self.stdout.write(f"{rows} rows written to {csv}.")
        if not no_enrolments:
            created = enrolments_generate(
                households=Q(pk__range=(result.first_pk, result.last_pk)),
                seed=seed,
                today=today,
            )
            summary = ", ".join(f"{code} {n}" for code, n in created.items()) or "none"
            self.stdout.write(f"Enrolments: {summary}.")
