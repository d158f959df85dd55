"""The caller's follows, and news: posts of collectives, hosts and chapters."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.pagination import CursorParams, page_of, paginate
from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    access_news_owner,
    access_news_post,
    can_read_members_news,
)
from samen.communities.api._common import _person, router
from samen.communities.api.schemas import FollowOut, MyFollowOut
from samen.communities.models import Follow, NewsPost
from samen.communities.validation import render_markdown

# --- the caller's follows -------------------------------------------------------------------


@router.get(
    "/follows/mine", response=page_of(MyFollowOut), auth=api_auth, operation_id="follows_mine"
)
def follows_mine(request: HttpRequest, params: Query[CursorParams]) -> Any:
    """What the caller follows (collectives, hosts and chapters), newest first."""
    follows = Follow.objects.filter(user=_person(request)).select_related(
        "collective", "host", "chapter"
    )
    return paginate(follows, params, order=("-created_at", "-id"))


# --- news -----------------------------------------------------------------------------------


class NewsOut(Schema):
    id: int
    kind: Literal["collective", "host", "chapter"] = Field(description="Who posted it.")
    owner: str = Field(description="The slug of the collective, host or chapter.")
    owner_name: str
    title: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The body rendered and sanitised.")
    audience: Literal["public", "members"]
    author: str = Field(
        description='The author\'s public name; "Former member" once they deleted their account.'
    )
    published_at: datetime | None = Field(description="Null while the post is a draft.")
    created_at: datetime
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_owner(obj: NewsPost) -> str:
        return str(obj.owner.slug)

    @staticmethod
    def resolve_owner_name(obj: NewsPost) -> str:
        return str(obj.owner.name)

    @staticmethod
    def resolve_body_html(obj: NewsPost) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_author(obj: NewsPost) -> str:
        return obj.author_name

    @staticmethod
    def resolve_url(obj: NewsPost) -> str:
        return obj.get_absolute_url()


class NewsIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=50000, description="Markdown.")
    audience: Literal["public", "members"] = "public"
    publish: bool = Field(False, description="Publish at once (and e-mail) instead of a draft.")


class NewsPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=50000)
    audience: Literal["public", "members"] | None = None


class NewsListParams(CursorParams):
    status: Literal["published", "draft"] = Field(
        "published", description="draft: the unpublished posts, for those who write the news."
    )


class FollowNewsIn(Schema):
    news_emails: bool


class FollowNewsOut(FollowOut):
    news_emails: bool


def _news_post(request: HttpRequest, pk: int, need: Need = Need.VIEW) -> NewsPost:
    return access_news_post(request.user, pk, need)


def _register_news_routes(kind: str, prefix: str) -> None:
    """Listing, writing and the follow's e-mail switch, alike for the three owners."""

    @router.get(f"/{prefix}/{{slug}}/news", response=page_of(NewsOut), operation_id=f"{kind}_news")
    def news_list(request: HttpRequest, slug: str, params: Query[NewsListParams]) -> Any:
        """Published news, newest first: public posts for everyone, members-only posts too
        for members. ``status=draft`` lists drafts (writers only, 403 otherwise)."""
        owner = access_news_owner(request.user, kind, slug)
        if params.status == "draft":
            if not request.user.is_authenticated:
                raise ApiError(401, ErrorCode.NOT_AUTHENTICATED)
            owner = access_news_owner(request.user, kind, slug, Need.ADMIN)
            return paginate(queries.news_drafts(owner), params, order=("-updated_at", "-id"))
        members = can_read_members_news(request.user, owner)
        return paginate(
            queries.news_of(owner, members=members), params, order=("-published_at", "-id")
        )

    @router.post(
        f"/{prefix}/{{slug}}/news",
        response={201: NewsOut},
        auth=api_auth,
        operation_id=f"{kind}_news_create",
    )
    def news_create(request: HttpRequest, slug: str, payload: NewsIn) -> Any:
        """A draft, or a published post with ``publish``; for the owner's admins (a
        chapter's connectors)."""
        owner = access_news_owner(request.user, kind, slug, Need.ADMIN)
        post = actions.news_create(actor=_person(request), owner=owner, **payload.dict())
        return Status(201, _news_post(request, post.pk))

    @router.patch(
        f"/{prefix}/{{slug}}/follow",
        response=FollowNewsOut,
        auth=api_auth,
        operation_id=f"{kind}_follow_news",
    )
    def follow_news(request: HttpRequest, slug: str, payload: FollowNewsIn) -> Any:
        """Turn news e-mails on or off for a follow (409 ``not_following`` otherwise)."""
        owner = access_news_owner(request.user, kind, slug)
        follow = actions.follow_set_news(
            actor=_person(request), target=owner, news_emails=payload.news_emails
        )
        return {
            "following": True,
            "followers": queries.follower_count(owner),
            "news_emails": follow.news_emails,
        }


_register_news_routes("collective", "collectives")
_register_news_routes("host", "hosts")
_register_news_routes("chapter", "chapters")


@router.get("/news/{pk}", response=NewsOut, operation_id="news_get")
def news_get(request: HttpRequest, pk: int) -> Any:
    """One post: 404 for a draft or a members-only post the caller may not read."""
    return _news_post(request, pk)


@router.patch("/news/{pk}", response=NewsOut, auth=api_auth, operation_id="news_edit")
def news_edit(request: HttpRequest, pk: int, payload: NewsPatch) -> Any:
    """Change a draft or a published post; nobody is e-mailed again."""
    post = _news_post(request, pk, Need.ADMIN)
    actions.news_edit(actor=_person(request), post=post, **payload.dict(exclude_unset=True))
    return _news_post(request, pk)


@router.post("/news/{pk}/publish", response=NewsOut, auth=api_auth, operation_id="news_publish")
def news_publish(request: HttpRequest, pk: int) -> Any:
    """Publish a draft and e-mail it; publishing again changes nothing and sends nothing."""
    post = _news_post(request, pk, Need.ADMIN)
    actions.news_publish(actor=_person(request), post=post)
    return _news_post(request, pk)


@router.delete("/news/{pk}", response={204: None}, auth=api_auth, operation_id="news_delete")
def news_delete(request: HttpRequest, pk: int) -> Any:
    """Delete a draft (409 ``news_published`` for a published post)."""
    post = _news_post(request, pk, Need.ADMIN)
    actions.news_delete(actor=_person(request), post=post)
    return Status(204, None)


@router.get("/me/news", response=page_of(NewsOut), auth=api_auth, operation_id="my_news")
def my_news(request: HttpRequest, params: Query[CursorParams]) -> Any:
    """News from what the caller follows (public posts) or belongs to (all), newest first."""
    return paginate(queries.news_feed(_person(request)), params, order=("-published_at", "-id"))
