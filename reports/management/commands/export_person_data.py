"""`python manage.py export_person_data NIK --by USERNAME [--output FILE]`: one person's data
and its processing trail as JSON, for their request under UU PDP 27/2022."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from accounts.roles import SUPERVISING_ROLES, has_role
from households.selectors import persons_in_scope
from reports.subject_access import person_data_export


class Command(BaseCommand):
    help = "Write one person's data and its processing trail as JSON (a data subject's request)."

    def add_arguments(self, parser):
        parser.add_argument("nik", help="The person's NIK (16 digits).")
        parser.add_argument(
            "--by",
            required=True,
            help="User name of the supervisor or administrator answering the request: the "
            "export is written to the access log in their name, within their working area.",
        )
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, nik: str, by: str, output: str | None, **options):
        actor = get_user_model().objects.filter(username=by, is_active=True).first()
        if actor is None or not has_role(actor, *SUPERVISING_ROLES):
            raise CommandError(f"{by!r} is not an active supervisor or administrator.")
        person = persons_in_scope(actor).filter(nik=nik.strip()).first()
        if person is None:
            raise CommandError(f"No person with NIK {nik!r} in {by}'s working area.")
        text = json.dumps(
            person_data_export(actor=actor, person=person),
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=2,
        )
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(self.style.SUCCESS(f"Written to {output}."))
        else:
            self.stdout.write(text)
