"""News: follows, and the news posts written, published and delivered to followers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samen.audit.actions import audit_record
from samen.communities import queries
from samen.communities.access import can_write_news
from samen.communities.errors import CommunityError, CommunityErrorCode
from samen.communities.models import (
    Chapter,
    Collective,
    Follow,
    Host,
    NewsAudience,
    NewsDelivery,
    NewsPost,
    host_of,
)
from samen.lib.mail import send_message_later, site_url
from samen.lib.translations import pop_translations

# --- follows --------------------------------------------------------------------------------


def _follow_kwargs(target: Collective | Host | Chapter) -> dict[str, Any]:
    if isinstance(target, Collective):
        return {"collective": target}
    if isinstance(target, Host):
        return {"host": target}
    return {"chapter": target}


@transaction.atomic
def follow_add(*, actor: Any, target: Collective | Host | Chapter) -> Follow:
    """Follow a collective, host or chapter; following twice is harmless."""
    if queries.is_banned(actor, target):
        raise CommunityError(CommunityErrorCode.BANNED)
    follow, _ = Follow.objects.get_or_create(user=actor, **_follow_kwargs(target))
    return follow


@transaction.atomic
def follow_remove(*, actor: Any, target: Collective | Host | Chapter) -> None:
    Follow.objects.filter(user=actor, **_follow_kwargs(target)).delete()


@transaction.atomic
def follow_set_news(
    *, actor: Any, target: Collective | Host | Chapter, news_emails: bool
) -> Follow:
    """Turn the news e-mails of one follow on or off (the follow itself stays)."""
    follow = Follow.objects.select_for_update().filter(user=actor, **_follow_kwargs(target)).first()
    if follow is None:
        raise CommunityError(CommunityErrorCode.NOT_FOLLOWING)
    if follow.news_emails != news_emails:
        follow.news_emails = news_emails
        follow.save(update_fields=["news_emails"])
    return follow


@transaction.atomic
def news_unsubscribe(*, user: Any, target: Collective | Host | Chapter) -> Follow | None:
    """Stop news e-mails from ``target``: what the signed link in each news e-mail does, with
    or without a login. The switch lives on the follow, so a member who does not follow gets
    a follow with e-mails off (members receive news without following). Someone who neither
    follows nor belongs any more receives nothing already: nothing changes (None)."""
    kwargs = _follow_kwargs(target)
    follow = Follow.objects.select_for_update().filter(user=user, **kwargs).first()
    if follow is None:
        if not queries.is_news_member(user, target):
            return None
        follow, _ = Follow.objects.get_or_create(
            user=user, **kwargs, defaults={"news_emails": False}
        )
    if follow.news_emails:
        follow.news_emails = False
        follow.save(update_fields=["news_emails"])
    return follow


# --- news -----------------------------------------------------------------------------------

NewsOwner = Collective | Host | Chapter
NEWS_BATCH = 200


def _require_news_writer(actor: Any, owner: NewsOwner) -> None:
    if not can_write_news(actor, owner):
        raise PermissionDenied


def _news_host(owner: NewsOwner) -> Host | None:
    """The host whose audit log shows the post (none for a chapter)."""
    return None if isinstance(owner, Chapter) else host_of(owner)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())[:200]
    if not title:
        raise CommunityError(CommunityErrorCode.TITLE_REQUIRED, field="title")
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommunityError(CommunityErrorCode.BODY_REQUIRED, field="body")
    return body


def _clean_audience(audience: str) -> str:
    if audience not in NewsAudience.values:
        raise CommunityError(CommunityErrorCode.INVALID_AUDIENCE, field="audience")
    return audience


def _lock_news(post: NewsPost) -> NewsPost:
    return (
        NewsPost.objects.select_for_update(of=("self",))
        .select_related("collective__host", "host", "chapter", "author")
        .get(pk=post.pk)
    )


@transaction.atomic
def news_create(
    *,
    actor: Any,
    owner: NewsOwner,
    title: str,
    body: str,
    audience: str = NewsAudience.PUBLIC,
    publish: bool = False,
    **translations: str,
) -> NewsPost:
    """Write a news post for a collective, host or chapter: a draft, or published at once
    (``publish``). The Markdown body is kept as written and sanitised when shown. Its title
    and text per language come as ``title_fr``, ``body_nl`` and so on."""
    _require_news_writer(actor, owner)
    per_language = _clean_translations(translations)
    post = NewsPost.objects.create(
        **_follow_kwargs(owner),
        title=_clean_title(title),
        body=_clean_body(body),
        audience=_clean_audience(audience),
        author=actor,
        **per_language,
    )
    audit_record(
        actor=actor,
        action="news.create",
        target=post,
        host=_news_host(owner),
        data={"audience": post.audience},
    )
    if publish:
        post = news_publish(actor=actor, post=post)
    return post


def _clean_translations(translations: dict[str, str]) -> dict[str, str]:
    """The per-language title and text of a post, cleaned like the originals."""
    per_language = pop_translations(NewsPost, translations)
    if translations:
        raise TypeError(f"Unknown news fields: {sorted(translations)}")
    return {
        key: (_clean_title(text) if key.startswith("title_") else _clean_body(text))
        if (text or "").strip()
        else ""
        for key, text in per_language.items()
    }


@transaction.atomic
def news_edit(
    *,
    actor: Any,
    post: NewsPost,
    title: str | None = None,
    body: str | None = None,
    audience: str | None = None,
    **translations: str,
) -> NewsPost:
    """Change a draft or a published post (``updated_at`` shows it was edited), its texts
    per language as ``title_fr`` and so on. Editing never e-mails anyone again."""
    _require_news_writer(actor, post.owner)
    post = _lock_news(post)
    changes = {
        "title": _clean_title(title) if title is not None else None,
        "body": _clean_body(body) if body is not None else None,
        "audience": _clean_audience(audience) if audience is not None else None,
        **_clean_translations(translations),
    }
    changed = [
        field
        for field, value in changes.items()
        if value is not None and getattr(post, field) != value
    ]
    if changed:
        for field in changed:
            setattr(post, field, changes[field])
        post.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="news.edit",
            target=post,
            host=_news_host(post.owner),
            data={"fields": changed, "published": not post.is_draft},
        )
    return post


@transaction.atomic
def news_publish(*, actor: Any, post: NewsPost) -> NewsPost:
    """Publish a draft and queue its e-mail to followers and members. Publishing a post
    that is already published changes nothing and sends nothing."""
    _require_news_writer(actor, post.owner)
    post = _lock_news(post)
    if post.published_at is not None:
        return post
    post.published_at = timezone.now()
    # Only ``published_at``: ``updated_at`` keeps the last edit, so "edited" means "after".
    post.save(update_fields=["published_at"])
    audit_record(
        actor=actor,
        action="news.publish",
        target=post,
        host=_news_host(post.owner),
        data={"audience": post.audience},
    )
    from samen.communities.tasks import deliver_news
    from samen.lib.tasks import enqueue_on_commit

    enqueue_on_commit(deliver_news, post_id=post.pk)
    return post


@transaction.atomic
def news_delete(*, actor: Any, post: NewsPost) -> None:
    """Delete a draft. A published post stays (people were told about it); edit it."""
    _require_news_writer(actor, post.owner)
    post = _lock_news(post)
    if post.published_at is not None:
        raise CommunityError(CommunityErrorCode.NEWS_PUBLISHED)
    audit_record(
        actor=actor,
        action="news.delete",
        target=post,
        host=_news_host(post.owner),
        data={"title": post.title},
    )
    post.delete()


def news_deliver(*, post_id: int) -> int:
    """E-mail a published post to everyone it is for, at most once each; returns how many
    were e-mailed by this call. Works in batches, each in its own transaction with the post
    locked: a batch records its deliveries and queues its e-mails together, so a retry (or a
    second run at the same time) carries on where the last committed batch stopped."""
    sent = 0
    while True:
        batch = _news_deliver_batch(post_id=post_id, limit=NEWS_BATCH)
        sent += batch
        if batch < NEWS_BATCH:
            return sent


@transaction.atomic
def _news_deliver_batch(*, post_id: int, limit: int) -> int:
    post = (
        NewsPost.objects.select_for_update(of=("self",))
        .select_related("collective__host", "host", "chapter", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.published_at is None:
        return 0
    recipients = list(queries.news_recipients(post)[:limit])
    NewsDelivery.objects.bulk_create([NewsDelivery(post=post, user=user) for user in recipients])
    for user in recipients:
        _send_news(post, user)
    return len(recipients)


def _send_news(post: NewsPost, user: Any) -> None:
    """One news e-mail, text and HTML, in the recipient's language, with their own
    unsubscribe link."""
    from django.core.mail import EmailMultiAlternatives

    from samen.communities.links import news_unsubscribe_url

    owner = post.owner
    unsubscribe_url = news_unsubscribe_url(user, owner)
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "post": post,
            "owner": owner,
            "recipient": user,
            "site_url": site_url(),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(render_to_string("communities/email/news_subject.txt", context).split())
        body = render_to_string("communities/email/news_body.txt", context)
        html = render_to_string("communities/email/news_body.html", context)
    # RFC 2369 and RFC 8058: mail clients show their own unsubscribe button, which POSTs
    # "List-Unsubscribe=One-Click" to the same signed link.
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    send_message_later(message)
