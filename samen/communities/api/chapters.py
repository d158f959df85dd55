"""Chapters: list, pages, follows, membership, creation, changes and connectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from samen.accounts.models import User
from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    access_chapter,
    access_chapter_as_staff,
    require_platform_staff,
)
from samen.communities.api._common import _person, router
from samen.communities.api.schemas import (
    ChapterIn,
    ChapterOut,
    ChapterPatch,
    ConnectorIn,
    ConnectorOut,
    FollowerOut,
    FollowOut,
)
from samen.communities.models import Chapter


@router.get("/chapters", response=page_of(ChapterOut), operation_id="chapters_list")
def chapters_list(request: HttpRequest, params: Query[CursorParams]) -> Any:
    return paginate(queries.chapter_list(), params, order=("name", "id"))


@router.get("/chapters/{slug}", response=ChapterOut, operation_id="chapter_get")
def chapter_get(request: HttpRequest, slug: str) -> Any:
    chapter = access_chapter(request.user, slug)
    return queries.chapter_list().get(pk=chapter.pk)


@router.post(
    "/chapters/{slug}/follow", response=FollowOut, auth=api_auth, operation_id="chapter_follow"
)
def chapter_follow(request: HttpRequest, slug: str) -> Any:
    chapter = access_chapter(request.user, slug)
    actions.follow_add(actor=_person(request), target=chapter)
    return {"following": True, "followers": queries.follower_count(chapter)}


@router.delete(
    "/chapters/{slug}/follow", response=FollowOut, auth=api_auth, operation_id="chapter_unfollow"
)
def chapter_unfollow(request: HttpRequest, slug: str) -> Any:
    chapter = access_chapter(request.user, slug)
    actions.follow_remove(actor=_person(request), target=chapter)
    return {"following": False, "followers": queries.follower_count(chapter)}


@router.get(
    "/chapters/{slug}/followers", response=page_of(FollowerOut), operation_id="chapter_followers"
)
def chapter_followers(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    chapter = access_chapter(request.user, slug)
    return paginate(queries.followers(chapter), params, order=("-created_at", "-id"))


@router.post(
    "/chapters/{slug}/membership", response={204: None}, auth=api_auth, operation_id="chapter_join"
)
def chapter_join(request: HttpRequest, slug: str) -> Any:
    actions.chapter_join(actor=_person(request), chapter=access_chapter(request.user, slug))
    return Status(204, None)


@router.delete(
    "/chapters/{slug}/membership", response={204: None}, auth=api_auth, operation_id="chapter_leave"
)
def chapter_leave(request: HttpRequest, slug: str) -> Any:
    actions.chapter_leave(actor=_person(request), chapter=access_chapter(request.user, slug))
    return Status(204, None)


def _chapter_out(chapter: Chapter) -> Chapter:
    """The chapter with its member and collective counts, as ``ChapterOut`` expects."""
    return queries.chapter_list().get(pk=chapter.pk)


@router.post("/chapters", response={201: ChapterOut}, auth=api_auth, operation_id="chapter_create")
def chapter_create(request: HttpRequest, payload: ChapterIn) -> Any:
    """Platform staff open a chapter; they add its connectors next."""
    require_platform_staff(request.user)
    chapter = actions.chapter_create(actor=_person(request), **payload.dict())
    return Status(201, _chapter_out(chapter))


@router.patch("/chapters/{slug}", response=ChapterOut, auth=api_auth, operation_id="chapter_update")
def chapter_update(request: HttpRequest, slug: str, payload: ChapterPatch) -> Any:
    """Platform staff change a chapter; only the fields sent change."""
    chapter = access_chapter_as_staff(request.user, slug)
    chapter = actions.chapter_update(
        actor=_person(request), chapter=chapter, **payload.dict(exclude_unset=True)
    )
    return _chapter_out(chapter)


@router.get(
    "/chapters/{slug}/connectors",
    response=page_of(ConnectorOut),
    operation_id="chapter_connectors",
)
def chapter_connectors(request: HttpRequest, slug: str, params: Query[CursorParams]) -> Any:
    """Connectors are public, as on the chapter page."""
    chapter = access_chapter(request.user, slug)
    return paginate(chapter.connectors.all(), params, order=("id",))


@router.post(
    "/chapters/{slug}/connectors",
    response={201: ConnectorOut},
    auth=api_auth,
    operation_id="chapter_connector_add",
)
def chapter_connector_add(request: HttpRequest, slug: str, payload: ConnectorIn) -> Any:
    """Staff and the chapter's connectors add a connector by the e-mail of an existing
    person."""
    chapter = access_chapter(request.user, slug, Need.ADMIN)
    person = actions.chapter_connector_add(
        actor=_person(request), chapter=chapter, email=payload.email
    )
    return Status(201, person)


@router.delete(
    "/chapters/{slug}/connectors/{user_id}",
    response={204: None},
    auth=api_auth,
    operation_id="chapter_connector_remove",
)
def chapter_connector_remove(request: HttpRequest, slug: str, user_id: int) -> Any:
    """Staff and the chapter's connectors remove a connector; only staff the last one."""
    chapter = access_chapter(request.user, slug, Need.ADMIN)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise ApiError(404, ErrorCode.NOT_FOUND)
    actions.chapter_connector_remove(actor=_person(request), chapter=chapter, user=person)
    return Status(204, None)
