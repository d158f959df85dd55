"""What conversations holds about a person, for their data export and erasure
(docs/privacy.md, discovered by samen.accounts.privacy).

The export has their topics, posts, reactions, reports, topic follows, e-mail choices, the
moderation decisions about them and the host suspensions they received (host, reason,
period, when lifted), and the messages they sent. Erasure deletes their messages (sent and
received), reactions, reports, follows, e-mail choices, mutes and suspensions, takes their
name out of the moderation log and off the suspensions they decided, and keeps their posts
in the discussion
showing "Former member" (the author is set to nobody), as news posts do: a reply without
the question above it would make the others' answers unreadable. A person who chooses to
delete what they wrote instead gets ``erase_content`` first (see there). Nothing here is an
accounting record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from samen.communities.models import HostSuspension
from samen.conversations.models import (
    EmailChoice,
    HostBlocklistEntry,
    ModerationEntry,
    Moderator,
    Mute,
    Post,
    PostImage,
    PostStatus,
    Reaction,
    RelayedMessage,
    Reviewable,
    ReviewScore,
    ReviewStatus,
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


def erase_content(user: User) -> None:
    """The person chose to delete what they wrote, decided as Discourse does when a user
    is deleted with their posts, except that nobody else's words are lost:

    - a topic they opened that nobody else replied to goes, with its posts;
    - a topic they opened that others replied to stays, its title and opening post signed
      "Former member" (the replies would be unreadable without the question);
    - every other post of theirs (replies, comments) loses its text, images and search
      words and reads "deleted" (status ``deleted``, hidden from everyone but the team),
      so the others' numbering and "in reply to" links stay whole.

    Notifications and pending review items about the posts that go are removed with them.
    """
    from samen.conversations.actions.posts import _refresh_topic
    from samen.notifications.models import Notification

    others = Post.objects.filter(topic=OuterRef("pk")).exclude(author=user)
    opened = Topic.objects.filter(category__isnull=False, posts__number=1, posts__author=user)
    lonely = list(opened.exclude(Exists(others)).values_list("pk", flat=True))
    kept_openings = Post.objects.filter(topic__in=opened, number=1).exclude(topic__in=lonely)
    erased = (
        Post.objects.filter(author=user)
        .exclude(topic__in=lonely)
        .exclude(pk__in=kept_openings.values("pk"))
    )
    gone = Post.objects.filter(Q(topic__in=lonely) | Q(pk__in=erased.values("pk")))
    post_type = ContentType.objects.get_for_model(Post)
    ids = list(gone.values_list("pk", flat=True))
    Notification.objects.filter(target_type=post_type, target_id__in=ids).delete()
    Reviewable.objects.filter(
        target_type=post_type, target_id__in=ids, status=ReviewStatus.PENDING
    ).update(status=ReviewStatus.IGNORED)
    images = list(PostImage.objects.filter(post__in=ids))
    names = [image.file.name for image in images]
    PostImage.objects.filter(pk__in=[image.pk for image in images]).delete()
    if images:
        storage = images[0].file.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    touched = set(erased.values_list("topic_id", flat=True))
    Topic.objects.filter(answer__in=ids).update(answer=None)
    erased.update(body="", status=PostStatus.DELETED, moderation_reason="", search_vector=None)
    Topic.objects.filter(pk__in=lonely).delete()
    for topic in Topic.objects.filter(pk__in=touched):
        _refresh_topic(topic)


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
