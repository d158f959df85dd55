"""Every write of conversations: categories, topics, posts, reactions, comments, reports
and the moderators' decisions. Each is atomic, takes the acting person, and refuses with a
``ConversationError`` before writing anything."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext
from PIL import Image

from samen.audit.actions import audit_record
from samen.communities.models import HostSuspension, host_of
from samen.conversations import access, kinds
from samen.conversations.actions.blocklist import blocklist_check
from samen.conversations.actions.groups import read_join_questions
from samen.conversations.actions.search import search_index
from samen.conversations.actions.watching import muted_topic, new_post_fanout
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import (
    Category,
    CommunitySettings,
    FeedbackKind,
    IdeaStage,
    Owner,
    Post,
    PostImage,
    PostStatus,
    Reaction,
    ReactionKind,
    Reviewable,
    ReviewKind,
    Topic,
    TopicKind,
    Visibility,
    owner_fields,
)
from samen.lib.images import CleanImage, ImageRefused, clean_image
from samen.notifications.actions import notify

MAX_BODY = 20_000
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_BOX = (1600, 1600)
MAX_MENTIONS = 10
_MENTION = re.compile(r"(?<![\w@])@([\w][\w.-]{0,59})")
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def community_settings(owner: Owner) -> CommunitySettings:
    """The community's discussion settings (defaults when it never changed them)."""
    found = CommunitySettings.objects.filter(**owner_fields(owner)).first()
    return found or CommunitySettings(**owner_fields(owner))


# --- the community's set-up ------------------------------------------------------------------


@transaction.atomic
def category_create(
    *,
    actor: Any,
    owner: Owner,
    name: str,
    slug: str = "",
    description: str = "",
    visibility: Visibility | str = Visibility.MEMBERS,
    slow_mode_per_hour: int = 0,
    position: int = 0,
    join_questions: str = "",
) -> Category:
    """A new category of ``owner``'s discussions, by one of its admins; a private one may
    carry the questions people answer when they ask to join it."""
    access.require(access.can_manage_categories(actor, owner))
    name = (name or "").strip()[:80]
    if not name:
        raise ConversationError(Code.NAME_MISSING, field="name")
    slug = slugify(slug or name)[:60] or "category"
    if Category.objects.filter(slug=slug, **owner_fields(owner)).exists():
        raise ConversationError(Code.SLUG_TAKEN, field="slug")
    questions = read_join_questions(join_questions)
    category = Category.objects.create(
        name=name,
        slug=slug,
        description=(description or "").strip()[:300],
        visibility=Visibility(visibility),
        slow_mode_per_hour=max(0, int(slow_mode_per_hour)),
        position=position,
        join_questions=questions,
        **owner_fields(owner),
    )
    audit_record(actor=actor, action="conversations.category.create", target=category,
                 host=host_of(owner), data={"visibility": category.visibility})  # fmt: skip
    return category


@transaction.atomic
def settings_set(
    *, actor: Any, owner: Owner, hold_first_posts: bool, posts_per_hour: int
) -> CommunitySettings:
    """The admins choose whether first posts wait for approval and the posting limit."""
    access.require(access.can_manage_categories(actor, owner))
    row, _ = CommunitySettings.objects.update_or_create(
        **owner_fields(owner),
        defaults={
            "hold_first_posts": bool(hold_first_posts),
            "posts_per_hour": max(1, min(int(posts_per_hour), 1000)),
        },
    )
    audit_record(actor=actor, action="conversations.settings", target=row, host=host_of(owner),
                 data={"hold_first_posts": row.hold_first_posts,
                       "posts_per_hour": row.posts_per_hour})  # fmt: skip
    return row


# --- writing ---------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ConversationError(Code.EMPTY, field="body")
    if len(body) > MAX_BODY:
        raise ConversationError(
            Code.TOO_LONG,
            gettext("Keep it under %(max)s characters.") % {"max": f"{MAX_BODY:,}"},
            field="body",
        )
    return body


def _clean_images(uploads: Iterable[IO[bytes]]) -> list[CleanImage]:
    """Every attached image checked, shrunk and stripped of its metadata before anything is
    written: one refused image refuses the post, with the loader's reason."""
    files = list(uploads or [])
    if len(files) > MAX_IMAGES:
        raise ConversationError(Code.TOO_MANY_IMAGES, field="images")
    cleaned = []
    for upload in files:
        try:
            cleaned.append(clean_image(upload, box=IMAGE_BOX, max_bytes=MAX_IMAGE_BYTES))
        except ImageRefused as refused:
            raise ConversationError(Code.BAD_IMAGE, refused.message, field="images") from None
    return cleaned


def _attach(post: Post, images: list[CleanImage]) -> None:
    for image in images:
        with Image.open(io.BytesIO(image.data)) as opened:
            width, height = opened.size
        name = f"{uuid.uuid4().hex}.{image.extension}"
        PostImage.objects.create(post=post, file=ContentFile(image.data, name=name),
                                 content_type=image.content_type, width=width,
                                 height=height)  # fmt: skip


def suspended_message(suspension: HostSuspension) -> str:
    """What a suspended person reads when refused: the host, the end and the reason."""
    values = {"host": suspension.host.name, "reason": suspension.reason}
    if suspension.until is None:
        text = gettext(
            "The admins of %(host)s suspended you in all its communities. Reason: %(reason)s"
        )
    else:
        values["until"] = date_format(timezone.localtime(suspension.until), "DATETIME_FORMAT")
        text = gettext(
            "The admins of %(host)s suspended you in all its communities until %(until)s. "
            "Reason: %(reason)s"
        )
    return text % values


def _check_allowed(actor: Any, owner: Owner, *texts: str) -> None:
    """A banned person writes nothing; a person the host suspended writes nowhere in the
    host; a muted one waits until the mute ends; nobody writes from an e-mail domain, or
    ``texts`` linking to a web address, on the host's block list."""
    if access.banned(actor, owner):
        raise ConversationError(Code.BANNED)
    suspension = access.suspension(actor, owner)
    if suspension is not None:
        raise ConversationError(Code.SUSPENDED, suspended_message(suspension))
    mute = access.active_mute(actor, owner)
    if mute is not None:
        until = date_format(timezone.localtime(mute.until), "DATETIME_FORMAT")
        raise ConversationError(
            Code.MUTED,
            gettext("A moderator muted you in this community until %(until)s.") % {"until": until},
        )
    blocklist_check(actor, owner, *texts)


def _check_rate(actor: Any, owner: Owner, category: Category | None) -> None:
    """Posts per person per hour in the community, and slow mode in a busy category."""
    since = timezone.now() - timedelta(hours=1)
    mine = Post.objects.filter(author=actor, created_at__gte=since)
    limit = community_settings(owner).posts_per_hour
    if mine.filter(**{f"topic__{k}": v for k, v in owner_fields(owner).items()}).count() >= limit:
        raise ConversationError(Code.RATE_LIMITED)
    slow = category.slow_mode_per_hour if category is not None else 0
    if slow and mine.filter(topic__category=category).count() >= slow:
        raise ConversationError(Code.SLOW_MODE)


def _should_hold(actor: Any, owner: Owner, body: str) -> bool:
    """A first post waits for a moderator when the community asks for it, and always when
    it carries a link (the classic spam opening). The team itself is never held."""
    if access.can_moderate(actor, owner):
        return False
    earlier = Post.objects.filter(
        author=actor,
        status=PostStatus.VISIBLE,
        **{f"topic__{k}": v for k, v in owner_fields(owner).items()},
    ).exists()
    if earlier:
        return False
    return community_settings(owner).hold_first_posts or bool(_LINK.search(body))


def _add_post(
    *,
    actor: Any,
    topic: Topic,
    body: str,
    reply_to: Post | None,
    feedback: str = "",
    images: list[CleanImage] | None = None,
) -> Post:
    """Number, store and announce a post; the caller holds the topic's row lock."""
    held = _should_hold(actor, topic.owner, body)
    number = (Post.objects.filter(topic=topic).aggregate(n=Max("number"))["n"] or 0) + 1
    post = Post.objects.create(
        topic=topic,
        number=number,
        author=actor,
        body=body,
        reply_to=reply_to,
        feedback=feedback,
        status=PostStatus.HELD if held else PostStatus.VISIBLE,
    )
    search_index(topic=topic, post_ids=[post.pk])
    _attach(post, images or [])
    if held:
        Reviewable.objects.create(
            kind=ReviewKind.HELD,
            target_type=ContentType.objects.get_for_model(Post),
            target_id=post.pk,
            **owner_fields(topic.owner),
        )
    else:
        _published(post)
    return post


def _refresh_topic(topic: Topic) -> None:
    visible = Post.objects.filter(topic=topic, status=PostStatus.VISIBLE)
    last = visible.aggregate(at=Max("created_at"))["at"]
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=visible.filter(number__gt=1).count(), last_posted_at=last
    )


def _published(post: Post) -> None:
    """A post became visible: keep the topic's counters and tell who should know."""
    topic = post.topic
    _refresh_topic(topic)
    data = {"actor": post.author_name, "title": topic.title}
    url = post.get_absolute_url()
    blocked = access.blocked_between(post.author_id)
    mentioned = [user for user in _mentioned(post.body, topic) if user.pk not in blocked]
    if mentioned:
        notify(mentioned, kinds.MENTION, post, actor=post.author, data=data, url=url)
    told = {user.pk for user in mentioned} | blocked
    # a reply tells the topic's author; so does every comment on an object (a news post,
    # a campaign update, an event), whose topic has no opening post of its own
    if post.number > 1 or topic.category_id is None:
        repliers = [topic.author, post.reply_to.author if post.reply_to else None]
        muting = muted_topic(topic, {user.pk for user in repliers if user is not None})
        readers = [
            user
            for user in repliers
            if user is not None and user.pk not in told | muting and access.can_be_told(user, topic)
        ]
        notify(readers, kinds.REPLY, post, actor=post.author, data=data, url=url)
        told |= {user.pk for user in readers}
    new_post_fanout(post, told)


def _mentioned(body: str, topic: Topic) -> list[Any]:
    """People named as ``@Name`` (their public name without spaces) who can read the topic:
    a mention of anyone else notifies nobody, so no content leaks."""
    handles = list(dict.fromkeys(m.lower() for m in _MENTION.findall(body)))[:MAX_MENTIONS]
    if not handles:
        return []
    user_model = get_user_model()
    candidates = user_model.objects.annotate(
        handle=Lower(Replace("display_name", Value(" "), Value("")))
    ).filter(handle__in=handles, is_active=True)
    return [user for user in candidates if access.can_be_told(user, topic)]


def _locked(topic: Topic) -> Topic:
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    # keep the relations the caller loaded (owner, category) for the checks that follow
    for field in ("category", "collective", "host", "chapter", "author"):
        cache = topic._state.fields_cache.get(field)
        if cache is not None:
            locked._state.fields_cache[field] = cache
    return locked


@transaction.atomic
def topic_create(
    *,
    actor: Any,
    category: Category,
    title: str,
    body: str,
    kind: TopicKind | str = TopicKind.DISCUSSION,
    stage: IdeaStage | str = "",
    question: str = "",
    images: Iterable[IO[bytes]] = (),
) -> Topic:
    """Open a topic in a category: the topic and its first post, held for approval when the
    community wants (or when a first post carries a link). An idea for the sounding board
    has a stage (an idea, by default) and may ask readers one question; up to four images
    may come with the opening post."""
    owner = category.owner
    access.require(
        access.can_see_category(actor, category)
        and (access.is_member(actor, owner) or access.can_moderate(actor, owner))
    )
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ConversationError(Code.TITLE_MISSING, field="title")
    body = _clean_body(body)
    cleaned = _clean_images(images)
    _check_allowed(actor, owner, title, body)
    _check_rate(actor, owner, category)
    is_idea = TopicKind(kind) == TopicKind.IDEA
    topic = Topic.objects.create(
        category=category, kind=TopicKind(kind), title=title, author=actor,
        stage=IdeaStage(stage or IdeaStage.IDEA) if is_idea else "",
        question=" ".join((question or "").split())[:300] if is_idea else "",
        **owner_fields(owner),
    )  # fmt: skip
    topic.category = category
    _add_post(actor=actor, topic=topic, body=body, reply_to=None, images=cleaned)
    return topic


@transaction.atomic
def post_reply(
    *,
    actor: Any,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    feedback: FeedbackKind | str = "",
    images: Iterable[IO[bytes]] = (),
) -> Post:
    """Reply at the end of a topic, optionally "in reply to" one of its posts, with up to
    four images; a reply to an idea may say which feedback it gives (what works, what to
    improve, whom to talk to: a mention there notifies that person like any mention)."""
    access.require(access.can_post_in(actor, topic))
    body = _clean_body(body)
    cleaned = _clean_images(images)
    topic = _locked(topic)
    if topic.closed and not access.can_moderate(actor, topic.owner):
        raise ConversationError(Code.CLOSED)
    if topic.category_id is None and not topic.comments_enabled:
        raise ConversationError(Code.COMMENTS_OFF)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        raise ConversationError(Code.WRONG_TOPIC, field="reply_to")
    if feedback and topic.kind != TopicKind.IDEA:
        raise ConversationError(Code.NOT_AN_IDEA, field="feedback")
    _check_allowed(actor, topic.owner, body)
    _check_rate(actor, topic.owner, topic.category)
    return _add_post(
        actor=actor,
        topic=topic,
        body=body,
        reply_to=reply_to,
        feedback=FeedbackKind(feedback) if feedback else "",
        images=cleaned,
    )


def comments_topic(target: Any) -> Topic | None:
    """The topic holding ``target``'s comments, if it has one yet."""
    return (
        Topic.objects.filter(
            target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )
        .select_related("collective__host", "host", "chapter", "target_type")
        .first()
    )


def _comments_topic_for(target: Any) -> Topic:
    found = comments_topic(target)
    if found is not None:
        return found
    rules = access.comment_target(target)
    try:
        with transaction.atomic():
            return Topic.objects.create(
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
                title=str(target)[:200],
                author=getattr(target, "author", None),
                **owner_fields(rules.owner(target)),
            )
    except IntegrityError:  # two first comments at once: the other one made it
        found = comments_topic(target)
        assert found is not None
        return found


@transaction.atomic
def comment_add(*, actor: Any, target: Any, body: str, reply_to: Post | None = None) -> Post:
    """Comment on a news post (or any registered target): the same posts as discussions."""
    rules = access.comment_target(target)
    access.require(bool(getattr(actor, "is_authenticated", False)) and rules.can_see(actor, target))
    topic = _comments_topic_for(target)
    topic.target = target
    return post_reply(actor=actor, topic=topic, body=body, reply_to=reply_to)


@transaction.atomic
def comments_switch(*, actor: Any, target: Any, enabled: bool) -> Topic:
    """The author's side switches comments on or off; existing comments stay readable."""
    rules = access.comment_target(target)
    access.require(rules.can_switch(actor, target))
    topic = _comments_topic_for(target)
    Topic.objects.filter(pk=topic.pk).update(comments_enabled=bool(enabled))
    topic.comments_enabled = bool(enabled)
    audit_record(actor=actor, action="conversations.comments_switch", target=topic,
                 host=host_of(topic.owner), data={"enabled": bool(enabled)})  # fmt: skip
    return topic


@transaction.atomic
def reaction_toggle(*, actor: Any, post: Post, kind: ReactionKind | str) -> bool:
    """React to a visible post, or take the reaction back; returns whether it is on now."""
    access.require(access.can_post_in(actor, post.topic) and post.is_visible)
    _check_allowed(actor, post.topic.owner)
    kind = ReactionKind(kind)
    deleted, _ = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(post=post, user=actor, kind=kind)
    author = post.author
    if (
        author is not None
        and author.pk not in access.blocked_between(actor.pk)
        and access.can_be_told(author, post.topic)
    ):
        notify([post.author], kinds.REACTION, post, actor=actor, url=post.get_absolute_url(),
               data={"actor": actor.public_name, "title": post.topic.title})  # fmt: skip
    return True


# --- the topic's owner and the moderators ----------------------------------------------------


@transaction.atomic
def topic_set_flags(
    *, actor: Any, topic: Topic, pinned: bool | None = None, closed: bool | None = None
) -> Topic:
    """Pin or close a topic (moderators)."""
    access.require(access.can_moderate(actor, topic.owner))
    changes: dict[str, bool] = {}
    if pinned is not None:
        changes["pinned"] = pinned
    if closed is not None:
        changes["closed"] = closed
    Topic.objects.filter(pk=topic.pk).update(**changes)
    for name, value in changes.items():
        setattr(topic, name, value)
    audit_record(actor=actor, action="conversations.topic.flags", target=topic,
                 host=host_of(topic.owner), data=changes)  # fmt: skip
    return topic


@transaction.atomic
def answer_accept(*, actor: Any, topic: Topic, post: Post | None) -> Topic:
    """The asker (or a moderator) marks a reply as the answer to a question; None clears."""
    is_asker = topic.author_id is not None and topic.author_id == getattr(actor, "pk", None)
    access.require(is_asker or access.can_moderate(actor, topic.owner))
    if topic.kind != TopicKind.QUESTION:
        raise ConversationError(Code.NOT_A_QUESTION)
    if post is not None and (post.topic_id != topic.pk or post.number == 1 or not post.is_visible):
        raise ConversationError(Code.WRONG_TOPIC)
    Topic.objects.filter(pk=topic.pk).update(answer=post)
    topic.answer = post
    return topic
