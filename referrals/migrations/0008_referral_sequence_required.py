"""Every referral has its number within its complaint (filled in by 0007), once only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_referral_sequence_per_complaint")]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="sequence",
            field=models.PositiveIntegerField(
                editable=False, verbose_name="number within the complaint"
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.UniqueConstraint(
                fields=("complaint", "sequence"),
                name="referral_sequence_per_complaint",
                violation_error_message="This number is given to another referral already.",
            ),
        ),
    ]
