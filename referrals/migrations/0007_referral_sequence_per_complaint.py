"""Referral numbers count per complaint: `…/R1`, `…/R2`, in the order the complaint's
referrals were made, instead of the referral's id across the whole system. Existing
referrals are numbered the same way (oldest first), so that every complaint's referrals run
1, 2, … without a gap. The field becomes required in the next migration: on PostgreSQL a
table whose rows were just updated is altered in a transaction of its own."""

from django.db import migrations, models


def number_existing(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    batch, complaint_id, sequence = [], None, 0
    for referral in Referral.objects.order_by("complaint_id", "created_at", "pk").only(
        "pk", "complaint_id"
    ):
        if referral.complaint_id != complaint_id:
            complaint_id, sequence = referral.complaint_id, 0
        sequence += 1
        referral.sequence = sequence
        batch.append(referral)
        if len(batch) >= 2000:
            Referral.objects.bulk_update(batch, ["sequence"])
            batch = []
    Referral.objects.bulk_update(batch, ["sequence"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0006_constraint_messages")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="sequence",
            field=models.PositiveIntegerField(
                editable=False, null=True, verbose_name="number within the complaint"
            ),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop, elidable=True),
    ]
