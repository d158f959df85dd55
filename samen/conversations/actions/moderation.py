"""The moderation team's writes: the team itself, reports, the review queue, decisions on
posts and on people (warn, mute, remove and ban). Every decision writes an audit row and a
line of the community's moderation log, and tells the person concerned with the reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samen.audit.actions import audit_record
from samen.communities import queries as community_queries
from samen.communities.models import Ban, Chapter, Follow, host_of
from samen.conversations import access, kinds
from samen.conversations.actions.posts import _published, _refresh_topic
from samen.conversations.actions.search import search_index
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import (
    Category,
    GroupRequest,
    ModerationAction,
    ModerationEntry,
    Moderator,
    Mute,
    Owner,
    Post,
    PostImage,
    PostStatus,
    Reviewable,
    ReviewKind,
    ReviewScore,
    ReviewStatus,
    owner_fields,
    owner_kind,
)
from samen.notifications.actions import (
    notifications_forget,
    notifications_forget_unreadable,
    notify,
)

MAX_MUTE_HOURS = 24 * 366


def _reason(reason: str, *, required: bool = True) -> str:
    reason = " ".join((reason or "").split())[:500]
    if required and not reason:
        raise ConversationError(Code.REASON_MISSING, field="reason")
    return reason


def _rule_number(rule_number: int | None) -> int | None:
    return rule_number if rule_number and rule_number > 0 else None


def _log_url(owner: Owner) -> str:
    return reverse("conversations:log", args=[owner_kind(owner), owner.slug])


def _log(
    *,
    actor: Any,
    owner: Owner,
    action: ModerationAction,
    person: Any = None,
    post: Post | None = None,
    reason: str = "",
    rule_number: int | None = None,
    until: Any = None,
) -> ModerationEntry:
    """One line of the public moderation log and one audit row, in the caller's transaction.
    The house rule recorded is the version in force now."""
    rules = None if isinstance(owner, Chapter) else community_queries.current_rules(owner)
    entry = ModerationEntry.objects.create(
        actor=actor,
        action=action,
        person=person,
        post=post,
        rule=rules if rule_number else None,
        rule_number=rule_number,
        reason=reason,
        until=until,
        **owner_fields(owner),
    )
    audit_record(
        actor=actor,
        action=f"conversations.moderation.{action}",
        target=post if post is not None else entry,
        host=host_of(owner),
        data={
            "entry": entry.pk,
            "person_id": getattr(person, "pk", None),
            "reason": reason,
            "rule_number": rule_number,
            "rule_version": rules.version if rules is not None and rule_number else None,
            "until": until.isoformat() if until else None,
        },
    )
    return entry


# --- the team -------------------------------------------------------------------------------


@transaction.atomic
def moderator_add(*, actor: Any, owner: Owner, user: Any) -> Moderator:
    """An admin names a member to the moderation team (the house rules' "fixed team")."""
    access.require(access.can_manage_categories(actor, owner))
    if access.banned(user, owner):
        raise ConversationError(Code.BANNED)
    row, _ = Moderator.objects.get_or_create(user=user, **owner_fields(owner))
    access.forget(user)
    audit_record(actor=actor, action="conversations.moderator.add", target=row,
                 host=host_of(owner), data={"user": user.pk})  # fmt: skip
    return row


@transaction.atomic
def moderator_remove(*, actor: Any, owner: Owner, user: Any) -> None:
    """An admin takes someone off the moderation team."""
    access.require(access.can_manage_categories(actor, owner))
    Moderator.objects.filter(user=user, **owner_fields(owner)).delete()
    access.forget(user)
    notifications_forget_unreadable(recipient=user)  # held posts of others, if not a member
    audit_record(actor=actor, action="conversations.moderator.remove", target=None,
                 host=host_of(owner), data={"user": user.pk, "owner": str(owner)})  # fmt: skip


# --- reports and the review queue -----------------------------------------------------------


@transaction.atomic
def post_report(
    *, actor: Any, post: Post, reason: str, rule_number: int | None = None
) -> Reviewable:
    """Flag a post for the moderators with a reason, optionally naming a house rule (the
    version in force now is recorded). One pending item per post; one report per person."""
    access.require(bool(getattr(actor, "is_authenticated", False)))
    if post.author_id == actor.pk:
        raise ConversationError(Code.OWN_POST)
    reason = _reason(reason)
    owner = post.topic.owner
    if access.banned(actor, owner):
        raise ConversationError(Code.BANNED)
    post_type = ContentType.objects.get_for_model(Post)
    item, _ = Reviewable.objects.select_for_update().get_or_create(
        kind=ReviewKind.FLAGGED,
        target_type=post_type,
        target_id=post.pk,
        status=ReviewStatus.PENDING,
        defaults=owner_fields(owner),
    )
    if ReviewScore.objects.filter(reviewable=item, user=actor).exists():
        raise ConversationError(Code.ALREADY_REPORTED)
    rules = None if isinstance(owner, Chapter) else community_queries.current_rules(owner)
    ReviewScore.objects.create(
        reviewable=item,
        user=actor,
        reason=reason,
        rule=rules,
        rule_number=_rule_number(rule_number),
    )
    return item


class Decision:
    APPROVE = "approve"  # a held post goes up; a reported post stays (the report is wrong)
    HIDE = "hide"  # a held post is rejected; a reported post is hidden
    IGNORE = "ignore"  # close the item without an opinion


def _cited_rule(item: Reviewable, rule_number: int | None) -> int | None:
    """The rule the moderator names, else the one the first report named."""
    if _rule_number(rule_number):
        return rule_number
    first = item.scores.exclude(rule_number=None).order_by("created_at", "pk").first()
    return first.rule_number if first else None


@transaction.atomic
def review_decide(
    *,
    actor: Any,
    reviewable: Reviewable,
    decision: str,
    reason: str = "",
    rule_number: int | None = None,
) -> Post | None:
    """A moderator decides one review item. Hiding needs a reason, which the author sees;
    every decision goes to the audit log and the moderation log and tells the author. A
    reported message is kept or its report ignored (returns None)."""
    item = Reviewable.objects.select_for_update().get(pk=reviewable.pk)
    access.require(access.can_moderate(actor, item.owner))
    if item.status != ReviewStatus.PENDING:
        raise ConversationError(Code.DECIDED)
    if decision not in (Decision.APPROVE, Decision.HIDE, Decision.IGNORE):
        raise ConversationError(Code.BAD_DECISION, field="decision")
    reason = _reason(reason, required=decision == Decision.HIDE)
    if item.kind in (ReviewKind.MESSAGE, ReviewKind.PROFILE):
        _decide_message(actor, item, decision, reason)
        return None
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic", "author")
        .get(pk=item.target_id)
    )
    was_held = post.status == PostStatus.HELD
    held = item.kind == ReviewKind.HELD
    if decision == Decision.HIDE:
        post.status, post.moderation_reason = PostStatus.HIDDEN, reason
        item.status = ReviewStatus.REJECTED if held else ReviewStatus.APPROVED
        action = ModerationAction.REJECT if held else ModerationAction.HIDE
    elif decision == Decision.APPROVE:
        post.status, post.moderation_reason = PostStatus.VISIBLE, ""
        item.status = ReviewStatus.APPROVED if held else ReviewStatus.REJECTED
        action = ModerationAction.APPROVE if held else ModerationAction.KEEP
    else:
        item.status = ReviewStatus.IGNORED
    post.save(update_fields=["status", "moderation_reason"])
    item.decided_by, item.decided_at, item.reason = actor, timezone.now(), reason
    item.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if item.kind == ReviewKind.FLAGGED and decision != Decision.IGNORE:
        ReviewScore.objects.filter(reviewable=item).update(agreed=decision == Decision.HIDE)
    if was_held and post.status == PostStatus.VISIBLE:
        _published(post)
    else:
        _refresh_topic(post.topic)
    if decision == Decision.IGNORE:
        audit_record(actor=actor, action="conversations.review.ignore", target=post,
                     host=host_of(item.owner), data={"review": item.pk})  # fmt: skip
        return post
    _log(actor=actor, owner=item.owner, action=action, person=post.author, post=post,
         reason=reason, rule_number=_cited_rule(item, rule_number))  # fmt: skip
    if post.author is not None:
        kind = kinds.APPROVED if post.status == PostStatus.VISIBLE else kinds.HIDDEN
        notify([post.author], kind, post, actor=actor, url=post.get_absolute_url(),
               data={"title": post.topic.title, "reason": reason})  # fmt: skip
    return post


def _decide_message(actor: Any, item: Reviewable, decision: str, reason: str) -> None:
    """A reported message or member stays on record: the team keeps it (the report was
    wrong) or ignores the report; warning, muting or banning is a decision on a person."""
    if decision == Decision.HIDE:
        raise ConversationError(Code.BAD_DECISION, field="decision")
    item.status = ReviewStatus.REJECTED if decision == Decision.APPROVE else ReviewStatus.IGNORED
    item.decided_by, item.decided_at, item.reason = actor, timezone.now(), reason
    item.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if decision == Decision.APPROVE:
        ReviewScore.objects.filter(reviewable=item).update(agreed=False)
    audit_record(actor=actor, action=f"conversations.review.{item.kind}.{decision}",
                 target=item, host=host_of(item.owner), data={"reason": reason})  # fmt: skip


def _close_reviews(post: Post, actor: Any, status: ReviewStatus, reason: str) -> None:
    Reviewable.objects.filter(
        target_type=ContentType.objects.get_for_model(Post),
        target_id=post.pk,
        status=ReviewStatus.PENDING,
    ).update(status=status, decided_by=actor, decided_at=timezone.now(), reason=reason)


class PostAction:
    HIDE = "hide"
    RESTORE = "restore"
    DELETE = "delete"


@transaction.atomic
def post_moderate(
    *, actor: Any, post: Post, action: str, reason: str, rule_number: int | None = None
) -> Post:
    """Hide a post, restore a hidden one, or delete one (its text is erased for good),
    always with a reason that the author sees; pending reports on it are closed."""
    locked = Post.objects.select_for_update(of=("self",)).select_related("author").get(pk=post.pk)
    locked.topic = post.topic
    owner = post.topic.owner
    access.require(access.can_moderate(actor, owner))
    if action not in (PostAction.HIDE, PostAction.RESTORE, PostAction.DELETE):
        raise ConversationError(Code.BAD_ACTION, field="action")
    reason = _reason(reason)
    if locked.status == PostStatus.DELETED:
        raise ConversationError(Code.NOT_RESTORABLE)
    was_held = locked.status == PostStatus.HELD
    if action == PostAction.RESTORE:
        locked.status, locked.moderation_reason = PostStatus.VISIBLE, ""
        logged, kind = ModerationAction.RESTORE, kinds.RESTORED
        _close_reviews(locked, actor, ReviewStatus.REJECTED, reason)
    else:
        locked.moderation_reason = reason
        if action == PostAction.HIDE:
            locked.status, logged, kind = PostStatus.HIDDEN, ModerationAction.HIDE, kinds.HIDDEN
        else:
            locked.status, logged, kind = PostStatus.DELETED, ModerationAction.DELETE, kinds.DELETED
            locked.body = ""
        _close_reviews(locked, actor, ReviewStatus.APPROVED, reason)
    locked.save(update_fields=["status", "moderation_reason", "body"])
    if locked.status == PostStatus.DELETED:
        search_index(topic=locked.topic, post_ids=[locked.pk])  # its words go with its text
        for image in PostImage.objects.filter(post=locked):  # and its images with it
            image.file.delete(save=False)
            image.delete()
    if was_held and locked.status == PostStatus.VISIBLE:
        _published(locked)
    else:
        _refresh_topic(locked.topic)
    _log(actor=actor, owner=owner, action=logged, person=locked.author, post=locked,
         reason=reason, rule_number=_rule_number(rule_number))  # fmt: skip
    if locked.author is not None:
        notify([locked.author], kind, locked, actor=actor, url=locked.get_absolute_url(),
               data={"title": locked.topic.title, "reason": reason})  # fmt: skip
    return locked


# --- people ---------------------------------------------------------------------------------


def _sanctionable(actor: Any, owner: Owner, person: Any) -> None:
    access.require(access.can_moderate(actor, owner))
    if access.can_moderate(person, owner):
        raise ConversationError(Code.TEAM_MEMBER)


def _tell(person: Any, kind: str, owner: Owner, actor: Any, reason: str, until: Any = None) -> None:
    from django.utils.formats import date_format

    data = {"community": owner.name, "reason": reason}
    if until is not None:
        data["until"] = date_format(timezone.localtime(until), "DATETIME_FORMAT")
    notify([person], kind, None, actor=actor, url=_log_url(owner), data=data)


@transaction.atomic
def member_warn(
    *, actor: Any, owner: Owner, person: Any, reason: str, rule_number: int | None = None
) -> ModerationEntry:
    """A warning: nothing is taken away, the person is told why (by e-mail too)."""
    _sanctionable(actor, owner, person)
    reason = _reason(reason)
    entry = _log(actor=actor, owner=owner, action=ModerationAction.WARN, person=person,
                 reason=reason, rule_number=_rule_number(rule_number))  # fmt: skip
    _tell(person, kinds.WARNED, owner, actor, reason)
    return entry


@transaction.atomic
def member_mute(
    *,
    actor: Any,
    owner: Owner,
    person: Any,
    hours: int,
    reason: str,
    rule_number: int | None = None,
) -> Mute:
    """Keep a person from writing in the community for ``hours`` (they still read)."""
    _sanctionable(actor, owner, person)
    if not 1 <= int(hours) <= MAX_MUTE_HOURS:
        raise ConversationError(Code.BAD_DURATION, field="hours")
    reason = _reason(reason)
    until = timezone.now() + timedelta(hours=int(hours))
    mute = Mute.objects.create(
        user=person, until=until, reason=reason, created_by=actor, **owner_fields(owner)
    )
    _log(actor=actor, owner=owner, action=ModerationAction.MUTE, person=person, reason=reason,
         rule_number=_rule_number(rule_number), until=until)  # fmt: skip
    _tell(person, kinds.MUTED, owner, actor, reason, until)
    return mute


@transaction.atomic
def member_unmute(*, actor: Any, owner: Owner, person: Any, reason: str = "") -> int:
    """End a person's mutes now; returns how many were running."""
    access.require(access.can_moderate(actor, owner))
    now = timezone.now()
    ended = Mute.objects.filter(user=person, until__gt=now, **owner_fields(owner)).update(until=now)
    if ended:
        _log(actor=actor, owner=owner, action=ModerationAction.UNMUTE, person=person,
             reason=_reason(reason, required=False))  # fmt: skip
    return ended


# A decision on the person's own post keeps its notice: it carries the reason they are owed.
_KEPT_AFTER_BAN = (kinds.HIDDEN, kinds.RESTORED, kinds.DELETED)


def _forget_community(person: Any, owner: Owner) -> None:
    """Whatever ``person`` still has waiting from ``owner``'s discussions (replies,
    mentions, new posts, reactions, private groups and requests to join them) leaves
    their bell, and the e-mail or digest not sent yet goes with it."""
    fields = owner_fields(owner)
    topics = {f"topic__{name}": value for name, value in fields.items()}
    categories = {f"category__{name}": value for name, value in fields.items()}
    notifications_forget(recipient=person, targets=Post.objects.filter(**topics),
                         keep_kinds=_KEPT_AFTER_BAN)  # fmt: skip
    notifications_forget(recipient=person, targets=GroupRequest.objects.filter(**categories))
    notifications_forget(recipient=person, targets=Category.objects.filter(**fields))


@transaction.atomic
def member_ban(
    *, actor: Any, owner: Owner, person: Any, reason: str, rule_number: int | None = None
) -> Ban:
    """Remove a person from the community and ban them: they lose membership, follows,
    private groups and team seats, and cannot rejoin, follow, read members-only topics or
    post there until the ban is lifted."""
    _sanctionable(actor, owner, person)
    reason = _reason(reason)
    if isinstance(owner, Chapter):
        owner.members.remove(person)
        owner.connectors.remove(person)
    else:
        membership = community_queries.membership_of(person, owner)
        if membership is not None:
            membership.delete()
    community_queries.forget_roles(person)
    Follow.objects.filter(user=person, **owner_fields(owner)).delete()
    for category in Category.objects.filter(**owner_fields(owner)):
        category.group.remove(person)
    Moderator.objects.filter(user=person, **owner_fields(owner)).delete()
    _forget_community(person, owner)
    ban, _ = Ban.objects.get_or_create(
        user=person, **owner_fields(owner), defaults={"reason": reason, "banned_by": actor}
    )
    access.forget(person)
    notifications_forget_unreadable(recipient=person)  # members-only events, polls, concepts
    _log(actor=actor, owner=owner, action=ModerationAction.BAN, person=person, reason=reason,
         rule_number=_rule_number(rule_number))  # fmt: skip
    _tell(person, kinds.BANNED, owner, actor, reason)
    return ban


@transaction.atomic
def member_unban(*, actor: Any, owner: Owner, person: Any, reason: str = "") -> bool:
    """Lift a ban: the person may ask to join again (they are not made a member)."""
    access.require(access.can_moderate(actor, owner))
    deleted, _ = Ban.objects.filter(user=person, **owner_fields(owner)).delete()
    access.forget(person)
    if deleted:
        _log(actor=actor, owner=owner, action=ModerationAction.UNBAN, person=person,
             reason=_reason(reason, required=False))  # fmt: skip
    return bool(deleted)
