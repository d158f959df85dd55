import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0005_zero_sum_once_per_transaction'),
    ]

    operations = [
        migrations.CreateModel(
            name='CounterpartyName',
            fields=[
                ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='counterparty', serialize=False, to='ledger.transaction', verbose_name='transaction')),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('salt', models.CharField(blank=True, max_length=32, verbose_name='salt')),
                ('erased_at', models.DateTimeField(blank=True, null=True, verbose_name='erased')),
            ],
            options={
                'verbose_name': 'counterparty',
                'verbose_name_plural': 'counterparties',
            },
        ),
        migrations.AddField(
            model_name='transaction',
            name='counterparty_commitment',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='counterparty commitment'),
            preserve_default=False,
        ),
    ]
