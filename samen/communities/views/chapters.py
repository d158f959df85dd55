"""Chapters: list, pages, editing, connectors and membership."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from samen.accounts.models import User
from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    access_chapter,
    access_chapter_as_staff,
    can,
    is_platform_staff,
    require_platform_staff,
)
from samen.communities.errors import CommunityError
from samen.communities.forms import ChapterForm, ConnectorForm, add_community_error
from samen.communities.models import Chapter
from samen.communities.views._common import _login_or, _LoginRequired
from samen.communities.views.news import _follow_state, _latest_news
from samen.core.pagecache import public_page
from samen.lib.htmx import render_page


def chapter_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "communities/chapter_list.html",
        {"chapters": queries.chapter_list(), "is_staff": is_platform_staff(request.user)},
    )


@_login_or
def chapter_new(request: HttpRequest) -> HttpResponse:
    """Platform staff open a chapter; they name its connectors on the next page."""
    if not request.user.is_authenticated:
        raise _LoginRequired
    require_platform_staff(request.user)
    form = ChapterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chapter = actions.chapter_create(actor=request.user, **form.cleaned_data)
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("The chapter is open. Now name its connectors."))
            return redirect("communities:chapter_connectors", chapter.slug)
    return render_page(request, "communities/chapter_form.html", {"form": form})


@_login_or
def chapter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise _LoginRequired
    chapter = access_chapter_as_staff(request.user, slug)
    form = ChapterForm(request.POST or None, initial=ChapterForm.initial_for(chapter))
    if request.method == "POST" and form.is_valid():
        try:
            chapter = actions.chapter_update(
                actor=request.user, chapter=chapter, **form.cleaned_data
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:chapter", chapter.slug)
    return render_page(request, "communities/chapter_form.html", {"form": form, "chapter": chapter})


def _connectors_context(request: HttpRequest, chapter: Chapter, form: ConnectorForm) -> Any:
    return {
        "chapter": chapter,
        "connectors": list(chapter.connectors.order_by("display_name", "id")),
        "form": form,
        "is_staff": is_platform_staff(request.user),
    }


@_login_or
def chapter_connectors(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff and the chapter's connectors see its connectors and add one by e-mail. An htmx
    form swaps just the list and the form; without JavaScript the page reloads."""
    if not request.user.is_authenticated:
        raise _LoginRequired
    chapter = access_chapter(request.user, slug, Need.ADMIN)
    form = ConnectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.chapter_connector_add(
                actor=request.user, chapter=chapter, email=form.cleaned_data["email"]
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is now a connector.") % {"name": person.public_name}
            )
            if not getattr(request, "htmx", False):
                return redirect("communities:chapter_connectors", chapter.slug)
            form = ConnectorForm()
    return render_page(
        request,
        "communities/chapter_connectors.html",
        _connectors_context(request, chapter, form),
        partial="communities/partials/chapter_connectors.html",
    )


@require_POST
@_login_or
def chapter_connector_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise _LoginRequired
    chapter = access_chapter(request.user, slug, Need.ADMIN)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    try:
        actions.chapter_connector_remove(actor=request.user, chapter=chapter, user=person)
    except CommunityError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s is no longer a connector.") % {"name": person.public_name}
        )
    if not can(request.user, Need.ADMIN, chapter):
        # A connector who removed themselves may no longer see this page.
        url = reverse("communities:chapter", args=[chapter.slug])
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
    if getattr(request, "htmx", False):
        return render_page(
            request,
            "communities/chapter_connectors.html",
            _connectors_context(request, chapter, ConnectorForm()),
            partial="communities/partials/chapter_connectors.html",
        )
    return redirect("communities:chapter_connectors", chapter.slug)


@public_page("chapter")
def chapter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = access_chapter(request.user, slug)
    user = request.user
    context = {
        "chapter": chapter,
        "connectors": list(chapter.connectors.all()),
        "collectives": list(
            chapter.collectives.select_related("host").prefetch_related("tags").order_by("name")
        ),
        "member_count": chapter.members.count(),
        "follower_count": queries.follower_count(chapter),
        **_follow_state(user, chapter),
        **_latest_news(user, chapter, "chapter"),
        "is_member": can(user, Need.MEMBER, chapter),
        "manages": can(user, Need.ADMIN, chapter),
        "is_staff": is_platform_staff(user),
    }
    return render_page(request, "communities/chapter_detail.html", context)


@require_POST
@_login_or
def chapter_membership(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise _LoginRequired
    chapter = access_chapter(request.user, slug)
    if can(request.user, Need.MEMBER, chapter):
        try:
            actions.chapter_leave(actor=request.user, chapter=chapter)
        except CommunityError as error:
            messages.error(request, error.message)
    else:
        actions.chapter_join(actor=request.user, chapter=chapter)
    return redirect("communities:chapter", slug)
