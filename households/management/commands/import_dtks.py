"""`python manage.py import_dtks PATH`: load an extract of the national social registry."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from households.registry_import import (
    ImportResult,
    MissingColumns,
    RowError,
    UnreadableExtract,
    import_extract,
)
from slrt.spreadsheets import csv_writer


class Command(BaseCommand):
    help = (
        "Import a DTKS/DTSEN extract (CSV, one row per person; see README). Re-importing "
        "updates, never duplicates. Refused rows are written to an error report."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--errors", help="Where to write the refused rows (default: PATH.errors.csv)."
        )
        parser.add_argument(
            "--batch", type=int, default=500, help="Households per transaction (500)."
        )

    def handle(self, *args, path: str, errors: str | None, batch: int, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        report = Path(errors) if errors else source.with_name(source.name + ".errors.csv")
        started = time.monotonic()

        def progress(result: ImportResult) -> None:
            rate = result.done / max(time.monotonic() - started, 1e-6)
            of = f" of {result.total:,}" if result.total is not None else ""
            self.stderr.write(
                f"\r{result.done:,}{of} rows, {result.refused:,} refused, {rate:,.0f} rows/s",
                style_func=str,
                ending="",
            )

        refused = 0
        try:  # the report is written as refused rows are found, and kept only if there are
            with report.open("w", encoding="utf-8", newline="") as out:
                writer = csv_writer(out)
                writer.writerow(["line", "column", "message"])

                def on_error(error: RowError) -> None:
                    nonlocal refused
                    refused += 1
                    writer.writerow([error.line, error.column, error.message])

                with source.open("rb") as handle:
                    result = import_extract(
                        handle, batch_households=batch, progress=progress, on_error=on_error
                    )
        except (MissingColumns, UnreadableExtract) as error:
            raise CommandError(str(error)) from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text: {error}") from None
        finally:
            if not refused:
                report.unlink(missing_ok=True)
        self.stderr.write("", style_func=str)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{result.rows:,} rows in {seconds:.1f} s: households {result.households_created:,} "
            f"new, {result.households_updated:,} updated, {result.households_unchanged:,} "
            f"unchanged; persons {result.persons_created:,} new, {result.persons_updated:,} "
            f"updated, {result.persons_unchanged:,} unchanged; {result.refused:,} rows refused"
            + (f" (see {report})." if refused else ".")
        )
        if result.seconds:  # PostgreSQL's path: where the time went
            steps = ", ".join(f"{step} {taken:.1f} s" for step, taken in result.seconds.items())
            self.stdout.write(f"Time: {steps}; {result.rows_one_by_one:,} rows checked one by one.")
        if result.check_seconds:  # where the checks' time went, statement by statement
            parts = [f"{step} {taken:.1f} s" for step, taken in result.check_seconds.items()]
            self.stdout.write(f"Checks: {', '.join(parts)}.")
