"""Template helpers of conversations: what members write, rendered safely."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from samen.communities.validation import render_markdown

register = template.Library()


@register.filter(name="post_markdown")
def post_markdown(text: str) -> SafeString:
    """Markdown sanitised by nh3; links written by members say ``rel="nofollow ugc"``."""
    return mark_safe(render_markdown(text, link_rel="nofollow ugc"))  # noqa: S308


@register.filter(name="reaction_count")
def reaction_count(counts: dict[str, int], kind: str) -> int:
    return counts.get(kind, 0)


@register.inclusion_tag("conversations/partials/comments.html", takes_context=True)
def comments_for(context: template.Context, target: object) -> dict[str, object]:
    """The comments under a news post (or any registered target), with the form."""
    from samen.conversations import access, actions, queries
    from samen.conversations.models import comments_anchor

    request = context["request"]
    topic = actions.comments_topic(target)
    posts = queries.topic_posts(request.user, topic) if topic is not None else []
    rules = access.comment_target(target)
    signed_in = request.user.is_authenticated
    return {
        "request": request,
        "target": target,
        "topic": topic,
        "posts": posts,
        "open": topic is None or topic.comments_enabled,
        "can_comment": signed_in and rules.can_see(request.user, target),
        "can_switch": rules.can_switch(request.user, target),
        "comment_url": rules.comment_url(target),
        "switch_url": rules.switch_url(target),
        "anchor": comments_anchor(target),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("conversations/partials/person_contact.html", takes_context=True)
def person_contact(context: template.Context, person_id: int) -> dict[str, object]:
    """On a profile: "send a message" and "report" in each community the viewer shares with
    the person, and the viewer's block switch."""
    from samen.accounts.models import User
    from samen.conversations import actions, queries
    from samen.conversations.models import owner_kind

    request = context["request"]
    person = User.objects.filter(pk=person_id, is_active=True).first()
    viewer = request.user
    if person is None or not viewer.is_authenticated or viewer.pk == person.pk:
        return {"person": None, "communities": [], "can_block": False}
    shared = queries.shared_communities(viewer, person)
    return {
        "person": person,
        "communities": [(owner_kind(owner), owner) for owner in shared],
        "blocked": queries.has_blocked(viewer, person),
        "refuses": actions.refuses_messages(person),
        "can_block": True,
        "csrf_token": context.get("csrf_token"),
    }
