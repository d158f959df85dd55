"""Who hears of new posts: following or muting one topic, and each person's e-mail choice
per community (every post, a daily or weekly digest, or none). The fan-out goes through
``notify`` with the chosen delivery, so digests are the notifications app's, sent once."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from samen.conversations import access, kinds
from samen.conversations.models import (
    EmailChoice,
    EmailMode,
    Owner,
    Post,
    Topic,
    TopicWatch,
    WatchLevel,
    owner_fields,
)
from samen.notifications.actions import notify
from samen.notifications.registry import Delivery

DELIVERY_OF_MODE = {
    EmailMode.EVERY_POST: Delivery.EMAIL,
    EmailMode.DAILY: Delivery.DIGEST,
    EmailMode.WEEKLY: Delivery.WEEKLY,
}


@transaction.atomic
def topic_watch_set(*, actor: Any, topic: Topic, level: WatchLevel | str | None) -> None:
    """Follow a topic (hear of every reply), mute it (hear nothing of it), or neither."""
    access.require(access.can_see_topic(actor, topic) and actor.is_authenticated)
    if not level:
        TopicWatch.objects.filter(topic=topic, user=actor).delete()
        return
    TopicWatch.objects.update_or_create(
        topic=topic, user=actor, defaults={"level": WatchLevel(level)}
    )


@transaction.atomic
def email_choice_set(*, actor: Any, owner: Owner, mode: EmailMode | str) -> EmailChoice:
    """How ``actor`` hears of new posts in ``owner``'s discussions by e-mail."""
    access.require(bool(getattr(actor, "is_authenticated", False)))
    row, _ = EmailChoice.objects.update_or_create(
        user=actor, **owner_fields(owner), defaults={"mode": EmailMode(mode)}
    )
    return row


def email_choice_of(user: Any, owner: Owner) -> EmailMode:
    if not getattr(user, "is_authenticated", False):
        return EmailMode.NONE
    row = EmailChoice.objects.filter(user=user, **owner_fields(owner)).first()
    return EmailMode(row.mode) if row else EmailMode.NONE


def muted_topic(topic: Topic, user_ids: set[int]) -> set[int]:
    """Who of ``user_ids`` muted ``topic``."""
    return set(
        TopicWatch.objects.filter(
            topic=topic, user_id__in=user_ids, level=WatchLevel.MUTE
        ).values_list("user_id", flat=True)
    )


def new_post_fanout(post: Post, told: set[int]) -> None:
    """Tell the topic's followers and the community's e-mail subscribers of a new visible
    post, each once and only if they may read the topic; ``told`` already heard (a mention
    or a reply to them), the author, those who muted the topic and those who blocked the
    author (or whom the author blocked) hear nothing."""
    topic = post.topic
    modes = dict(
        EmailChoice.objects.filter(**owner_fields(topic.owner))
        .exclude(mode=EmailMode.NONE)
        .values_list("user_id", "mode")
    )
    watches = dict(TopicWatch.objects.filter(topic=topic).values_list("user_id", "level"))
    followers = {pk for pk, level in watches.items() if level == WatchLevel.FOLLOW}
    candidates = (set(modes) | followers) - told - {post.author_id}
    candidates -= access.blocked_between(post.author_id)
    candidates -= {pk for pk, level in watches.items() if level == WatchLevel.MUTE}
    allowed = access.readers(topic, candidates)
    if not allowed:
        return
    from samen.accounts.models import User

    deliveries = {pk: DELIVERY_OF_MODE[EmailMode(modes[pk])] for pk in allowed if pk in modes}
    notify(
        # notify reads only who they are and whether the account is active
        User.objects.filter(pk__in=allowed)
        .only("pk", "is_active")
        .order_by("pk")
        .iterator(chunk_size=2000),
        kinds.NEW_POST,
        post,
        actor=post.author,
        data={"actor": post.author_name, "title": topic.title},
        url=post.get_absolute_url(),
        deliveries=deliveries,
    )


def unsubscribe_hook(user: Any, key: str) -> int:
    """One-click unsubscribe from a digest or from new-post e-mails also ends the
    community e-mail choices that sent them (registered with the notifications app)."""
    modes = {
        "digest": [EmailMode.DAILY],
        "weekly": [EmailMode.WEEKLY],
        kinds.NEW_POST: [EmailMode.EVERY_POST],
    }.get(key)
    if not modes:
        return 0
    return EmailChoice.objects.filter(user=user, mode__in=modes).update(mode=EmailMode.NONE)
