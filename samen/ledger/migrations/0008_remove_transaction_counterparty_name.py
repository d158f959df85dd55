from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0007_counterparty_commitments'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='transaction',
            name='counterparty_name',
        ),
    ]
