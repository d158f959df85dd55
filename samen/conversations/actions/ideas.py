"""The sounding board: an idea's owner moves it through its stages and marks the replies
that helped."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from samen.conversations import access
from samen.conversations.errors import ConversationError
from samen.conversations.errors import ConversationErrorCode as Code
from samen.conversations.models import IdeaStage, Post, Topic, TopicKind


def _is_owner(actor: Any, topic: Topic) -> bool:
    return topic.author_id is not None and topic.author_id == getattr(actor, "pk", None)


@transaction.atomic
def idea_set_stage(*, actor: Any, topic: Topic, stage: IdeaStage | str) -> Topic:
    """The idea's owner (or a moderator) says where it stands: idea, prototype, running."""
    access.require(_is_owner(actor, topic) or access.can_moderate(actor, topic.owner))
    if topic.kind != TopicKind.IDEA:
        raise ConversationError(Code.NOT_AN_IDEA)
    topic.stage = IdeaStage(stage)
    Topic.objects.filter(pk=topic.pk).update(stage=topic.stage)
    return topic


@transaction.atomic
def post_mark_helpful(*, actor: Any, post: Post, helpful: bool) -> Post:
    """The idea's owner marks a visible reply as helpful, or takes the mark back."""
    topic = post.topic
    access.require(_is_owner(actor, topic) and access.can_post_in(actor, topic))
    if topic.kind != TopicKind.IDEA:
        raise ConversationError(Code.NOT_AN_IDEA)
    if post.number == 1 or not post.is_visible:
        raise ConversationError(Code.WRONG_TOPIC)
    post.helpful = bool(helpful)
    Post.objects.filter(pk=post.pk).update(helpful=post.helpful)
    return post
