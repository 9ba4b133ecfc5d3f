"""The dispatches are the outbox's now (`outbox.0002_dispatches_from_referrals` copied
them, ids and keys kept): the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0011_referral_file_note_and_document_request'),
        ('outbox', '0002_dispatches_from_referrals'),
    ]

    operations = [
        migrations.DeleteModel(
            name='Dispatch',
        ),
    ]
