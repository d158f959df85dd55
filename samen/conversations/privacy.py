"""What conversations holds about a person, for their data export and erasure
(docs/privacy.md, discovered by samen.accounts.privacy).

The export has their topics, posts, reactions, reports, topic follows, e-mail choices and
the moderation decisions about them, and the messages they sent. Erasure deletes their
messages (sent and received), reactions, reports, follows, e-mail choices and mutes,
takes their name out of the moderation log, and keeps their posts in the discussion
showing "Former member" (the author is set to nobody), as news posts do: a reply without
the question above it would make the others' answers unreadable. Nothing here is an
accounting record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from samen.conversations.models import (
    EmailChoice,
    ModerationEntry,
    Moderator,
    Mute,
    Post,
    Reaction,
    RelayedMessage,
    ReviewScore,
    Topic,
    TopicWatch,
)

if TYPE_CHECKING:
    from samen.accounts.models import User


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict[str, Any]:
    posts = Post.objects.filter(author=user).select_related("topic").order_by("created_at", "pk")
    return {
        "topics": [
            {"id": t.pk, "title": t.title, "created_at": _when(t.created_at)}
            for t in Topic.objects.filter(author=user).order_by("pk")
        ],
        "posts": [
            {
                "id": p.pk,
                "topic": p.topic.title,
                "number": p.number,
                "body": p.body,
                "status": p.status,
                "moderation_reason": p.moderation_reason,
                "created_at": _when(p.created_at),
            }
            for p in posts
        ],
        "reactions": [
            {"post": r.post_id, "kind": r.kind, "created_at": _when(r.created_at)}
            for r in Reaction.objects.filter(user=user).order_by("pk")
        ],
        "reports": [
            {"reason": s.reason, "rule_number": s.rule_number, "created_at": _when(s.created_at)}
            for s in ReviewScore.objects.filter(user=user).order_by("pk")
        ],
        "messages_sent": [
            {"to": m.recipient.public_name, "body": m.body, "created_at": _when(m.created_at)}
            for m in RelayedMessage.objects.filter(sender=user)
            .select_related("recipient")
            .order_by("pk")
        ],
        "topic_watches": [
            {"topic": w.topic_id, "level": w.level}
            for w in TopicWatch.objects.filter(user=user).order_by("pk")
        ],
        "email_choices": [
            {"community": str(e.owner), "mode": e.mode}
            for e in EmailChoice.objects.filter(user=user)
            .select_related("collective", "host", "chapter")
            .order_by("pk")
        ],
        "moderation_decisions": [
            {
                "community": str(m.owner),
                "action": m.action,
                "reason": m.reason,
                "rule_number": m.rule_number,
                "until": _when(m.until),
                "created_at": _when(m.created_at),
            }
            for m in ModerationEntry.objects.filter(person=user)
            .select_related("collective", "host", "chapter")
            .order_by("pk")
        ],
    }


def must_keep(user: User) -> str | None:
    return None


def erase_data(user: User) -> None:
    """Reactions, reports, follows, e-mail choices, mutes and moderator seats go; posts stay
    as "Former member"'s, and the moderation log keeps its lines without their name."""
    Reaction.objects.filter(user=user).delete()
    TopicWatch.objects.filter(user=user).delete()
    RelayedMessage.objects.filter(sender=user).delete()
    RelayedMessage.objects.filter(recipient=user).delete()
    EmailChoice.objects.filter(user=user).delete()
    Mute.objects.filter(user=user).delete()
    ModerationEntry.objects.filter(person=user).update(person=None)
    ModerationEntry.objects.filter(actor=user).update(actor=None)
    ReviewScore.objects.filter(user=user).delete()
    Moderator.objects.filter(user=user).delete()
    Post.objects.filter(author=user).update(author=None)
    Topic.objects.filter(author=user).update(author=None)
