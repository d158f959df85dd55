from django.db import migrations


def create_eur(apps, schema_editor):
    Unit = apps.get_model("ledger", "Unit")
    Unit.objects.get_or_create(code="EUR", host=None, defaults={"name": "Euro", "decimals": 2})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create_eur, migrations.RunPython.noop)]
