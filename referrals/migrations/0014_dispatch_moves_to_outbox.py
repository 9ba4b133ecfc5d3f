"""The dispatches are the outbox's now (`outbox.0002_dispatches_from_referrals` copied
them, ids and keys kept): the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0013_decide_referral_grants'),
        ('outbox', '0002_dispatches_from_referrals'),
    ]

    operations = [
        migrations.DeleteModel(
            name='Dispatch',
        ),
    ]
