"""What conversations holds about a person, for their data export and erasure
(docs/privacy.md, discovered by samen.accounts.privacy).

The export has their topics, posts, reactions, reports, topic follows, e-mail choices, the
moderation decisions about them and the host suspensions they received (host, reason,
period, when lifted), and the messages they sent. Erasure deletes their messages (sent and
received), reactions, reports, follows, e-mail choices, mutes and suspensions, takes their
name out of the moderation log and off the suspensions they decided, and keeps their posts
in the discussion
showing "Former member" (the author is set to nobody), as news posts do: a reply without
the question above it would make the others' answers unreadable. Nothing here is an
accounting record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from samen.communities.models import HostSuspension
from samen.conversations.models import (
    EmailChoice,
    HostBlocklistEntry,
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
        "host_suspensions": [
            {
                "host": s.host.name,
                "reason": s.reason,
                "suspended_at": _when(s.created_at),
                "until": _when(s.until),
                "lifted_at": _when(s.lifted_at),
            }
            for s in HostSuspension.objects.filter(user=user)
            .select_related("host")
            .order_by("created_at", "pk")
        ],
    }


def must_keep(user: User) -> str | None:
    return None


def _forget_names_in_audit(user: User) -> None:
    """Audit rows about a suspension, a relayed message, a moderator seat or a moderation
    entry keep the target's name as it was (``str(target)``), which names the person:
    they now read ``#<id>`` in its place, as rows about the person's account do. Called
    before the rows themselves go, while it is still known which ones concern them."""
    from django.contrib.contenttypes.models import ContentType

    from samen.audit.models import AuditEntry

    rows: list[tuple[type[Any], Any]] = [
        (HostSuspension, HostSuspension.objects.filter(user=user)),
        (RelayedMessage, RelayedMessage.objects.filter(Q(sender=user) | Q(recipient=user))),
        (Moderator, Moderator.objects.filter(user=user)),
        (ModerationEntry, ModerationEntry.objects.filter(actor=user)),
    ]
    for model, found in rows:
        ids = [str(pk) for pk in found.values_list("pk", flat=True)]
        if ids:
            AuditEntry.objects.filter(
                target_type=ContentType.objects.get_for_model(model), target_id__in=ids
            ).update(target_repr=f"{model._meta.verbose_name} · #{user.pk}")


def erase_data(user: User) -> None:
    """Reactions, reports, follows, e-mail choices, mutes, suspensions and moderator seats
    go; posts stay as "Former member"'s, and the moderation log and the suspensions they
    decided keep their lines without their name (in the audit log too)."""
    _forget_names_in_audit(user)
    Reaction.objects.filter(user=user).delete()
    TopicWatch.objects.filter(user=user).delete()
    RelayedMessage.objects.filter(sender=user).delete()
    RelayedMessage.objects.filter(recipient=user).delete()
    EmailChoice.objects.filter(user=user).delete()
    Mute.objects.filter(user=user).delete()
    HostSuspension.objects.filter(user=user).delete()
    HostSuspension.objects.filter(created_by=user).update(created_by=None)
    HostSuspension.objects.filter(lifted_by=user).update(lifted_by=None)
    HostBlocklistEntry.objects.filter(created_by=user).update(created_by=None)
    ModerationEntry.objects.filter(person=user).update(person=None)
    ModerationEntry.objects.filter(actor=user).update(actor=None)
    ReviewScore.objects.filter(user=user).delete()
    Moderator.objects.filter(user=user).delete()
    Post.objects.filter(author=user).update(author=None)
    Topic.objects.filter(author=user).update(author=None)
