"""Roles' permissions on referrals (pages check roles and scope; these serve the admin)."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "back_office": ["referrals.view_referral", "referrals.add_referral"],
    "supervisor": ["referrals.view_referral", "referrals.view_dispatch"],
    "agency_officer": ["referrals.view_referral"],
    "admin": ["referrals.view_referral", "referrals.view_dispatch"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_program_permissions"),
        ("referrals", "0001_referrals_and_outbox"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
