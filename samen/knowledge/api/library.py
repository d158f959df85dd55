"""The library through the API: search and filters, items, their review and credits."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Schema, Status
from ninja.files import UploadedFile

from samen.api.auth import api_auth
from samen.knowledge import actions, queries
from samen.knowledge.access import Need, access_item, access_library
from samen.knowledge.api._common import AudienceName, KindName, router
from samen.knowledge.files import DOCUMENT_MAX_BYTES, MB, RECORDING_MAX_BYTES
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


FILE_RULES = (
    "Templates and checklists take a PDF, Word, Excel, PowerPoint or OpenDocument file up to "
    f"{DOCUMENT_MAX_BYTES // MB} MB, recordings an MP3, M4A, MP4, WebM, Ogg or WAV file up to "
    f"{RECORDING_MAX_BYTES // MB} MB; the type is read "
    "from the file's content, never from its name or declared type. 422 `file_too_large`, "
    "`file_type` (a page or script renamed .pdf among them), `no_file_for_kind` (articles, "
    "cases and links carry none); nothing is written. Send an `Idempotency-Key` header to "
    "make a retry safe: the same key and file give the first answer back."
)


@router.post(
    "/hosts/{slug}/library/with-file",
    response={201: LibraryItemOut},
    auth=api_auth,
    operation_id="knowledge_item_create_with_file",
    summary="Write an item with its file (multipart/form-data)",
    description="Write an item as `POST /hosts/{slug}/library` does, with its file in `file` "
    "(members of the host's community; 403 for others). " + FILE_RULES,
)
def item_create_with_file(
    request: HttpRequest, slug: str, payload: Form[LibraryItemIn], file: File[UploadedFile]
) -> Any:
    """An item and its file in one call, checked as the item's page checks them."""
    host = access_library(request.user, slug, Need.EDIT)
    item = actions.item_create(actor=request.user, host=host, file=file, **payload.dict())
    return Status(201, access_item(request.user, item.pk))


@router.post(
    "/library/{pk}/file",
    response=LibraryItemOut,
    auth=api_auth,
    operation_id="knowledge_item_file",
    summary="Give an item a new file (multipart/form-data)",
    description="Upload the item's file in `file`, replacing the one it has: its authors while "
    "it is a draft or sent back, the host's editors at any time (403 others who see it; 409 "
    "`not_editable` for an author once it waits for review or is published). " + FILE_RULES,
)
def item_file(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
    """Replace the item's file, checked as the item's page checks it."""
    item = access_item(request.user, pk, Need.EDIT)
    actions.item_file_replace(actor=request.user, item=item, file=file)
    return access_item(request.user, pk)


class AuthorIn(Schema):
    user_id: int = Field(description="A member of the host's community.")


@router.post(
    "/library/{pk}/authors",
    response={201: LibraryItemOut},
    auth=api_auth,
    operation_id="knowledge_item_author_add",
)
def item_author_add(request: HttpRequest, pk: int, payload: AuthorIn) -> Any:
    """Add a co-author (its authors while a draft or sent back, the host's editors at any
    time; 403 others who see it). A co-author of a published item that earned credits is
    booked the same credits, once. 404 for an unknown person; 409 ``not_editable``,
    ``already_author``; 422 ``not_in_community``."""
    item = access_item(request.user, pk, Need.EDIT)
    author = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    if author is None:
        raise Http404
    actions.item_author_add(actor=request.user, item=item, author=author)
    return Status(201, access_item(request.user, pk))


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
    review or is published; 422 ``summary_required``, ``link_or_text``. The file goes
    through ``POST /library/{pk}/file``."""
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
