"""The languages spoken at an event; an event made before it speaks its creator's language."""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def creators_language(apps: Any, schema_editor: Any) -> None:
    """Every existing event gets one language: its creator's, else the site's default."""
    Event = apps.get_model("events", "Event")
    known = {code for code, _name in settings.LANGUAGES}
    for event in Event.objects.select_related("created_by").iterator():
        if event.languages:
            continue
        spoken = getattr(event.created_by, "language", "") or ""
        event.languages = [spoken if spoken in known else settings.LANGUAGE_CODE]
        event.save(update_fields=["languages"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_merge_parallel_work"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="languages",
            field=models.JSONField(blank=True, default=list, verbose_name="languages spoken"),
        ),
        migrations.RunPython(creators_language, migrations.RunPython.noop),
    ]
