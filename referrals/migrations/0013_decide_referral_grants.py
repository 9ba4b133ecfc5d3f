"""The decision before sending (penetapan): the coordinator role, and the permission of
deciding given to it and to the supervisors (the admin may give it to others)."""

from django.db import migrations

from accounts.roles import grant_role_permissions

GRANTS = {
    "supervisor": ["referrals.decide_referral"],
    "coordinator": ["referrals.decide_referral", "referrals.view_referral"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def remove_coordinator(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="coordinator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0016_office_proposal_cycle"),
        ("referrals", "0012_referral_decision_emergency_reactivation"),
    ]

    operations = [migrations.RunPython(grant, remove_coordinator)]
