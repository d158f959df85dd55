"""The newsletter through the API: subscriptions (no account needed) and issues."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from samen.api.auth import api_auth
from samen.api.pagination import CursorParams, page_of, paginate
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_issue, access_newsletter
from samen.knowledge.api._common import OwnerKind, router
from samen.knowledge.models import NewsletterIssue


class SubscribeIn(Schema):
    email: str = Field(..., max_length=254)
    language: Literal["en", "nl", "fr"] = "en"
    topics: list[str] = Field(
        default_factory=list, max_length=50, description="Slugs of the topics followed."
    )
    chapters: list[str] = Field(
        default_factory=list, max_length=50, description="Slugs of the chapters followed."
    )


class IssueIn(Schema):
    subject: str = Field(..., max_length=200)
    body: str = Field(..., max_length=50_000, description="Markdown.")
    segment: Literal["all", "community", "language", "tag", "chapter"] = Field(
        "all",
        description="Everyone, the community's members, one language's readers, the "
        "followers of a topic, or the followers and members of a chapter.",
    )
    segment_language: Literal["", "en", "nl", "fr"] = Field(
        "", description="With segment 'language'."
    )
    segment_tag: str = Field("", max_length=40, description="With segment 'tag': its slug.")
    segment_chapter: str = Field("", max_length=60, description="With segment 'chapter': its slug.")


class ScheduleIn(Schema):
    when: datetime = Field(
        description="With its time zone; without one, the server's (Europe/Brussels by default)."
    )


class IssueOut(Schema):
    id: int
    subject: str
    body: str
    status: Literal["draft", "scheduled", "sending", "sent"]
    segment: str
    segment_language: str
    segment_tag: str = Field("", description="The topic's slug, with segment 'tag'.")
    segment_chapter: str = Field("", description="The chapter's slug, with segment 'chapter'.")
    scheduled_for: datetime | None
    sent_at: datetime | None
    figures: dict[str, int] = Field(description="sent, delivered, bounced, unsubscribed.")

    @staticmethod
    def resolve_figures(obj: NewsletterIssue) -> dict[str, int]:
        return queries.issue_figures(obj)

    @staticmethod
    def resolve_segment_tag(obj: NewsletterIssue) -> str:
        return obj.segment_tag.slug if obj.segment_tag else ""

    @staticmethod
    def resolve_segment_chapter(obj: NewsletterIssue) -> str:
        return obj.segment_chapter.slug if obj.segment_chapter else ""


@router.post(
    "/newsletter/{kind}/{slug}/subscriptions",
    response={202: None},
    operation_id="knowledge_subscribe",
)
def subscribe(request: HttpRequest, kind: OwnerKind, slug: str, payload: SubscribeIn) -> Any:
    """Ask for the newsletter with an e-mail address (no account needed): a confirmation
    link is e-mailed, and nothing else is sent before it is used. Always 202, whether or not
    the address was subscribed already; 422 ``bad_email``, ``bad_topic`` (a topic or
    chapter the newsletter does not offer)."""
    owner = access_newsletter(request.user, kind, slug)
    actions.subscription_request(owner=owner, **payload.dict())
    return Status(202, None)


@router.get(
    "/newsletter/{kind}/{slug}/issues",
    response=page_of(IssueOut),
    auth=api_auth,
    operation_id="knowledge_issues",
)
def issues(request: HttpRequest, kind: OwnerKind, slug: str, params: Query[CursorParams]) -> Any:
    """The issues with their figures (those who write the community's news; 403 others)."""
    owner = access_newsletter(request.user, kind, slug, Need.EDIT)
    return paginate(queries.issues_of(owner), params, order=("-id",))


@router.post(
    "/newsletter/{kind}/{slug}/issues",
    response={201: IssueOut},
    auth=api_auth,
    operation_id="knowledge_issue_create",
)
def issue_create(request: HttpRequest, kind: OwnerKind, slug: str, payload: IssueIn) -> Any:
    """Write an issue as a draft, for everyone or a segment. 422 ``title_required``,
    ``text_required``, ``bad_segment`` (a segment without its language, topic or chapter)."""
    owner = access_newsletter(request.user, kind, slug, Need.EDIT)
    issue = actions.issue_create(actor=request.user, owner=owner, **payload.dict())
    return Status(201, issue)


@router.get(
    "/newsletter/issues/{pk}", response=IssueOut, auth=api_auth, operation_id="knowledge_issue"
)
def issue_get(request: HttpRequest, pk: int) -> Any:
    return access_issue(request.user, pk)


@router.put(
    "/newsletter/issues/{pk}",
    response=IssueOut,
    auth=api_auth,
    operation_id="knowledge_issue_update",
)
def issue_update(request: HttpRequest, pk: int, payload: IssueIn) -> Any:
    """Change a draft or scheduled issue; 409 ``issue_sent`` once it is being sent."""
    issue = access_issue(request.user, pk)
    actions.issue_update(actor=request.user, issue=issue, **payload.dict())
    return access_issue(request.user, pk)


@router.post(
    "/newsletter/issues/{pk}/test",
    response={202: None},
    auth=api_auth,
    operation_id="knowledge_issue_test",
)
def issue_test(request: HttpRequest, pk: int) -> Any:
    """E-mail the issue to the caller alone, as a subscriber would see it."""
    actions.issue_send_test(actor=request.user, issue=access_issue(request.user, pk))
    return Status(202, None)


@router.post(
    "/newsletter/issues/{pk}/schedule",
    response=IssueOut,
    auth=api_auth,
    operation_id="knowledge_issue_schedule",
)
def issue_schedule(request: HttpRequest, pk: int, payload: ScheduleIn) -> Any:
    """Send the issue at ``when`` (the hourly job sends it); again to move it. 422
    ``past_schedule``; 409 ``issue_sent``."""
    issue = access_issue(request.user, pk)
    when = payload.when
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    actions.issue_schedule(actor=request.user, issue=issue, when=when)
    return access_issue(request.user, pk)


@router.post(
    "/newsletter/issues/{pk}/send",
    response=IssueOut,
    auth=api_auth,
    operation_id="knowledge_issue_send",
)
def issue_send(request: HttpRequest, pk: int) -> Any:
    """Send now, through the task backend; 409 ``issue_sent`` the second time."""
    issue = access_issue(request.user, pk)
    actions.issue_send(actor=request.user, issue=issue)
    return access_issue(request.user, pk)
