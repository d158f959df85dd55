"""A stored search vector on posts, with a GIN index and a backfill on PostgreSQL.

The index is created here rather than in the model's Meta because a GIN index exists only on
PostgreSQL: on SQLite the column stays empty and search reads the text (``queries``)."""

from typing import Any

import django.contrib.postgres.search
from django.db import migrations

INDEX = "conversations_post_search"


def _backfill(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from samen.conversations.actions.search import search_reindex_community
    from samen.conversations.queries import config_for_languages

    topic = apps.get_model("conversations", "Topic")
    collective = apps.get_model("communities", "Collective")
    languages = dict(collective.objects.values_list("pk", "languages"))
    for kind in ("collective", "host", "chapter"):
        owners = topic.objects.exclude(**{f"{kind}_id": None}).values_list(f"{kind}_id", flat=True)
        for owner_id in set(owners):
            config = config_for_languages(languages.get(owner_id) or []) if kind == "collective" else "simple"
            search_reindex_community(kind=kind, owner_id=owner_id, config=config)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON conversations_post USING gin (search_vector)"
    )


def _drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0002_moderation_watching_ideas_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(_backfill, _drop_index),
    ]
