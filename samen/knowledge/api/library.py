"""The library through the API: search and filters, items, their review and credits."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema, Status

from samen.api.auth import api_auth
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_item, access_library
from samen.knowledge.api._common import AudienceName, KindName, router
from samen.knowledge.models import LibraryItem


class LibraryItemOut(Schema):
    id: int
    kind: KindName
    title: str
    summary: str
    body: str
    url: str
    language: str
    audience: AudienceName
    status: Literal["draft", "review", "published", "rejected"]
    tags: list[str]
    authors: list[str]
    published_at: datetime | None
    page: str
    file: str = Field(
        "",
        description="Where its file downloads (streamed to those who may see the item), if "
        "it has one.",
    )
    file_name: str = ""
    file_type: str = ""
    file_size: int = 0

    @staticmethod
    def resolve_file(obj: LibraryItem) -> str:
        return reverse("knowledge:item_file", args=[obj.pk]) if obj.file else ""

    @staticmethod
    def resolve_tags(obj: LibraryItem) -> list[str]:
        return [t.slug for t in obj.tags.all()]

    @staticmethod
    def resolve_authors(obj: LibraryItem) -> list[str]:
        return [u.public_name for u in obj.authors.all()]

    @staticmethod
    def resolve_page(obj: LibraryItem) -> str:
        return obj.get_absolute_url()


class LibraryItemIn(Schema):
    kind: KindName
    title: str = Field(..., max_length=200)
    summary: str = Field(..., max_length=1000)
    body: str = Field("", max_length=50_000, description="Markdown.")
    url: str = Field("", max_length=200)
    language: Literal["en", "nl", "fr"]
    audience: AudienceName = "public"
    tags: list[str] = Field(default_factory=list, max_length=12)


class ItemUpdateIn(Schema):
    """The item's text, link, audience and tags (its kind and language stay)."""

    title: str = Field(..., max_length=200)
    summary: str = Field(..., max_length=1000)
    body: str = Field("", max_length=50_000, description="Markdown.")
    url: str = Field("", max_length=200)
    audience: AudienceName = "public"
    tags: list[str] = Field(default_factory=list, max_length=12)


class ReviewIn(Schema):
    publish: bool
    note: str = Field("", max_length=2000)
    service_code: str = Field(
        "",
        max_length=40,
        description="Publishing: the rate-card service that pays each author (e.g. 'article').",
    )


@router.get(
    "/hosts/{slug}/library", response=list[LibraryItemOut], operation_id="knowledge_library"
)
def library(
    request: HttpRequest,
    slug: str,
    q: str = "",
    tag: str = "",
    kind: KindName | None = None,
    language: Literal["en", "nl", "fr"] | None = None,
) -> Any:
    """Published items the caller may read (at most 100), searched by ``q`` in each item's
    language and filtered by ``tag`` (a slug), ``kind`` and ``language``."""
    host = access_library(request.user, slug)
    return list(
        queries.library(
            request.user, host, text=q[:200], tag=tag, kind=kind or "", language=language or ""
        )[:100]
    )


@router.post(
    "/hosts/{slug}/library",
    response={201: LibraryItemOut},
    auth=api_auth,
    operation_id="knowledge_item_create",
)
def item_create(request: HttpRequest, slug: str, payload: LibraryItemIn) -> Any:
    """Write an item, as a draft (members of the host's community). 422
    ``summary_required``, ``link_or_text``, ``title_required``."""
    host = access_library(request.user, slug, Need.EDIT)
    item = actions.item_create(actor=request.user, host=host, **payload.dict())
    return Status(201, access_item(request.user, item.pk))


@router.get("/library/{pk}", response=LibraryItemOut, operation_id="knowledge_item")
def item_get(request: HttpRequest, pk: int) -> Any:
    """An item (404 while in review for all but its authors and the host's editors)."""
    return access_item(request.user, pk)


@router.put(
    "/library/{pk}", response=LibraryItemOut, auth=api_auth, operation_id="knowledge_item_update"
)
def item_update(request: HttpRequest, pk: int, payload: ItemUpdateIn) -> Any:
    """Change an item: its authors while it is a draft or sent back, the host's editors at
    any time (403 others who see it). 409 ``not_editable`` for an author once it waits for
    review or is published; 422 ``summary_required``, ``link_or_text``. Files are uploaded
    through the item's page."""
    item = access_item(request.user, pk, Need.EDIT)
    actions.item_update(actor=request.user, item=item, **payload.dict())
    return access_item(request.user, pk)


@router.post(
    "/library/{pk}/submit",
    response=LibraryItemOut,
    auth=api_auth,
    operation_id="knowledge_item_submit",
)
def item_submit(request: HttpRequest, pk: int) -> Any:
    """Send for review (authors). 409 ``not_editable`` when already in review or published."""
    item = access_item(request.user, pk, Need.EDIT)
    actions.item_submit(actor=request.user, item=item)
    return access_item(request.user, pk)


@router.post(
    "/library/{pk}/review",
    response=LibraryItemOut,
    auth=api_auth,
    operation_id="knowledge_item_review",
)
def item_review(request: HttpRequest, pk: int, payload: ReviewIn) -> Any:
    """Publish or send back (the host's editors). With ``service_code``, publishing books
    each author's credits through the credits app (once). 409 ``not_in_review``; 422
    ``not_payable``, ``unknown_service``; 404 ``no_scheme``: nothing is published."""
    item = access_item(request.user, pk, Need.REVIEW)
    actions.item_review(actor=request.user, item=item, **payload.dict())
    return access_item(request.user, pk)
