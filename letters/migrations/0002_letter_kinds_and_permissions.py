"""The seeded letter kinds (surat rujukan, surat keterangan terdaftar DTSEN, surat
rekomendasi), and who works on letters: the desk drafts them; the head of office (the
supervisor role by default; an office may give the permission to others) issues and revokes
them; administrators manage the kinds."""

from django.db import migrations

from accounts.roles import grant_role_permissions
from letters.catalogue import kinds_seed

DRAFT = ["letters.view_letter", "letters.add_letter"]
GRANTS = {
    "front_office": DRAFT,
    "back_office": DRAFT,
    "supervisor": [*DRAFT, "letters.issue_letter", "letters.view_letterkind"],
    "admin": ["letters.view_letter", "letters.view_letterkind", "letters.add_letterkind",
              "letters.change_letterkind"],  # fmt: skip
}


def seed(apps, schema_editor):
    kinds_seed(apps.get_model("letters", "LetterKind"), apps.get_model("programs", "Program"))
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_letter_register"),
        ("accounts", "0016_office_proposal_cycle"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
