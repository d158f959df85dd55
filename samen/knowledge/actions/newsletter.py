"""The newsletter's writes: subscriptions (double opt-in, topics and chapters followed,
one-click unsubscribe, bounces) and issues (composed, segmented, tested, scheduled, sent
once per address in batches through the task backend)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from samen.audit.actions import audit_record
from samen.communities.access import can_write_news
from samen.communities.models import Chapter, Collective, Host, Tag
from samen.conversations.models import Owner, owner_fields
from samen.knowledge import queries
from samen.knowledge.actions._common import _clean_text, _clean_title, _require
from samen.knowledge.errors import KnowledgeError, KnowledgeErrorCode
from samen.knowledge.models import (
    DeliveryStatus,
    IssueStatus,
    NewsletterDelivery,
    NewsletterIssue,
    Segment,
    Subscription,
    SubscriptionStatus,
)
from samen.lib.mail import send_message_later, site_url
from samen.lib.tasks import enqueue_on_commit

NEWSLETTER_BATCH = 500


# --- newsletter subscriptions ---------------------------------------------------------------


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise KnowledgeError(KnowledgeErrorCode.BAD_EMAIL, field="email") from None
    return email


def _language(language: str) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _clean_topics(
    owner: Owner, tags: Iterable[str], chapters: Iterable[str]
) -> tuple[list[Tag], list[Chapter]]:
    """The topics (tag slugs) and chapters (slugs) a reader chose, each one the newsletter
    offers (``queries.newsletter_topics`` and ``newsletter_chapters``)."""
    tag_slugs, chapter_slugs = set(tags), set(chapters)
    found_tags = list(queries.newsletter_topics(owner).filter(slug__in=tag_slugs))
    if len(found_tags) != len(tag_slugs):
        raise KnowledgeError(KnowledgeErrorCode.BAD_TOPIC, field="topics")
    found_chapters = list(queries.newsletter_chapters(owner).filter(slug__in=chapter_slugs))
    if len(found_chapters) != len(chapter_slugs):
        raise KnowledgeError(KnowledgeErrorCode.BAD_TOPIC, field="chapters")
    return found_tags, found_chapters


@transaction.atomic
def subscription_request(
    *,
    owner: Owner,
    email: str,
    language: str,
    topics: Iterable[str] = (),
    chapters: Iterable[str] = (),
) -> Subscription:
    """Anyone asks for a community's newsletter with only an e-mail address, and may follow
    topics and chapters (issues sent to their segment reach them). Nothing is sent until
    they confirm through the link e-mailed to them (double opt-in). Asking again adds
    nothing: a confirmed address stays as it is (its topics too: only its own preferences
    link changes them), a pending or stopped one gets a new link."""
    email = _clean_email(email)
    chosen_tags, chosen_chapters = _clean_topics(owner, topics, chapters)
    subscription, _created = Subscription.objects.select_for_update().get_or_create(
        email=email, **owner_fields(owner), defaults={"language": _language(language)}
    )
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return subscription
    subscription.tags.set(chosen_tags)
    subscription.chapters.set(chosen_chapters)
    if subscription.status != SubscriptionStatus.PENDING:
        subscription.status = SubscriptionStatus.PENDING
        subscription.language = _language(language)
        subscription.save(update_fields=["status", "language"])
    _send_confirmation(subscription)
    return subscription


def _send_confirmation(subscription: Subscription) -> None:
    from samen.knowledge.links import confirm_url

    with translation.override(subscription.language):
        context = {"owner": subscription.owner, "confirm_url": confirm_url(subscription)}
        subject = " ".join(render_to_string("knowledge/email/confirm_subject.txt", context).split())
        body = render_to_string("knowledge/email/confirm_body.txt", context)
    send_message_later(EmailMultiAlternatives(subject=subject, body=body, to=[subscription.email]))


@transaction.atomic
def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """The link in the confirmation e-mail: from now on issues reach the address. A stopped
    subscription is not revived by an old link (a new request sends a new one)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status == SubscriptionStatus.PENDING:
        subscription.status = SubscriptionStatus.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


@transaction.atomic
def subscription_set_topics(
    *, subscription: Subscription, topics: Iterable[str] = (), chapters: Iterable[str] = ()
) -> Subscription:
    """The preferences page (reached by the reader's own signed link): the topics and
    chapters they follow, replaced by the ones chosen now."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    chosen_tags, chosen_chapters = _clean_topics(subscription.owner, topics, chapters)
    subscription.tags.set(chosen_tags)
    subscription.chapters.set(chosen_chapters)
    return subscription


@transaction.atomic
def subscription_stop(*, subscription: Subscription) -> Subscription:
    """Unsubscribe (the one-click link): no issue reaches the address any more."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status in (SubscriptionStatus.PENDING, SubscriptionStatus.CONFIRMED):
        subscription.status = SubscriptionStatus.UNSUBSCRIBED
        subscription.stopped_at = timezone.now()
        subscription.save(update_fields=["status", "stopped_at"])
    return subscription


@transaction.atomic
def subscriptions_stop_for_address(*, email: str, reason: str) -> int:
    """The mail provider reported a bounce or complaint: stop every newsletter to the
    address and mark its latest delivery of each as bounced. Returns how many stopped."""
    email = (email or "").strip().lower()
    rows = list(
        Subscription.objects.select_for_update()
        .filter(email=email)
        .exclude(status=SubscriptionStatus.BOUNCED)
    )
    now = timezone.now()
    for subscription in rows:
        subscription.status, subscription.stopped_at = SubscriptionStatus.BOUNCED, now
        subscription.save(update_fields=["status", "stopped_at"])
        latest = subscription.deliveries.order_by("-created_at", "-id").first()
        if latest is not None:
            latest.status = DeliveryStatus.BOUNCED
            latest.save(update_fields=["status"])
    if rows:
        audit_record(actor=None, action="newsletter.bounce", data={"reason": reason})
    return len(rows)


# --- newsletter issues ----------------------------------------------------------------------


def _owner_host(owner: Owner) -> Host | None:
    if isinstance(owner, Host):
        return owner
    if isinstance(owner, Collective):
        return owner.host
    return None


def _require_editor(actor: Any, owner: Owner) -> None:
    _require(can_write_news(actor, owner))


def issue_suggestion(owner: Owner) -> str:
    """A first draft for an editor: the latest public news, the upcoming public events, new
    library items and the concepts that need help, each a Markdown line with its link."""
    from samen.communities.queries import news_of

    site = site_url()
    lines: list[str] = []
    for post in news_of(owner)[:3]:
        lines.append(f"- [{post.title}]({site}{post.get_absolute_url()})")
    for occurrence in queries.upcoming_events(owner):
        when = date_format(timezone.localtime(occurrence.starts_at), "SHORT_DATETIME_FORMAT")
        lines.append(f"- [{occurrence.event.title}, {when}]({site}{occurrence.get_absolute_url()})")
    host = _owner_host(owner)
    if host is not None:
        for item in queries.recent_items(host):
            lines.append(f"- [{item.title}]({site}{item.get_absolute_url()})")
        for concept in queries.concepts_needing_help(host)[:5]:
            skills = ", ".join(skill.name for skill in concept.needs_skills.all())
            label = f"{concept.title} ({skills})" if skills else concept.title
            lines.append(f"- [{label}]({site}{concept.get_absolute_url()})")
    return "\n".join(lines)


def _clean_segment(issue: NewsletterIssue, owner: Owner, choice: dict[str, str]) -> None:
    """Set the issue's segment: everyone, the community's members, the readers of one
    language (a site language), the followers of a topic or those of a chapter (one the
    newsletter offers its readers)."""
    segment = choice.get("segment") or Segment.ALL
    if segment not in Segment.values:
        raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment")
    issue.segment, issue.segment_language = segment, ""
    issue.segment_tag, issue.segment_chapter = None, None
    if segment == Segment.LANGUAGE:
        issue.segment_language = choice.get("segment_language", "")
        if issue.segment_language not in dict(settings.LANGUAGES):
            raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment_language")
    elif segment == Segment.TAG:
        slug = choice.get("segment_tag") or ""
        issue.segment_tag = queries.newsletter_topics(owner).filter(slug=slug).first()
        if issue.segment_tag is None:
            raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment_tag")
    elif segment == Segment.CHAPTER:
        slug = choice.get("segment_chapter") or ""
        issue.segment_chapter = queries.newsletter_chapters(owner).filter(slug=slug).first()
        if issue.segment_chapter is None:
            raise KnowledgeError(KnowledgeErrorCode.BAD_SEGMENT, field="segment_chapter")


_SEGMENT_FIELDS = ["segment", "segment_language", "segment_tag", "segment_chapter"]


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    owner: Owner,
    subject: str,
    body: str,
    segment: str = Segment.ALL,
    segment_language: str = "",
    segment_tag: str = "",
    segment_chapter: str = "",
) -> NewsletterIssue:
    """An editor (who writes the community's news) starts an issue as a draft, for the
    whole list or one segment of it (a topic and a chapter are given by their slugs)."""
    _require_editor(actor, owner)
    issue = NewsletterIssue(
        **owner_fields(owner),
        subject=_clean_title(subject, 200),
        body=_clean_text(body, "body"),
        created_by=actor,
    )
    _clean_segment(
        issue,
        owner,
        {
            "segment": segment,
            "segment_language": segment_language,
            "segment_tag": segment_tag,
            "segment_chapter": segment_chapter,
        },
    )
    issue.save()
    audit_record(actor=actor, action="newsletter.create", target=issue, host=_owner_host(owner))
    return issue


def _lock_issue(issue: NewsletterIssue) -> NewsletterIssue:
    locked = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.status in (IssueStatus.SENDING, IssueStatus.SENT):
        raise KnowledgeError(KnowledgeErrorCode.ISSUE_SENT)
    return locked


@transaction.atomic
def issue_update(
    *,
    actor: Any,
    issue: NewsletterIssue,
    subject: str,
    body: str,
    segment: str = Segment.ALL,
    segment_language: str = "",
    segment_tag: str = "",
    segment_chapter: str = "",
) -> NewsletterIssue:
    _require_editor(actor, issue.owner)
    issue = _lock_issue(issue)
    issue.subject = _clean_title(subject, 200)
    issue.body = _clean_text(body, "body")
    _clean_segment(
        issue,
        issue.owner,
        {
            "segment": segment,
            "segment_language": segment_language,
            "segment_tag": segment_tag,
            "segment_chapter": segment_chapter,
        },
    )
    issue.save(update_fields=["subject", "body", *_SEGMENT_FIELDS])
    return issue


def issue_send_test(*, actor: Any, issue: NewsletterIssue) -> None:
    """E-mail the issue to the editor alone, as a subscriber would see it (with a link
    that unsubscribes nobody)."""
    _require_editor(actor, issue.owner)
    language = getattr(actor, "language", "") or settings.LANGUAGE_CODE
    message = _issue_message(issue, actor.email, language, unsubscribe_url="")
    send_message_later(message)


@transaction.atomic
def issue_schedule(*, actor: Any, issue: NewsletterIssue, when: datetime) -> NewsletterIssue:
    """Send the issue at ``when`` (the scheduler picks it up); scheduling again moves it."""
    _require_editor(actor, issue.owner)
    issue = _lock_issue(issue)
    if when <= timezone.now():
        raise KnowledgeError(KnowledgeErrorCode.PAST_SCHEDULE, field="when")
    issue.status, issue.scheduled_for = IssueStatus.SCHEDULED, when
    issue.save(update_fields=["status", "scheduled_for"])
    audit_record(
        actor=actor,
        action="newsletter.schedule",
        target=issue,
        host=_owner_host(issue.owner),
        data={"when": when.isoformat()},
    )
    return issue


@transaction.atomic
def issue_send(*, actor: Any, issue: NewsletterIssue) -> NewsletterIssue:
    """Send now: the issue goes out through the task backend in batches. Sending twice
    raises ``issue_sent`` and e-mails nobody again."""
    if actor is not None:
        _require_editor(actor, issue.owner)
    issue = _lock_issue(issue)
    issue.status, issue.sent_at = IssueStatus.SENDING, timezone.now()
    issue.save(update_fields=["status", "sent_at"])
    audit_record(actor=actor, action="newsletter.send", target=issue, host=_owner_host(issue.owner))
    from samen.knowledge.tasks import deliver_issue

    enqueue_on_commit(deliver_issue, issue_id=issue.pk)
    return issue


def issues_send_due(*, now: datetime) -> int:
    """The scheduler's job: send the scheduled issues whose time has come."""
    sent = 0
    for issue_id in list(queries.due_issues(now).values_list("pk", flat=True)):
        try:
            issue_send(actor=None, issue=NewsletterIssue.objects.get(pk=issue_id))
        except KnowledgeError:  # sent meanwhile by an editor or a second scheduler
            continue
        sent += 1
    return sent


def issue_deliver(*, issue_id: int) -> int:
    """E-mail an issue being sent to every confirmed subscription, at most once each; returns
    how many this call e-mailed. Batch by batch, each in its own transaction with the issue
    locked, so a retry or a second worker carries on where the last batch stopped."""
    sent = 0
    while True:
        batch = _deliver_batch(issue_id=issue_id, limit=NEWSLETTER_BATCH)
        sent += batch
        if batch == 0:  # the empty batch is the one that marks the issue sent
            return sent


@transaction.atomic
def _deliver_batch(*, issue_id: int, limit: int) -> int:
    issue = (
        NewsletterIssue.objects.select_for_update(of=("self",))
        .select_related("collective", "host", "chapter")
        .filter(pk=issue_id)
        .first()
    )
    if issue is None or issue.status != IssueStatus.SENDING:
        return 0
    recipients = list(queries.pending_recipients(issue)[:limit])
    if not recipients:
        issue.status = IssueStatus.SENT
        issue.save(update_fields=["status"])
        return 0
    NewsletterDelivery.objects.bulk_create(
        [NewsletterDelivery(issue=issue, subscription=s) for s in recipients]
    )
    from samen.knowledge.links import unsubscribe_prefix, unsubscribe_url

    prefix = unsubscribe_prefix()
    rendered: dict[str, tuple[str, str]] = {}
    for subscription in recipients:
        send_message_later(
            _issue_message(
                issue,
                subscription.email,
                subscription.language,
                unsubscribe_url=unsubscribe_url(subscription, prefix),
                rendered=rendered,
            )
        )
    return len(recipients)


# Stands for the recipient's own unsubscribe link in an issue rendered once per language
# (rendering the Markdown for each of 10,000 readers was most of the cost of sending).
_UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/samen-mark"


def _render_issue(issue: NewsletterIssue, language: str, *, test: bool) -> tuple[str, str]:
    with translation.override(language):
        context = {
            "issue": issue,
            "owner": issue.owner,
            "site_url": site_url(),
            "unsubscribe_url": "" if test else _UNSUBSCRIBE_MARK,
        }
        body = render_to_string("knowledge/email/issue_body.txt", context)
        html = render_to_string("knowledge/email/issue_body.html", context)
    return body, html


def _issue_message(
    issue: NewsletterIssue,
    to: str,
    language: str,
    *,
    unsubscribe_url: str,
    rendered: dict[str, tuple[str, str]] | None = None,
) -> EmailMultiAlternatives:
    """One issue e-mail, text and HTML, in the recipient's language; with RFC 2369 and
    RFC 8058 headers so mail clients show their own one-click unsubscribe button. With
    ``rendered`` (a batch's cache), each language is rendered once and only the link
    differs from one reader to the next."""
    if not unsubscribe_url:
        body, html = _render_issue(issue, language, test=True)
    else:
        cache = {} if rendered is None else rendered
        if language not in cache:
            cache[language] = _render_issue(issue, language, test=False)
        body, html = cache[language]
        body = body.replace(_UNSUBSCRIBE_MARK, unsubscribe_url)
        html = html.replace(_UNSUBSCRIBE_MARK, escape(unsubscribe_url))
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(subject=issue.subject, body=body, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
