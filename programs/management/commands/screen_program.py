"""`python manage.py screen_program CODE [--region 52.72] [--output f.csv]`."""

import time

from django.core.management.base import BaseCommand, CommandError

from households.models import Household
from programs.models import Program
from programs.screening import screening_rows, screening_write_csv
from regions.models import Region, within_q
from regions.time_zones import local_date_in


class Command(BaseCommand):
    help = (
        "Screen the registry for a programme: households that qualify but are not enrolled "
        "(exclusion errors) and enrolled households that no longer qualify (inclusion "
        "errors), as CSV. One database query; NIK/KK numbers are masked."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The programme's code, such as PKH.")
        parser.add_argument(
            "--region", help="Only households of this region and below (52.72, 52.72.01, …)."
        )
        parser.add_argument(
            "--output", help="Write the CSV to this file (default: standard output)."
        )

    def handle(self, *args, code: str, region: str | None, output: str | None, **options):
        program = Program.objects.filter(code=code).first()
        if program is None:
            known = ", ".join(Program.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"There is no programme {code!r}. Known codes: {known}.")
        if region is not None and not Region.objects.filter(code=region).exists():
            raise CommandError(
                f"{region!r} is not a loaded region code: use a code such as 52.72, "
                "or run load_regions first."
            )
        today = local_date_in(region)  # ages on that region's date
        report = self.stdout if output else self.stderr
        started = time.monotonic()
        rows = screening_rows(program, region_code=region, today=today)
        try:
            if output:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    result = screening_write_csv(rows, out)
            else:
                result = screening_write_csv(rows, self.stdout)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        elapsed = time.monotonic() - started
        households = Household.objects.all()
        if region:
            households = households.filter(within_q(region, "region"))
        report.write(
            f"{program.code} in {region or 'the whole registry'} as of {today:%Y-%m-%d}: "
            f"{households.count()} households screened in {elapsed:.2f} s; "
            f"{result.exclusion} qualify but are not enrolled (exclusion errors), "
            f"{result.inclusion} are enrolled but no longer qualify (inclusion errors)."
            + (f" Written to {output}." if output else "")
        )
