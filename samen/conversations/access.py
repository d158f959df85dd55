"""Who may read, write and moderate discussions: the one place that decides.

Views, the API, notifications and search all ask these functions, so a members-only or
private topic is invisible to everyone they do not let through (Http404, never a hint).
Comments on an object (a news post) follow the rules of that object, declared once in
``COMMENT_TARGETS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samen.communities import access as community_access
from samen.communities.access import Need as CommunityNeed
from samen.communities.models import Collective, HostSuspension, NewsPost, host_of
from samen.communities.queries import host_suspension, is_banned, is_host_admin
from samen.conversations.models import (
    Block,
    Category,
    GroupRequest,
    HostBlocklistEntry,
    Moderator,
    Mute,
    Owner,
    Post,
    PostImage,
    PostStatus,
    RelayedMessage,
    Reviewable,
    Topic,
    Visibility,
    owner_fields,
)


class Need(models.TextChoices):
    VIEW = "view", _("read")
    POST = "post", _("write")
    MODERATE = "moderate", _("moderate")
    LOG = "log", _("read the moderation log")


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_member(user: Any, owner: Owner) -> bool:
    return community_access.can(user, CommunityNeed.MEMBER, owner)


def can_moderate(user: Any, owner: Owner) -> bool:
    """The community's admins (a chapter's connectors), its moderators, and for a hosted
    collective the host's admins, who watch over all their collectives."""
    if not _signed_in(user):
        return False
    if getattr(user, "is_superuser", False) or community_access.can_write_news(user, owner):
        return True
    if isinstance(owner, Collective) and owner.host_id and is_host_admin(user, owner.host):
        return True
    return _cached(
        user,
        "_moderates",
        owner,
        lambda: Moderator.objects.filter(user=user, **owner_fields(owner)).exists(),
    )


def _cached(user: Any, name: str, owner: Owner, compute: Callable[[], bool]) -> bool:
    cache: dict[tuple[str, int], bool] = user.__dict__.setdefault(name, {})
    key = (type(owner).__name__, owner.pk)
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget(user: Any) -> None:
    """Drop the per-request caches of moderators, bans and mutes after one changes."""
    for name in ("_moderates", "_banned"):
        user.__dict__.pop(name, None)


def banned(user: Any, owner: Owner) -> bool:
    """Removed and banned by the moderation team: they can do nothing in ``owner``."""
    if not _signed_in(user):
        return False
    return _cached(user, "_banned", owner, lambda: is_banned(user, owner))


def active_mute(user: Any, owner: Owner) -> Mute | None:
    """The mute that keeps ``user`` from writing in ``owner`` now, if any."""
    if not _signed_in(user):
        return None
    return (
        Mute.objects.filter(user=user, until__gt=timezone.now(), **owner_fields(owner))
        .order_by("-until")
        .first()
    )


def suspension(user: Any, owner: Owner) -> HostSuspension | None:
    """The host-level suspension that keeps ``user`` from writing in ``owner`` now: the
    host's own, for the host and every collective it carries (chapters have no host)."""
    return host_suspension(user, host_of(owner))


def can_suspend(user: Any, host: Any) -> bool:
    """A host's admins suspend people across the host."""
    if not _signed_in(user):
        return False
    return bool(getattr(user, "is_superuser", False)) or is_host_admin(user, host)


def can_manage_categories(user: Any, owner: Owner) -> bool:
    return _signed_in(user) and community_access.can_write_news(user, owner)


def can_see_category(user: Any, category: Category) -> bool:
    if category.visibility == Visibility.PUBLIC:
        return True
    if not _signed_in(user) or banned(user, category.owner):
        return False
    if can_moderate(user, category.owner):
        return True
    if not is_member(user, category.owner):
        return False
    # a private category: members of the community whom the team let into its group
    return category.visibility == Visibility.MEMBERS or category.group.filter(pk=user.pk).exists()


def can_ask_to_join(user: Any, category: Category) -> bool:
    """A member of the community who cannot read a private category yet may ask to join
    its group (the team reads it already; nobody banned asks)."""
    return (
        category.visibility == Visibility.PRIVATE
        and can_write_in(user, category.owner)
        and not can_see_category(user, category)
    )


def team_ids(owner: Owner) -> set[int]:
    """Everyone ``can_moderate`` lets through in ``owner`` (superusers aside): its admins
    (a chapter's connectors), its moderators and, for a hosted collective, the host's
    admins. Who is told that something waits for the team."""
    from samen.communities.models import Chapter, CollectiveMembership, HostMembership

    ids = set(Moderator.objects.filter(**owner_fields(owner)).values_list("user_id", flat=True))
    if isinstance(owner, Chapter):
        return ids | set(owner.connectors.values_list("pk", flat=True))
    if isinstance(owner, Collective):
        admins = CollectiveMembership.objects.filter(collective=owner, role="admin")
        ids |= set(admins.values_list("user_id", flat=True))
        host_id = owner.host_id
    else:
        host_id = owner.pk
    if host_id:
        rows = HostMembership.objects.filter(host_id=host_id, role="admin")
        ids |= set(rows.values_list("user_id", flat=True))
    return ids


@dataclass(frozen=True)
class CommentTarget:
    """How comments on one kind of object behave: who sees them (as the object itself),
    and who may switch them on and off (its author's side)."""

    can_see: Callable[[Any, Any], bool]
    can_switch: Callable[[Any, Any], bool]
    owner: Callable[[Any], Owner]
    # Where the comment form and the on/off switch post to: each app keeps its own URLs,
    # which check access to the object before calling the shared actions.
    comment_url: Callable[[Any], str]
    switch_url: Callable[[Any], str]


def _news_url(name: str) -> Callable[[Any], str]:
    from django.urls import reverse

    return lambda post: reverse(f"conversations:{name}", args=[post.pk])


COMMENT_TARGETS: dict[type[models.Model], CommentTarget] = {
    NewsPost: CommentTarget(
        can_see=lambda user, post: community_access.can_read_news(user, post),
        can_switch=lambda user, post: community_access.can_write_news(user, post.owner),
        owner=lambda post: post.owner,
        comment_url=_news_url("news_comment"),
        switch_url=_news_url("news_comments_switch"),
    ),
}


def register_comment_target(model: type[models.Model], target: CommentTarget) -> None:
    """Let another app's objects take comments (called from its ``AppConfig.ready``)."""
    COMMENT_TARGETS[model] = target


def comment_target(obj: Any) -> CommentTarget:
    try:
        return COMMENT_TARGETS[type(obj)]
    except KeyError:
        raise TypeError(f"{type(obj).__name__} takes no comments") from None


def can_write_in(user: Any, owner: Owner) -> bool:
    """Open topics in ``owner``: its members and its team, never someone banned."""
    return (is_member(user, owner) or can_moderate(user, owner)) and not banned(user, owner)


def can_see_topic(user: Any, topic: Topic) -> bool:
    if topic.category_id is not None:
        assert topic.category is not None
        return can_see_category(user, topic.category)
    target = topic.target
    return target is not None and comment_target(target).can_see(user, target)


def can_be_told(user: Any, topic: Topic) -> bool:
    """Whether a notification about ``topic`` may reach ``user``: they read it, and the
    community did not ban them (a public topic stays readable to them, but nothing of the
    community follows them to their bell, their e-mail or a digest)."""
    return can_see_topic(user, topic) and not banned(user, topic.owner)


def can_post_in(user: Any, topic: Topic) -> bool:
    """Write in a topic: see it, and belong to the community (comments on a public object
    are open to any signed-in reader). Nobody banned from the community writes there."""
    if not _signed_in(user) or not can_see_topic(user, topic) or banned(user, topic.owner):
        return False
    if topic.category_id is None:
        return True
    return is_member(user, topic.owner) or can_moderate(user, topic.owner)


def can_see_post(user: Any, post: Post) -> bool:
    """A held or hidden post is seen by its author (with the reason) and the moderators."""
    if post.status == PostStatus.VISIBLE:
        return True
    is_author = _signed_in(user) and post.author_id == user.pk
    return is_author or can_moderate(user, post.topic.owner)


def can_keep_notice(user: Any, post: Post) -> bool:
    """Whether a notification about ``post`` may stay with ``user`` once their rights
    change: its author keeps what was decided about their own post (the reason they are
    owed); anyone else must still read the topic and the post."""
    if _signed_in(user) and post.author_id == user.pk:
        return True
    return can_see_topic(user, post.topic) and can_see_post(user, post)


def register_readers() -> None:
    """Notices about a post stay with those who may still read it (a member who leaves
    loses those of the members-only topics and private groups)."""
    from samen.notifications.registry import register_reader

    related = ("topic__category", "topic__collective__host", "topic__host", "topic__chapter")
    register_reader(Post, can_keep_notice, related=related)


def _topic_rows() -> models.QuerySet[Topic]:
    return Topic.objects.select_related(
        "category", "collective__host", "host", "chapter", "author", "target_type"
    )


def readers(topic: Topic, user_ids: set[int]) -> set[int]:
    """Which of ``user_ids`` may read ``topic``: ``can_see_topic`` for many people at once
    (a fixed number of queries for a category topic), so a fan-out to 11,000 members never
    tells anyone about a topic they cannot open. Comment topics ask their target per person."""
    from samen.accounts.models import User
    from samen.communities.models import Ban, Chapter, CollectiveMembership, HostMembership

    if not user_ids:
        return set()
    if topic.category_id is None:
        people = User.objects.filter(pk__in=user_ids, is_active=True)
        return {person.pk for person in people if can_see_topic(person, topic)}
    category = topic.category
    assert category is not None
    owner = topic.owner
    barred = set(
        Ban.objects.filter(user_id__in=user_ids, **owner_fields(owner)).values_list(
            "user_id", flat=True
        )
    )
    if category.visibility == Visibility.PUBLIC:
        return user_ids - barred
    team = set(
        Moderator.objects.filter(user_id__in=user_ids, **owner_fields(owner)).values_list(
            "user_id", flat=True
        )
    ) | set(User.objects.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True))
    if isinstance(owner, Chapter):
        team |= set(owner.connectors.filter(pk__in=user_ids).values_list("pk", flat=True))
        members = set(owner.members.filter(pk__in=user_ids).values_list("pk", flat=True))
    elif isinstance(owner, Collective):
        rows = CollectiveMembership.objects.filter(collective=owner, user_id__in=user_ids)
        team |= set(rows.filter(role="admin").values_list("user_id", flat=True))
        members = set(rows.values_list("user_id", flat=True))
        if owner.host_id:
            team |= set(
                HostMembership.objects.filter(
                    host_id=owner.host_id, role="admin", user_id__in=user_ids
                ).values_list("user_id", flat=True)
            )
    else:
        host_rows = HostMembership.objects.filter(host=owner, user_id__in=user_ids)
        team |= set(host_rows.filter(role="admin").values_list("user_id", flat=True))
        members = set(host_rows.values_list("user_id", flat=True))
    if category.visibility == Visibility.PRIVATE:
        members &= set(category.group.filter(pk__in=members).values_list("pk", flat=True))
    return (team | members) - barred


def access_topic(user: Any, pk: int, need: Need | str = Need.VIEW) -> Topic:
    topic = _topic_rows().filter(pk=pk).first()
    if topic is None or not can_see_topic(user, topic):
        raise Http404
    need = Need(need)
    if need == Need.POST and not can_post_in(user, topic):
        raise PermissionDenied
    if need == Need.MODERATE and not can_moderate(user, topic.owner):
        raise PermissionDenied
    return topic


def access_post(user: Any, pk: int, need: Need | str = Need.VIEW) -> Post:
    post = Post.objects.select_related("topic", "author").filter(pk=pk).first()
    if post is None:
        raise Http404
    post.topic = access_topic(user, post.topic_id, Need.VIEW)
    if not can_see_post(user, post):
        raise Http404
    need = Need(need)
    if need == Need.POST and not can_post_in(user, post.topic):
        raise PermissionDenied
    if need == Need.MODERATE and not can_moderate(user, post.topic.owner):
        raise PermissionDenied
    return post


def blocked_between(user_id: int | None) -> set[int]:
    """The people ``user_id`` blocked and those who blocked them: no notification and no
    message passes between them, either way."""
    if user_id is None:
        return set()
    found: set[int] = set()
    rows = Block.objects.filter(Q(user_id=user_id) | Q(blocked_id=user_id))
    for blocker, blocked in rows.values_list("user_id", "blocked_id"):
        found.add(blocked if blocker == user_id else blocker)
    return found


def access_post_image(user: Any, pk: int) -> PostImage:
    """An attached image, for whoever may read its post (and nobody else)."""
    image = PostImage.objects.filter(pk=pk).first()
    if image is None:
        raise Http404
    image.post = access_post(user, image.post_id)
    return image


def access_owner(user: Any, kind: str, slug: str, need: Need | str = Need.VIEW) -> Owner:
    """The collective, host or chapter whose discussions are asked for: visible to all
    (each person sees the categories meant for them); MODERATE for its team."""
    owner = community_access.access_news_owner(user, kind, slug)
    need = Need(need)
    if need == Need.POST and not can_write_in(user, owner):
        raise PermissionDenied
    if need == Need.MODERATE and not can_moderate(user, owner):
        raise PermissionDenied
    if need == Need.LOG and not (is_member(user, owner) or can_moderate(user, owner)):
        raise PermissionDenied
    return owner


def access_person(user: Any, owner: Owner, pk: int) -> Any:
    """Someone the team of ``owner`` acts on (any active account); the team only."""
    from samen.accounts.models import User

    if not can_moderate(user, owner):
        raise PermissionDenied
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    return person


def access_suspending_host(user: Any, kind: str, slug: str) -> Any:
    """The host whose suspensions are asked for: its admins only (others get 403, a kind
    other than a host 404, since only hosts suspend)."""
    if kind != "host":
        raise Http404
    host = community_access.access_news_owner(user, kind, slug)
    if not can_suspend(user, host):
        raise PermissionDenied
    return host


def access_suspension(user: Any, pk: int) -> HostSuspension:
    """One suspension, for the admins of its host; nobody else learns that it exists."""
    suspension = HostSuspension.objects.select_related("host", "user").filter(pk=pk).first()
    if suspension is None or not can_suspend(user, suspension.host):
        raise Http404
    return suspension


def access_blocklist_entry(user: Any, pk: int) -> HostBlocklistEntry:
    """One entry of a host's block list, for the admins of its host (404 for others)."""
    entry = HostBlocklistEntry.objects.select_related("host").filter(pk=pk).first()
    if entry is None or not can_suspend(user, entry.host):
        raise Http404
    return entry


def access_account(*, user_id: int) -> Any:
    """An active account by id, for a host admin's suspension (404 when there is none)."""
    from samen.accounts.models import User

    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Http404
    return person


def access_category(user: Any, owner: Owner, slug: str, need: Need | str = Need.VIEW) -> Category:
    category = Category.objects.filter(slug=slug, **owner_fields(owner)).first()
    if category is None or not can_see_category(user, category):
        raise Http404
    need = Need(need)
    if need == Need.POST and not can_write_in(user, owner):
        raise PermissionDenied
    if need == Need.MODERATE and not can_manage_categories(user, owner):
        raise PermissionDenied
    return category


def access_group_category(user: Any, owner: Owner, slug: str) -> Category:
    """A private category for someone who may ask to join it, or who reads it already (the
    join page then sends them to its topics). Anyone else learns nothing: 404."""
    category = Category.objects.filter(slug=slug, **owner_fields(owner)).first()
    if category is None or category.visibility != Visibility.PRIVATE:
        raise Http404
    if not (can_see_category(user, category) or can_ask_to_join(user, category)):
        raise Http404
    return category


def access_group_to_manage(user: Any, owner: Owner, slug: str) -> Category:
    """A private category whose people its community's team manages: 404 for whoever
    cannot read it, 403 for a reader who is not on the team (a member of its group)."""
    category = Category.objects.filter(slug=slug, **owner_fields(owner)).first()
    if category is None or category.visibility != Visibility.PRIVATE:
        raise Http404
    if not can_see_category(user, category):
        raise Http404
    if not can_moderate(user, owner):
        raise PermissionDenied
    return category


def access_group_member(user: Any, category: Category, pk: int) -> Any:
    """One person of a private category's group, for the team that may take them out
    (404 when they are not in it)."""
    if not can_moderate(user, category.owner):
        raise PermissionDenied
    person = category.group.filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def access_member_by_email(user: Any, owner: Owner, email: str) -> Any | None:
    """The member of ``owner`` with this e-mail address, for its team to name (a private
    group's new member); None when no active member has it."""
    from samen.accounts.models import User

    if not can_moderate(user, owner):
        raise PermissionDenied
    person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    return person if person is not None and is_member(person, owner) else None


def access_group_request(user: Any, pk: int) -> GroupRequest:
    """A request to join a private category, for the person who asked and the team of its
    community (404 for everyone else)."""
    found = (
        GroupRequest.objects.select_related(
            "category__collective__host", "category__host", "category__chapter", "user"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    is_asker = _signed_in(user) and found.user_id == user.pk
    if not (is_asker or can_moderate(user, found.category.owner)):
        raise Http404
    return found


def joinable_categories(user: Any, owner: Owner) -> list[Category]:
    """The private categories of ``owner`` that ``user`` may ask to join (their names are
    shown to the community's members only)."""
    if not _signed_in(user):
        return []
    rows = Category.objects.filter(visibility=Visibility.PRIVATE, **owner_fields(owner))
    return [category for category in rows if can_ask_to_join(user, category)]


def access_reviewable(user: Any, pk: int) -> Reviewable:
    """A review item, for the moderators of its community only (404 for everyone else)."""
    item = (
        Reviewable.objects.select_related("collective__host", "host", "chapter")
        .filter(pk=pk)
        .first()
    )
    if item is None or not can_moderate(user, item.owner):
        raise Http404
    return item


def access_message(user: Any, pk: int) -> RelayedMessage:
    """A relayed message, for its receiver and the moderators of its community (404 for
    everyone else, its sender included: it was e-mailed, there is nothing to open)."""
    message = (
        RelayedMessage.objects.select_related("collective__host", "host", "chapter", "sender")
        .filter(pk=pk)
        .first()
    )
    is_recipient = message is not None and message.recipient_id == getattr(user, "pk", None)
    if message is None or not (is_recipient or can_moderate(user, message.owner)):
        raise Http404
    return message


def visible_categories(user: Any, owner: Owner) -> list[Category]:
    """The categories of ``owner`` that ``user`` may read, in their order."""
    rows = Category.objects.filter(**owner_fields(owner)).select_related(
        "collective__host", "host", "chapter"
    )
    return [category for category in rows if can_see_category(user, category)]


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
