"""`python manage.py purge_documents [--dry-run]`: delete the documents kept past their
kind's retention period (UU PDP 27/2022: personal data kept no longer than needed)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.selectors import documents_past_retention
from documents.services import document_purge, orphan_delete, stored_orphans


class Command(BaseCommand):
    help = (
        "Delete the documents (row, file and thumbnail) older than their kind's retention "
        "period or SLRT_DOCUMENT_RETENTION_DAYS. --dry-run lists them and deletes nothing. "
        "Lists ids, kinds and dates only, never a name. Also removes stored files no "
        "document names, older than a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        due = list(documents_past_retention(timezone.now()))
        verb = "would be deleted" if dry_run else "deleted"
        kept = 0
        for document in due:
            if not dry_run and not document_purge(document):
                kept += 1
                self.stdout.write(
                    f"document {document.pk} ({document.kind.code}): still referenced, kept"
                )
                continue
            self.stdout.write(
                f"document {document.pk} {document.kind.code} "
                f"uploaded {document.uploaded_at.date().isoformat()} {verb}"
            )
        self.stdout.write(
            f"{len(due) - kept} documents past their retention period {verb}"
            + (f", {kept} kept (still referenced)." if kept else ".")
        )
        orphans = stored_orphans(timezone.now())
        if not dry_run:
            for name in orphans:
                orphan_delete(name)
        self.stdout.write(f"{len(orphans)} stored files without a document {verb}.")
