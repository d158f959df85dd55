"""The conversations API: topics, posts, reactions, reports and the review queue.

Errors are ``{"detail", "code"}`` (docs/api.md): 401 without a person on writes, 404 for a
topic or post the caller may not read, 403 ``permission_denied`` for one they may read but
not write or moderate, and the codes of ``ConversationErrorCode`` (422 unless said)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities.models import HostSuspension
from samen.communities.validation import render_markdown
from samen.conversations import actions, queries
from samen.conversations.access import (
    Need,
    access_account,
    access_blocklist_entry,
    access_category,
    access_message,
    access_owner,
    access_person,
    access_post,
    access_reviewable,
    access_suspending_host,
    access_suspension,
    access_topic,
    is_member,
)
from samen.conversations.models import (
    ModerationEntry,
    Post,
    PostImage,
    ReactionKind,
    Reviewable,
    Topic,
)

router = Router(tags=["conversations"])

OwnerKind = Literal["collective", "host", "chapter"]


class TopicOut(Schema):
    id: int
    title: str
    kind: str
    category: str | None = Field(description="The category's slug; null for comments.")
    author: str = Field(description='Public name; "Former member" after erasure.')
    created_at: datetime
    last_posted_at: datetime | None
    reply_count: int
    pinned: bool
    closed: bool
    answer_id: int | None
    stage: Literal["idea", "prototype", "running", ""] = Field(description="Ideas only.")
    question: str = Field(description="An idea's question for readers.")
    url: str

    @staticmethod
    def resolve_category(obj: Topic) -> str | None:
        return obj.category.slug if obj.category else None

    @staticmethod
    def resolve_author(obj: Topic) -> str:
        return obj.author_name

    @staticmethod
    def resolve_url(obj: Topic) -> str:
        return obj.get_absolute_url()


class ImageOut(Schema):
    id: int
    url: str = Field(description="Served only to people who may read the post.")
    width: int
    height: int
    content_type: str

    @staticmethod
    def resolve_url(obj: PostImage) -> str:
        return reverse("conversations:image", args=[obj.pk])


class PostOut(Schema):
    id: int
    number: int
    author: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="Rendered and sanitised; links are nofollow ugc.")
    status: Literal["visible", "held", "hidden", "deleted"]
    moderation_reason: str = Field(
        description="Why a moderator hid or deleted it (its author sees it)."
    )
    reply_to: int | None = Field(description="The number of the post this one answers.")
    created_at: datetime
    reactions: dict[str, int]
    feedback: Literal["works", "improve", "talk_to", ""] = Field(
        description="The kind of structured feedback on an idea, if any."
    )
    helpful: bool = Field(description="Marked helpful by the idea's owner.")

    @staticmethod
    def resolve_author(obj: Post) -> str:
        return obj.author_name

    @staticmethod
    def resolve_body_html(obj: Post) -> str:
        return render_markdown(obj.body, link_rel="nofollow ugc")

    @staticmethod
    def resolve_reply_to(obj: Post) -> int | None:
        return obj.reply_to.number if obj.reply_to else None

    images: list[ImageOut] = Field(description="Shrunk to 1600 px, without metadata.")

    @staticmethod
    def resolve_reactions(obj: Post) -> dict[str, int]:
        return dict(getattr(obj, "reaction_counts", {}))

    @staticmethod
    def resolve_images(obj: Post) -> list[PostImage]:
        return list(obj.images.all())


class TopicDetailOut(TopicOut):
    posts: list[PostOut] = Field(description="The posts the caller may read, in order.")

    @staticmethod
    def resolve_posts(obj: Topic) -> list[Post]:
        return list(getattr(obj, "posts_for_caller", []))


class TopicIn(Schema):
    category: str = Field(description="The category's slug.")
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=actions.MAX_BODY, description="Markdown.")
    kind: Literal["discussion", "question", "idea"] = "discussion"
    stage: Literal["idea", "prototype", "running", ""] = ""
    question: str = Field("", max_length=300, description="An idea's question for readers.")


class ReplyIn(Schema):
    body: str = Field(..., max_length=actions.MAX_BODY, description="Markdown.")
    reply_to: int | None = Field(None, description="The id of the post this one answers.")
    feedback: Literal["works", "improve", "talk_to", ""] = Field(
        "", description="Structured feedback on an idea (422 ``not_an_idea`` elsewhere)."
    )


class ReactionIn(Schema):
    kind: Literal["thanks", "agree", "heart", "laugh", "thinking"]


class ReactionOut(Schema):
    on: bool = Field(description="Whether the caller's reaction is there now.")


class ReportIn(Schema):
    reason: str = Field(..., max_length=500)
    rule_number: int | None = Field(None, ge=1, description="The house rule it breaks.")


class ReviewOut(Schema):
    id: int
    kind: Literal["flagged", "held"]
    status: str
    created_at: datetime
    post_id: int
    reports: list[dict[str, Any]]

    @staticmethod
    def resolve_post_id(obj: Reviewable) -> int:
        return int(obj.target_id)

    @staticmethod
    def resolve_reports(obj: Reviewable) -> list[dict[str, Any]]:
        return [
            {"reason": s.reason, "rule_number": s.rule_number, "rule_version": s.rule.version
             if s.rule else None}
            for s in obj.scores.all()
        ]  # fmt: skip


class DecisionIn(Schema):
    decision: Literal["approve", "hide", "ignore"]
    reason: str = Field("", max_length=500, description="Required to hide; the author sees it.")
    rule_number: int | None = Field(None, ge=1, description="The house rule it breaks.")


class ModerateIn(Schema):
    action: Literal["hide", "restore", "delete"]
    reason: str = Field(..., max_length=500, description="Required; the author sees it.")
    rule_number: int | None = Field(None, ge=1, description="The house rule it breaks.")


class SanctionIn(Schema):
    action: Literal["warn", "mute", "unmute", "ban", "unban"]
    reason: str = Field("", max_length=500, description="Required to warn, mute and ban.")
    rule_number: int | None = Field(None, ge=1, description="The house rule broken.")
    hours: int = Field(24, ge=1, le=24 * 366, description="How long a mute lasts.")


class LogEntryOut(Schema):
    id: int
    created_at: datetime
    actor: str = Field(description="Who of the team acted.")
    action: str
    person: str = Field(description="Whom it concerned (empty when nobody).")
    post_id: int | None = Field(description="The post concerned; its text is never here.")
    rule_number: int | None
    rule_version: int | None
    reason: str
    until: datetime | None

    @staticmethod
    def resolve_actor(obj: ModerationEntry) -> str:
        return obj.actor_name

    @staticmethod
    def resolve_person(obj: ModerationEntry) -> str:
        return obj.person_name

    @staticmethod
    def resolve_rule_version(obj: ModerationEntry) -> int | None:
        return obj.rule.version if obj.rule else None


class WatchIn(Schema):
    level: Literal["follow", "mute", ""] = Field(description='"" goes back to normal.')


class EmailIn(Schema):
    mode: Literal["every", "daily", "weekly", "none"]


class SuspensionIn(Schema):
    user_id: int = Field(description="The person to suspend.")
    reason: str = Field(..., max_length=500, description="Required; the person sees it.")
    until: date | None = Field(
        None, description="The suspension ends as this day begins; null for no end date."
    )


class LiftIn(Schema):
    reason: str = Field("", max_length=500)


class SuspensionOut(Schema):
    id: int
    user_id: int
    person: str = Field(description="The suspended person's public name.")
    reason: str
    until: datetime | None = Field(description="null: no end date.")
    created_at: datetime
    lifted_at: datetime | None

    @staticmethod
    def resolve_person(obj: HostSuspension) -> str:
        return obj.user.public_name


def _detail(request: HttpRequest, topic: Topic) -> Topic:
    posts = queries.topic_posts(request.user, topic)
    # the images of every post in one query, not one per post (ImageOut lists them)
    prefetch_related_objects(posts, "images")
    topic.posts_for_caller = posts  # type: ignore[attr-defined]
    return topic


@router.get("/{kind}/{slug}/topics", response=page_of(TopicOut), operation_id="conversation_topics")
def topics(
    request: HttpRequest,
    kind: OwnerKind,
    slug: str,
    params: Query[CursorParams],
    category: str | None = None,
) -> Any:
    """The topics the caller may read, newest first (``category``: one category's slug).
    404 ``not_found`` for an unknown community or a category the caller may not read."""
    owner = access_owner(request.user, kind, slug)
    chosen = access_category(request.user, owner, category) if category else None
    return paginate(queries.topic_list(request.user, owner, chosen), params, order=("-id",))


@router.post(
    "/{kind}/{slug}/topics",
    response={201: TopicDetailOut},
    auth=api_auth,
    operation_id="conversation_topic_create",
)
def topic_create(request: HttpRequest, kind: OwnerKind, slug: str, payload: TopicIn) -> Any:
    """Open a topic (members). 403 for non-members; 422 ``title_missing``, ``empty``,
    ``too_long``; 429 ``rate_limited`` or ``slow_mode``. A first post may come back
    ``held``: it waits for a moderator."""
    owner = access_owner(request.user, kind, slug, Need.POST)
    category = access_category(request.user, owner, payload.category, Need.POST)
    topic = actions.topic_create(
        actor=request.user,
        category=category,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        stage=payload.stage,
        question=payload.question,
    )
    return Status(201, _detail(request, access_topic(request.user, topic.pk)))


class TopicForm(Schema):
    """The multipart twin of ``TopicIn``, for a topic whose opening post carries images."""

    category: str = Field(description="The category's slug.")
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=actions.MAX_BODY, description="Markdown.")
    kind: Literal["discussion", "question", "idea"] = "discussion"
    stage: Literal["idea", "prototype", "running", ""] = ""
    question: str = Field("", max_length=300, description="An idea's question for readers.")


@router.post(
    "/{kind}/{slug}/topics/with-images",
    response={201: TopicDetailOut},
    auth=api_auth,
    operation_id="conversation_topic_create_with_images",
    summary="Open a topic with up to four images (multipart/form-data)",
)
def topic_create_with_images(
    request: HttpRequest,
    kind: OwnerKind,
    slug: str,
    payload: Form[TopicForm],
    images: File[list[UploadedFile]],
) -> Any:
    """Open a topic as ``POST /{kind}/{slug}/topics`` does, its opening post with up to
    four images in ``images``. Each image is checked as on the pages: at most 10 MB and 40
    megapixels (422 ``bad_image`` for a larger file, a decompression bomb or a file that is
    not an image; 422 ``too_many_images`` for a fifth), then shrunk to fit 1600 px and
    stripped of its metadata (EXIF, GPS). One refused image refuses the topic; nothing is
    written. 403 for non-members; 422 ``title_missing``, ``empty``, ``too_long``; 429
    ``rate_limited`` or ``slow_mode``."""
    owner = access_owner(request.user, kind, slug, Need.POST)
    category = access_category(request.user, owner, payload.category, Need.POST)
    topic = actions.topic_create(
        actor=request.user,
        category=category,
        title=payload.title,
        body=payload.body,
        kind=payload.kind,
        stage=payload.stage,
        question=payload.question,
        images=images,
    )
    return Status(201, _detail(request, access_topic(request.user, topic.pk)))


@router.get("/topics/{pk}", response=TopicDetailOut, operation_id="conversation_topic")
def topic_get(request: HttpRequest, pk: int) -> Any:
    """A topic with the posts the caller may read (404 when the topic is not for them)."""
    return _detail(request, access_topic(request.user, pk))


@router.post(
    "/topics/{pk}/posts",
    response={201: PostOut},
    auth=api_auth,
    operation_id="conversation_reply",
)
def reply(request: HttpRequest, pk: int, payload: ReplyIn) -> Any:
    """Reply (optionally to one post). 409 ``closed`` or ``comments_off``; 422 ``empty``,
    ``too_long``, ``wrong_topic``; 429 ``rate_limited`` or ``slow_mode``."""
    topic = access_topic(request.user, pk, Need.POST)
    reply_to = access_post(request.user, payload.reply_to) if payload.reply_to else None
    post = actions.post_reply(
        actor=request.user,
        topic=topic,
        body=payload.body,
        reply_to=reply_to,
        feedback=payload.feedback,
    )
    return Status(201, post)


class ReplyForm(Schema):
    """The multipart twin of ``ReplyIn``, for a reply that carries images."""

    body: str = Field(..., max_length=actions.MAX_BODY, description="Markdown.")
    reply_to: int | None = Field(None, description="The id of the post this one answers.")
    feedback: Literal["works", "improve", "talk_to", ""] = Field("", description="Ideas only.")


@router.post(
    "/topics/{pk}/posts/with-images",
    response={201: PostOut},
    auth=api_auth,
    operation_id="conversation_reply_with_images",
    summary="Reply with up to four images (multipart/form-data)",
)
def reply_with_images(
    request: HttpRequest,
    pk: int,
    payload: Form[ReplyForm],
    images: File[list[UploadedFile]],
) -> Any:
    """Reply as ``POST /topics/{pk}/posts`` does, with up to four images in ``images``.
    Each image is checked as on the pages: at most 10 MB and 40 megapixels (422
    ``bad_image`` for a larger file, a decompression bomb or a file that is not an image;
    422 ``too_many_images`` for a fifth), then shrunk to fit 1600 px and stripped of its
    metadata (EXIF, GPS). One refused image refuses the reply; nothing is written."""
    topic = access_topic(request.user, pk, Need.POST)
    reply_to = access_post(request.user, payload.reply_to) if payload.reply_to else None
    post = actions.post_reply(
        actor=request.user,
        topic=topic,
        body=payload.body,
        reply_to=reply_to,
        feedback=payload.feedback,
        images=images,
    )
    return Status(201, post)


@router.post(
    "/posts/{pk}/reactions",
    response=ReactionOut,
    auth=api_auth,
    operation_id="conversation_react",
)
def react(request: HttpRequest, pk: int, payload: ReactionIn) -> Any:
    """Add the caller's reaction of ``kind``, or take it back when it is there."""
    post = access_post(request.user, pk, Need.POST)
    return {
        "on": actions.reaction_toggle(
            actor=request.user, post=post, kind=ReactionKind(payload.kind)
        )
    }


@router.post(
    "/posts/{pk}/reports", response={201: None}, auth=api_auth, operation_id="conversation_report"
)
def report(request: HttpRequest, pk: int, payload: ReportIn) -> Any:
    """Report a post to the moderators. 422 ``own_post`` or ``reason_missing``; 409
    ``already_reported``."""
    post = access_post(request.user, pk)
    actions.post_report(
        actor=request.user, post=post, reason=payload.reason, rule_number=payload.rule_number
    )
    return Status(201, None)


@router.get(
    "/{kind}/{slug}/review",
    response=list[ReviewOut],
    auth=api_auth,
    operation_id="conversation_review_queue",
)
def review_queue(request: HttpRequest, kind: OwnerKind, slug: str) -> Any:
    """The pending review items, oldest first (moderators; 403 for others)."""
    owner = access_owner(request.user, kind, slug, Need.MODERATE)
    return queries.review_queue(owner, request.user)


@router.post(
    "/review/{pk}/decision",
    response={200: PostOut, 204: None},
    auth=api_auth,
    operation_id="conversation_review_decide",
)
def review_decide(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    """Approve, hide (with a reason) or ignore; a reported message is kept or ignored (204).
    404 for non-moderators; 409 ``decided``; 422 ``reason_missing`` or ``bad_decision``."""
    item = access_reviewable(request.user, pk)
    post = actions.review_decide(
        actor=request.user,
        reviewable=item,
        decision=payload.decision,
        reason=payload.reason,
        rule_number=payload.rule_number,
    )
    return post if post is not None else Status(204, None)


@router.post(
    "/posts/{pk}/moderation",
    response=PostOut,
    auth=api_auth,
    operation_id="conversation_post_moderate",
)
def post_moderate(request: HttpRequest, pk: int, payload: ModerateIn) -> Any:
    """Hide, restore or delete a post with a reason (the team; 403 for others who can read
    it). 422 ``reason_missing``; 409 ``not_restorable`` for a deleted post."""
    post = access_post(request.user, pk, Need.MODERATE)
    return actions.post_moderate(
        actor=request.user,
        post=post,
        action=payload.action,
        reason=payload.reason,
        rule_number=payload.rule_number,
    )


@router.post(
    "/{kind}/{slug}/people/{user_id}/sanctions",
    response={201: None},
    auth=api_auth,
    operation_id="conversation_sanction",
)
def sanction(
    request: HttpRequest, kind: OwnerKind, slug: str, user_id: int, payload: SanctionIn
) -> Any:
    """Warn, mute (for ``hours``), lift a mute, remove and ban, or lift a ban (the team;
    403 for others). 409 ``team_member`` for a moderator or admin; 422 ``reason_missing``."""
    owner = access_owner(request.user, kind, slug, Need.MODERATE)
    person = access_person(request.user, owner, user_id)
    common: dict[str, Any] = {"actor": request.user, "owner": owner, "person": person}
    rule = payload.rule_number
    if payload.action == "warn":
        actions.member_warn(**common, reason=payload.reason, rule_number=rule)
    elif payload.action == "mute":
        actions.member_mute(**common, hours=payload.hours, reason=payload.reason, rule_number=rule)
    elif payload.action == "unmute":
        actions.member_unmute(**common, reason=payload.reason)
    elif payload.action == "ban":
        actions.member_ban(**common, reason=payload.reason, rule_number=rule)
    else:
        actions.member_unban(**common, reason=payload.reason)
    return Status(201, None)


@router.get(
    "/host/{slug}/suspensions",
    response=list[SuspensionOut],
    auth=api_auth,
    operation_id="conversation_suspensions",
)
def suspensions(request: HttpRequest, slug: str) -> Any:
    """The people suspended across the host now (its admins; 403 for others)."""
    host = access_suspending_host(request.user, "host", slug)
    return queries.host_suspensions(host)["active"]


@router.post(
    "/host/{slug}/suspensions",
    response={201: SuspensionOut},
    auth=api_auth,
    operation_id="conversation_suspend",
)
def suspend(request: HttpRequest, slug: str, payload: SuspensionIn) -> Any:
    """Suspend a person across the host (its admins): they cannot post, reply, comment,
    react, send messages or submit expenses in the host or any of its collectives, and
    get 403 ``suspended`` (``host_suspended`` for expenses) with the reason. 404 for an
    unknown person; 409 ``team_member`` for a host admin or oneself; 422
    ``reason_missing``, ``bad_until``."""
    host = access_suspending_host(request.user, "host", slug)
    person = access_account(user_id=payload.user_id)
    suspension = actions.host_suspend(actor=request.user, host=host, person=person,
                                      reason=payload.reason, until=payload.until)  # fmt: skip
    return Status(201, suspension)


@router.post(
    "/suspensions/{pk}/lift",
    response=SuspensionOut,
    auth=api_auth,
    operation_id="conversation_suspension_lift",
)
def suspension_lift(request: HttpRequest, pk: int, payload: LiftIn) -> Any:
    """End a suspension now (the host's admins; 404 for others). 409 ``not_suspended``
    when it had already ended."""
    suspension = access_suspension(request.user, pk)
    return actions.host_suspension_lift(
        actor=request.user, suspension=suspension, reason=payload.reason
    )


class BlocklistIn(Schema):
    kind: Literal["email_domain", "url"]
    value: str = Field(
        ..., max_length=200, description="A domain (spam.example) or a web address (with a path)."
    )


class BlocklistOut(Schema):
    id: int
    kind: Literal["email_domain", "url"]
    value: str = Field(description="Normalised: lower case, without scheme or www.")
    created_at: datetime


@router.get(
    "/host/{slug}/blocklist",
    response=list[BlocklistOut],
    auth=api_auth,
    operation_id="conversation_blocklist",
)
def blocklist(request: HttpRequest, slug: str) -> Any:
    """The e-mail domains and web addresses the host refuses (its admins; 403 for others)."""
    host = access_suspending_host(request.user, "host", slug)
    return queries.host_blocklist(host)


@router.post(
    "/host/{slug}/blocklist",
    response={201: BlocklistOut},
    auth=api_auth,
    operation_id="conversation_blocklist_add",
)
def blocklist_add(request: HttpRequest, slug: str, payload: BlocklistIn) -> Any:
    """Refuse an e-mail domain or a web address across the host (its admins). From then
    on a person whose address is at the domain gets 403 ``blocked_domain`` on every post,
    reaction and message in the host and its collectives, and a post or message linking
    to the address gets 422 ``blocked_link``. 422 ``bad_blocklist_entry`` for a value that
    is not a domain; listing one twice returns the first."""
    host = access_suspending_host(request.user, "host", slug)
    entry = actions.blocklist_add(
        actor=request.user, host=host, kind=payload.kind, value=payload.value
    )
    return Status(201, entry)


@router.delete(
    "/blocklist/{pk}",
    response={204: None},
    auth=api_auth,
    operation_id="conversation_blocklist_remove",
)
def blocklist_remove(request: HttpRequest, pk: int) -> Any:
    """Take an entry off the host's block list (its admins; 404 for others)."""
    actions.blocklist_remove(actor=request.user, entry=access_blocklist_entry(request.user, pk))
    return Status(204, None)


@router.get(
    "/{kind}/{slug}/moderation-log",
    response=page_of(LogEntryOut),
    auth=api_auth,
    operation_id="conversation_moderation_log",
)
def moderation_log(
    request: HttpRequest, kind: OwnerKind, slug: str, params: Query[CursorParams]
) -> Any:
    """The moderation log, newest first, for the community's members and team (403 for
    others)."""
    owner = access_owner(request.user, kind, slug, Need.LOG)
    return paginate(queries.moderation_log(owner), params, order=("-id",))


@router.put(
    "/topics/{pk}/watch", response={204: None}, auth=api_auth, operation_id="conversation_watch"
)
def watch(request: HttpRequest, pk: int, payload: WatchIn) -> Any:
    """Follow a topic (every reply notifies), mute it (nothing does), or ``""``."""
    topic = access_topic(request.user, pk)
    actions.topic_watch_set(actor=request.user, topic=topic, level=payload.level)
    return Status(204, None)


@router.put(
    "/{kind}/{slug}/email", response={204: None}, auth=api_auth, operation_id="conversation_email"
)
def email_choice(request: HttpRequest, kind: OwnerKind, slug: str, payload: EmailIn) -> Any:
    """E-mail about new posts here: every post, a daily or weekly digest, or none. Only
    posts the caller may read are ever sent."""
    owner = access_owner(request.user, kind, slug)
    actions.email_choice_set(actor=request.user, owner=owner, mode=payload.mode)
    return Status(204, None)


class SearchHitOut(Schema):
    post_id: int
    number: int
    topic_id: int
    topic_title: str
    author: str
    created_at: datetime
    body_html: str = Field(description="The post, rendered and sanitised.")
    url: str

    @staticmethod
    def resolve_post_id(obj: Post) -> int:
        return obj.pk

    @staticmethod
    def resolve_topic_title(obj: Post) -> str:
        return obj.topic.title

    @staticmethod
    def resolve_author(obj: Post) -> str:
        return obj.author_name

    @staticmethod
    def resolve_body_html(obj: Post) -> str:
        return render_markdown(obj.body, link_rel="nofollow ugc")

    @staticmethod
    def resolve_url(obj: Post) -> str:
        return obj.get_absolute_url()


@router.get(
    "/{kind}/{slug}/search", response=list[SearchHitOut], operation_id="conversation_search"
)
def search(
    request: HttpRequest, kind: OwnerKind, slug: str, q: str = Query(..., max_length=200)
) -> Any:
    """Up to 50 visible posts matching ``q`` in the topics the caller may read, best first
    (PostgreSQL full-text in the community's language). 404 for an unknown community."""
    owner = access_owner(request.user, kind, slug)
    return queries.search_posts(request.user, owner, q)


class StageIn(Schema):
    stage: Literal["idea", "prototype", "running"]


class HelpfulIn(Schema):
    helpful: bool


@router.get("/{kind}/{slug}/ideas", response=page_of(TopicOut), operation_id="conversation_ideas")
def ideas(request: HttpRequest, kind: OwnerKind, slug: str, params: Query[CursorParams]) -> Any:
    """The sounding board: the ideas the caller may read (each with its stage)."""
    owner = access_owner(request.user, kind, slug)
    rows = queries.topic_list(request.user, owner).filter(kind="idea")
    return paginate(rows, params, order=("-id",))


@router.put(
    "/topics/{pk}/stage", response=TopicOut, auth=api_auth, operation_id="conversation_stage"
)
def stage(request: HttpRequest, pk: int, payload: StageIn) -> Any:
    """Move an idea to a stage (its owner or a moderator; 403 for others, 422
    ``not_an_idea``)."""
    topic = access_topic(request.user, pk)
    return actions.idea_set_stage(actor=request.user, topic=topic, stage=payload.stage)


@router.post(
    "/posts/{pk}/helpful", response=PostOut, auth=api_auth, operation_id="conversation_helpful"
)
def mark_helpful(request: HttpRequest, pk: int, payload: HelpfulIn) -> Any:
    """The idea's owner marks a reply helpful or not (403 for anyone else; 422
    ``not_an_idea`` or ``wrong_topic`` for the opening post)."""
    post = access_post(request.user, pk)
    return actions.post_mark_helpful(actor=request.user, post=post, helpful=payload.helpful)


class RelayMessageIn(Schema):
    body: str = Field(..., max_length=actions.MAX_MESSAGE)
    share_email: bool = Field(False, description="Let the receiver see the sender's address.")


class ContactIn(Schema):
    refuse: bool = Field(description="Refuse messages relayed from other members.")


@router.post(
    "/{kind}/{slug}/people/{user_id}/messages",
    response={201: None},
    auth=api_auth,
    operation_id="conversation_message",
)
def message(
    request: HttpRequest, kind: OwnerKind, slug: str, user_id: int, payload: RelayMessageIn
) -> Any:
    """Relay a message by e-mail to another member of the community (members; 404 for a
    person who is not one). 409 ``refuses_messages``; 429 ``daily_limit``; 403 ``muted``."""
    from samen.accounts.models import User

    owner = access_owner(request.user, kind, slug, Need.POST)
    recipient = User.objects.filter(pk=user_id, is_active=True).first()
    if recipient is None or not is_member(recipient, owner):
        raise Http404
    actions.message_send(actor=request.user, owner=owner, recipient=recipient,
                         body=payload.body, share_email=payload.share_email)  # fmt: skip
    return Status(201, None)


@router.post(
    "/messages/{pk}/reports",
    response={201: None},
    auth=api_auth,
    operation_id="conversation_message_report",
)
def message_report(request: HttpRequest, pk: int, payload: ReportIn) -> Any:
    """The receiver reports a message to the community's moderators (404 for others)."""
    found = access_message(request.user, pk)
    if found.recipient_id != request.user.pk:
        raise Http404
    actions.message_report(actor=request.user, message=found, reason=payload.reason,
                           rule_number=payload.rule_number)  # fmt: skip
    return Status(201, None)


@router.put("/contact", response={204: None}, auth=api_auth, operation_id="conversation_contact")
def contact(request: HttpRequest, payload: ContactIn) -> Any:
    """Refuse relayed messages, or accept them again."""
    actions.contact_refuse(actor=request.user, refuse=payload.refuse)
    return Status(204, None)


# Private categories' join requests live in their own module, which attaches its endpoints
# to ``router`` when imported (after every name above exists).
from samen.conversations.api import groups  # noqa: E402, F401
