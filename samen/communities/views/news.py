"""News: follows and their e-mails, news posts, their pages, unsubscribe links and feeds."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    NewsOwner,
    access_chapter,
    access_news_owner,
    access_news_post,
    can_read_members_news,
    can_write_news,
)
from samen.communities.errors import CommunityError
from samen.communities.forms import NewsForm, add_community_error
from samen.communities.links import news_unsubscribe_from_token
from samen.communities.models import Chapter, NewsPost
from samen.communities.validation import render_markdown
from samen.communities.views._common import (
    Owner,
    _kind,
    _login_or,
    _LoginRequired,
    _owner,
    _owner_url,
)
from samen.core.pagecache import public_page
from samen.lib.htmx import render_page

# --- follows --------------------------------------------------------------------------------


@require_POST
@_login_or
def follow(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Toggle following; htmx swaps the button, others go back to the page."""
    if not request.user.is_authenticated:
        raise _LoginRequired
    target: Owner | Chapter
    if kind == "chapter":
        target = access_chapter(request.user, slug)
        url = reverse("communities:chapter", args=[slug])
    else:
        target = _owner(request, kind, slug, Need.VIEW)
        url = _owner_url(target)
    if queries.is_following(request.user, target):
        actions.follow_remove(actor=request.user, target=target)
    else:
        actions.follow_add(actor=request.user, target=target)
    if getattr(request, "htmx", False):
        return render_page(
            request,
            "communities/partials/follow_button.html",
            {
                "target": target,
                "kind": kind,
                **_follow_state(request.user, target),
                "follower_count": queries.follower_count(target),
            },
        )
    return redirect(url)


def _follow_state(user: Any, target: Owner | Chapter) -> dict[str, bool]:
    """What the follow button shows: following or not, and whether news comes by e-mail."""
    follow = queries.follow_of(user, target)
    return {"is_following": follow is not None, "news_emails": bool(follow and follow.news_emails)}


@require_POST
@_login_or
def follow_news(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Turn the news e-mails of a follow on or off; htmx swaps the follow button."""
    if not request.user.is_authenticated:
        raise _LoginRequired
    target = access_news_owner(request.user, kind, slug)
    follow = queries.follow_of(request.user, target)
    try:
        actions.follow_set_news(
            actor=request.user,
            target=target,
            news_emails=not (follow is not None and follow.news_emails),
        )
    except CommunityError as error:
        messages.error(request, error.message)
    if getattr(request, "htmx", False):
        return render_page(
            request,
            "communities/partials/follow_button.html",
            {
                "target": target,
                "kind": kind,
                **_follow_state(request.user, target),
                "follower_count": queries.follower_count(target),
            },
        )
    return redirect(_news_owner_url(target))


def followers(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    target: Owner | Chapter
    target = (
        access_chapter(request.user, slug)
        if kind == "chapter"
        else _owner(request, kind, slug, Need.VIEW)
    )
    page = Paginator(queries.followers(target), 50).get_page(request.GET.get("page"))
    return render_page(
        request, "communities/followers.html", {"target": target, "kind": kind, "page": page}
    )


# --- news -----------------------------------------------------------------------------------

NEWS_PAGE_SIZE = 20
LATEST_NEWS = 3


def _kind_of(owner: NewsOwner) -> str:
    if isinstance(owner, Chapter):
        return "chapter"
    return _kind(owner)


def _news_owner_url(owner: NewsOwner) -> str:
    if isinstance(owner, Chapter):
        return reverse("communities:chapter", args=[owner.slug])
    return _owner_url(owner)


def _latest_news(user: Any, owner: NewsOwner, kind: str) -> dict[str, Any]:
    """The few latest public posts for the owner's page (never members-only: the page is
    public), the Atom feed link and whether the person may write."""
    return {
        "latest_news": list(queries.news_of(owner)[:LATEST_NEWS]),
        **_news_links(user, owner, kind),
    }


def _news_links(user: Any, owner: NewsOwner, kind: str) -> dict[str, Any]:
    return {
        "news_url": reverse(f"communities:{kind}_news", args=[owner.slug]),
        "news_new_url": reverse(f"communities:{kind}_news_new", args=[owner.slug]),
        "news_feed_url": reverse(f"communities:{kind}_news_feed", args=[owner.slug]),
        "can_write_news": can_write_news(user, owner),
    }


def _news_owner(request: HttpRequest, kind: str, slug: str, need: Need = Need.VIEW) -> NewsOwner:
    if need != Need.VIEW and not request.user.is_authenticated:
        raise _LoginRequired
    return access_news_owner(request.user, kind, slug, need)


def _news_post(request: HttpRequest, owner: NewsOwner, pk: int, need: Need = Need.VIEW) -> NewsPost:
    """The post ``pk`` of ``owner``. Anonymous visitors who may not read it are asked to log
    in (the e-mail of a members-only post links here); everyone else gets 404."""
    if need != Need.VIEW and not request.user.is_authenticated:
        raise _LoginRequired
    try:
        post = access_news_post(request.user, pk, need)
    except Http404:
        if not request.user.is_authenticated and NewsPost.objects.filter(pk=pk).exists():
            raise _LoginRequired from None
        raise
    if post.owner != owner:
        raise Http404
    return post


def _news_context(request: HttpRequest, owner: NewsOwner, kind: str) -> dict[str, Any]:
    return {
        "owner": owner,
        "kind": kind,
        "owner_url": _news_owner_url(owner),
        **_news_links(request.user, owner, kind),
    }


@public_page()
def news_list(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """All news of a collective, host or chapter: public posts for everyone, members-only
    posts for members, drafts for the writers."""
    owner = _news_owner(request, kind, slug)
    context = _news_context(request, owner, kind)
    members = can_read_members_news(request.user, owner)
    context["page"] = Paginator(queries.news_of(owner, members=members), NEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context["drafts"] = list(queries.news_drafts(owner)) if context["can_write_news"] else []
    return render_page(request, "communities/news/list.html", context)


@_login_or
@public_page()
def news_detail(request: HttpRequest, kind: str, slug: str, pk: int) -> HttpResponse:
    owner = _news_owner(request, kind, slug)
    post = _news_post(request, owner, pk)
    return render_page(
        request,
        "communities/news/detail.html",
        {**_news_context(request, owner, kind), "post": post},
    )


def _news_form_page(
    request: HttpRequest, kind: str, owner: NewsOwner, post: NewsPost | None
) -> HttpResponse:
    """Write or edit: ``do`` is ``preview`` (htmx swaps only the preview), ``draft``
    (save without publishing) or ``publish``; a published post is saved with ``save``."""
    initial = NewsForm.initial_for(post) if post is not None else None
    form = NewsForm(request.POST or None, initial=initial)
    do = request.POST.get("do", "draft")
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if do == "preview":
            preview = {"title": data["title"], "body": data["body"], "audience": data["audience"]}
            return render_page(
                request,
                "communities/news/form.html",
                {
                    **_news_context(request, owner, kind),
                    "form": form,
                    "post": post,
                    "preview": preview,
                },
                partial="communities/news/partials/preview.html",
            )
        try:
            if post is None:
                post = actions.news_create(
                    actor=request.user, owner=owner, publish=do == "publish", **data
                )
            else:
                post = actions.news_edit(actor=request.user, post=post, **data)
                if do == "publish":
                    post = actions.news_publish(actor=request.user, post=post)
        except CommunityError as error:
            add_community_error(form, error)
        else:
            if do == "publish":
                messages.success(request, _("Published; followers and members are told."))
            elif post.is_draft:
                messages.success(request, _("Draft saved."))
            else:
                messages.success(request, _("Saved."))
            return redirect(post.get_absolute_url())
    return render_page(
        request,
        "communities/news/form.html",
        {**_news_context(request, owner, kind), "form": form, "post": post, "preview": preview},
    )


@_login_or
def news_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = _news_owner(request, kind, slug, Need.ADMIN)
    return _news_form_page(request, kind, owner, None)


@_login_or
def news_edit(request: HttpRequest, kind: str, slug: str, pk: int) -> HttpResponse:
    owner = _news_owner(request, kind, slug)
    post = _news_post(request, owner, pk, Need.ADMIN)
    return _news_form_page(request, kind, owner, post)


@require_POST
@_login_or
def news_publish(request: HttpRequest, kind: str, slug: str, pk: int) -> HttpResponse:
    owner = _news_owner(request, kind, slug)
    post = _news_post(request, owner, pk, Need.ADMIN)
    was_draft = post.is_draft
    post = actions.news_publish(actor=request.user, post=post)
    if was_draft:
        messages.success(request, _("Published; followers and members are told."))
    url = post.get_absolute_url()
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_POST
@_login_or
def news_delete(request: HttpRequest, kind: str, slug: str, pk: int) -> HttpResponse:
    owner = _news_owner(request, kind, slug)
    post = _news_post(request, owner, pk, Need.ADMIN)
    try:
        actions.news_delete(actor=request.user, post=post)
    except CommunityError as error:
        messages.error(request, error.message)
        return redirect(post.get_absolute_url())
    messages.success(request, _("Draft deleted."))
    return redirect(f"communities:{kind}_news", owner.slug)


def my_news(request: HttpRequest) -> HttpResponse:
    """News from everything the person follows (public posts) or belongs to (all posts)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = Paginator(queries.news_feed(request.user), NEWS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(request, "communities/news/mine.html", {"page": page})


@csrf_exempt
def news_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every news e-mail: no login needed, the token is signed. The link shows
    one button rather than unsubscribing on GET, because mail scanners open links.

    Exempt from CSRF because a mail client's one-click unsubscribe (RFC 8058) POSTs here
    without a cookie; the signed token is what authorises, and it only switches e-mails off
    (or back on) for the person it names."""
    found = news_unsubscribe_from_token(token)
    if found is None:
        raise Http404
    person, owner = found
    done = None
    if request.method == "POST":
        if request.POST.get("do") == "resubscribe":
            # Without a follow there is nothing to switch: members get the news anyway.
            with suppress(CommunityError):
                actions.follow_set_news(actor=person, target=owner, news_emails=True)
        else:
            actions.news_unsubscribe(user=person, target=owner)
        done = True
    return render_page(
        request,
        "communities/news/unsubscribe.html",
        {
            "owner": owner,
            "owner_url": _news_owner_url(owner),
            "done": done,
            "news_emails": queries.receives_news_emails(person, owner),
            "connected": queries.follow_of(person, owner) is not None
            or queries.is_news_member(person, owner),
        },
    )


class NewsFeed(Feed):
    """Atom feed of a collective's, host's or chapter's public news (never members-only)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, kind: str, slug: str) -> NewsOwner:
        return access_news_owner(request.user, kind, slug)

    def title(self, obj: NewsOwner) -> str:
        return _("News from %(name)s") % {"name": obj.name}

    def link(self, obj: NewsOwner) -> str:
        return reverse(f"communities:{_kind_of(obj)}_news", args=[obj.slug])

    def feed_url(self, obj: NewsOwner) -> str:
        return reverse(f"communities:{_kind_of(obj)}_news_feed", args=[obj.slug])

    def subtitle(self, obj: NewsOwner) -> str:
        return _("The public news of %(name)s on Samen.") % {"name": obj.name}

    def items(self, obj: NewsOwner) -> list[NewsPost]:
        return list(queries.news_of(obj)[:NEWS_PAGE_SIZE])

    def item_title(self, item: NewsPost) -> str:
        return item.title

    def item_description(self, item: NewsPost) -> str:
        return render_markdown(item.body)

    def item_link(self, item: NewsPost) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: NewsPost) -> Any:
        return item.published_at

    def item_updateddate(self, item: NewsPost) -> Any:
        return item.updated_at if item.was_edited else item.published_at

    def item_author_name(self, item: NewsPost) -> str:
        return item.author_name
