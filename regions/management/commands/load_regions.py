"""`python manage.py load_regions [--prefix 52.72]`: load the shipped Kemendagri region codes."""

import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from regions.services import regions_load


class Command(BaseCommand):
    help = (
        "Load Indonesia's provinces, regencies/cities, districts and villages (Kemendagri codes) "
        "from the file shipped with the project. Safe to run again: it only writes what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--prefix",
            help="Load only this region, what lies below it and the regions above it "
            "(for example 52 for NTB, 52.72 for Kota Bima).",
        )

    def handle(self, *args, prefix=None, **options):
        started = time.monotonic()
        interactive = sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            line = f"  {done:>6,}/{total:,} rows written ({100 * done // total}%)"
            if interactive:
                self.stdout.write(f"\r{line}", ending="")
                if done == total:
                    self.stdout.write("")
            else:
                self.stdout.write(line)

        try:
            result = regions_load(prefix=prefix, progress=progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        self.stdout.write(
            self.style.SUCCESS(
                f"Regions: {result.total:,} in file, {result.created:,} created, "
                f"{result.updated:,} updated, {result.unchanged:,} unchanged "
                f"({time.monotonic() - started:.1f} s)."
            )
        )
