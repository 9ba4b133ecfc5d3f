"""Who works on proposals and objections. Everyone who enters them proposes; back office
verifies a proposal's file and decides objections with the home visit; the head of office
(the supervisor role by default) approves a village's batch, downloads its by-name list and
settles a proposal by hand. An office may give these permissions to others."""

from django.db import migrations

from accounts.roles import grant_role_permissions

ENTER = ["proposals.view_proposal", "proposals.add_proposal", "proposals.change_proposal",
         "proposals.view_proposalbatch", "proposals.view_objection", "proposals.add_objection"]  # fmt: skip
GRANTS = {
    "front_office": ENTER,
    "village_operator": ENTER,
    "facilitator": ["proposals.view_proposal", "proposals.add_proposal"],
    "back_office": [*ENTER, "proposals.verify_proposal", "proposals.decide_objection"],
    "supervisor": [
        *ENTER, "proposals.verify_proposal", "proposals.decide_objection",
        "proposals.approve_proposalbatch", "proposals.download_bnba",
        "proposals.settle_proposal",
    ],  # fmt: skip
    "admin": ["proposals.view_proposal", "proposals.view_proposalbatch",
              "proposals.view_objection"],  # fmt: skip
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_initial"),
        ("accounts", "0016_office_proposal_cycle"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
