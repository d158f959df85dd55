"""The stored search vector of posts (PostgreSQL): kept by the actions that write a post's
text, so a search reads a GIN index instead of parsing every post of the community."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from samen.conversations.models import Post, Topic
from samen.conversations.queries import search_config


def search_index(*, topic: Topic, post_ids: Iterable[int] | None = None) -> int:
    """Recompute the vector of ``topic``'s posts (or only ``post_ids``): its title with
    weight A and each body with weight B, in the community's configuration. Returns the
    number of posts written; nothing to do on SQLite, whose search reads the text itself.
    Called inside the actions' transactions, so it writes no audit row of its own."""
    if connection.vendor != "postgresql":
        return 0
    config = search_config(topic.owner)
    posts = Post.objects.filter(topic_id=topic.pk)
    if post_ids is not None:
        posts = posts.filter(pk__in=list(post_ids))
    return posts.update(
        search_vector=SearchVector(Value(topic.title), weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
    )


_REINDEX = """
UPDATE conversations_post AS p
SET search_vector = setweight(to_tsvector(%(config)s::regconfig, t.title), 'A')
    || setweight(to_tsvector(%(config)s::regconfig, p.body), 'B')
FROM conversations_topic AS t
WHERE p.topic_id = t.id AND t.{column} = %(owner)s
"""


def search_reindex_community(*, kind: str, owner_id: int, config: str) -> int:
    """Every post of one community in one statement (the backfill, a change of the
    community's language, posts inserted in bulk); ``kind`` is collective, host or chapter.
    Returns the number of posts written (0 on SQLite)."""
    if connection.vendor != "postgresql":
        return 0
    if kind not in ("collective", "host", "chapter"):
        raise ValueError(kind)
    with connection.cursor() as cursor:
        cursor.execute(_REINDEX.format(column=f"{kind}_id"), {"config": config, "owner": owner_id})
        return cursor.rowcount
