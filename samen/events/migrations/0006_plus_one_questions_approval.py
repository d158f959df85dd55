# Plus-ones, the organisers' questions and approval of registrations (issue 14).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0005_merge_parallel_work'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='plus_one_allowed',
            field=models.BooleanField(default=False, verbose_name='a guest may come along'),
        ),
        migrations.AddField(
            model_name='event',
            name='questions',
            field=models.JSONField(blank=True, default=list, verbose_name='questions for people registering'),
        ),
        migrations.AddField(
            model_name='event',
            name='requires_approval',
            field=models.BooleanField(default=False, verbose_name='registrations need approval'),
        ),
        migrations.AddField(
            model_name='registration',
            name='answers',
            field=models.JSONField(blank=True, default=list, verbose_name='answers'),
        ),
        migrations.AddField(
            model_name='registration',
            name='guests',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='guests'),
        ),
        migrations.AlterField(
            model_name='registration',
            name='status',
            field=models.CharField(choices=[('going', 'Going'), ('waiting', 'On the waiting list'), ('cancelled', 'Cancelled'), ('attended', 'Attended'), ('refused', 'Refused'), ('pending', 'Waiting for approval')], max_length=10, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='registration',
            constraint=models.CheckConstraint(condition=models.Q(('guests__lte', 1)), name='events_registration_guests'),
        ),
    ]
