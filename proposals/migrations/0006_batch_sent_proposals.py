"""A sent batch keeps the proposals it sent (`ProposalBatch.sent_proposals`), whichever batch
a proposal joins afterwards. The batches sent already take the proposals they hold now."""

from django.db import migrations, models


def keep_what_was_sent(apps, schema_editor):
    ProposalBatch = apps.get_model("proposals", "ProposalBatch")
    Through = ProposalBatch.sent_proposals.through
    sent = ProposalBatch.objects.filter(status="sent")
    rows = [
        Through(proposalbatch_id=batch_id, proposal_id=proposal_id)
        for batch_id, proposal_id in sent.filter(proposals__isnull=False).values_list(
            "pk", "proposals"
        )
    ]
    Through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0005_retire_registry_referral_programme"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposalbatch",
            name="sent_proposals",
            field=models.ManyToManyField(
                blank=True,
                related_name="sent_in",
                to="proposals.proposal",
                verbose_name="proposals sent",
            ),
        ),
        migrations.RunPython(keep_what_was_sent, migrations.RunPython.noop),
    ]
