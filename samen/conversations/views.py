"""Discussion pages: topic lists, topics with replies, comments, reports and the review
queue. Views parse input, ask access.py, and call actions or queries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities.access import access_news_post
from samen.communities.queries import current_rules
from samen.conversations import actions, queries
from samen.conversations.access import (
    Need,
    access_category,
    access_owner,
    access_post,
    access_reviewable,
    access_topic,
    can_manage_categories,
    can_moderate,
    can_post_in,
    visible_categories,
)
from samen.conversations.errors import ConversationError
from samen.conversations.forms import (
    CategoryForm,
    ReplyForm,
    ReportForm,
    SettingsForm,
    TopicForm,
    add_error,
)
from samen.conversations.models import Owner, ReactionKind, owner_kind
from samen.lib.htmx import render_page


def _owner_context(request: HttpRequest, owner: Owner) -> dict[str, Any]:
    kind = owner_kind(owner)
    return {
        "owner": owner,
        "owner_kind": kind,
        "can_moderate": can_moderate(request.user, owner),
        "can_manage": can_manage_categories(request.user, owner),
        "rules": None if kind == "chapter" else current_rules(owner),  # type: ignore[arg-type]
    }


def topic_list(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug)
    category = None
    if request.GET.get("category"):
        category = access_category(request.user, owner, request.GET["category"])
    topics = queries.topic_list(request.user, owner, category)
    page = Paginator(topics, 30).get_page(request.GET.get("page"))
    context = {
        **_owner_context(request, owner),
        "categories": visible_categories(request.user, owner),
        "category": category,
        "page": page,
    }
    return render_page(
        request,
        "conversations/topic_list.html",
        context,
        partial="conversations/partials/topic_rows.html",
    )


@login_required
def topic_new(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug, Need.POST)
    categories = visible_categories(request.user, owner)
    form = TopicForm(
        request.POST or None,
        categories=categories,
        initial={"category": request.GET.get("category")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            topic = actions.topic_create(
                actor=request.user,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                kind=form.cleaned_data["kind"],
            )
        except ConversationError as error:
            add_error(form, error)
        else:
            return redirect(topic)
    status = 400 if request.method == "POST" else 200
    return render_page(
        request,
        "conversations/topic_new.html",
        {**_owner_context(request, owner), "form": form},
        status=status,
    )


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access_topic(request.user, pk)
    return _render_topic(
        request, topic, ReplyForm(initial={"reply_to": request.GET.get("reply_to")})
    )


def _render_topic(
    request: HttpRequest, topic: Any, form: ReplyForm, status: int = 200
) -> HttpResponse:
    context = {
        **_owner_context(request, topic.owner),
        "topic": topic,
        "posts": queries.topic_posts(request.user, topic),
        "form": form,
        "can_post": can_post_in(request.user, topic),
        "is_asker": request.user.is_authenticated and topic.author_id == request.user.pk,
        "reactions": ReactionKind.choices,
    }
    return render_page(
        request,
        "conversations/topic_detail.html",
        context,
        partial="conversations/partials/posts.html",
        status=status,
    )


@require_POST
@login_required
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access_topic(request.user, pk, Need.POST)
    form = ReplyForm(request.POST)
    if form.is_valid():
        reply_to = None
        if form.cleaned_data.get("reply_to"):
            reply_to = access_post(request.user, form.cleaned_data["reply_to"])
        try:
            post = actions.post_reply(
                actor=request.user, topic=topic, body=form.cleaned_data["body"], reply_to=reply_to
            )
        except ConversationError as error:
            add_error(form, error)
        else:
            if post.status != "visible":
                messages.info(request, _("Thank you! A moderator will look at your post soon."))
            return redirect(post.get_absolute_url())
    return _render_topic(request, topic, form, status=400)


@require_POST
@login_required
def react(request: HttpRequest, pk: int) -> HttpResponse:
    post = access_post(request.user, pk, Need.POST)
    kind = request.POST.get("kind", "")
    if kind not in ReactionKind.values:
        return HttpResponse(_("Unknown reaction."), status=400)
    actions.reaction_toggle(actor=request.user, post=post, kind=kind)
    return redirect(post.get_absolute_url())


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    post = access_post(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.post_report(
                actor=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                rule_number=form.cleaned_data.get("rule_number"),
            )
        except ConversationError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return redirect(post.get_absolute_url())
    return render_page(
        request,
        "conversations/report.html",
        {**_owner_context(request, post.topic.owner), "post": post, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def accept_answer(request: HttpRequest, pk: int) -> HttpResponse:
    post = access_post(request.user, pk)
    clear = request.POST.get("clear") == "1"
    try:
        actions.answer_accept(actor=request.user, topic=post.topic, post=None if clear else post)
    except ConversationError as error:
        messages.error(request, error.message)
    return redirect(post.get_absolute_url())


@require_POST
@login_required
def topic_flags(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access_topic(request.user, pk, Need.MODERATE)
    flag = request.POST.get("flag")
    value = request.POST.get("value") == "1"
    if flag == "pinned":
        actions.topic_set_flags(actor=request.user, topic=topic, pinned=value)
    elif flag == "closed":
        actions.topic_set_flags(actor=request.user, topic=topic, closed=value)
    return redirect(topic)


@login_required
def review_queue(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug, Need.MODERATE)
    return render_page(
        request,
        "conversations/review.html",
        {**_owner_context(request, owner), "items": queries.review_queue(owner)},
    )


@require_POST
@login_required
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_reviewable(request.user, pk)
    try:
        actions.review_decide(
            actor=request.user,
            reviewable=item,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except ConversationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision saved."))
    owner = item.owner
    return redirect("conversations:review", owner_kind(owner), owner.slug)


@login_required
def manage(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Categories and discussion settings, for the community's admins."""
    owner = access_owner(request.user, kind, slug)
    if not can_manage_categories(request.user, owner):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    current = actions.community_settings(owner)
    category_form = CategoryForm(request.POST if "name" in request.POST else None)
    settings_form = SettingsForm(
        request.POST if "posts_per_hour" in request.POST else None,
        initial={
            "hold_first_posts": current.hold_first_posts,
            "posts_per_hour": current.posts_per_hour,
        },
    )
    if request.method == "POST":
        try:
            if category_form.is_bound and category_form.is_valid():
                actions.category_create(
                    actor=request.user, owner=owner, **category_form.cleaned_data
                )
                return redirect(request.path)
            if settings_form.is_bound and settings_form.is_valid():
                actions.settings_set(actor=request.user, owner=owner, **settings_form.cleaned_data)
                messages.success(request, _("Settings saved."))
                return redirect(request.path)
        except ConversationError as error:
            add_error(category_form if category_form.is_bound else settings_form, error)
    return render_page(
        request,
        "conversations/manage.html",
        {
            **_owner_context(request, owner),
            "categories": visible_categories(request.user, owner),
            "category_form": category_form,
            "settings_form": settings_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def news_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment on a news post: the news post's own rules decide who may."""
    news = access_news_post(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            post = actions.comment_add(
                actor=request.user, target=news, body=form.cleaned_data["body"]
            )
        except ConversationError as error:
            messages.error(request, error.message)
        else:
            return redirect(f"{news.get_absolute_url()}#post-{post.number}")
    else:
        messages.error(request, _("Write something first."))
    return redirect(news.get_absolute_url())


@require_POST
@login_required
def news_comments_switch(request: HttpRequest, pk: int) -> HttpResponse:
    news = access_news_post(request.user, pk)
    actions.comments_switch(
        actor=request.user, target=news, enabled=request.POST.get("enabled") == "1"
    )
    return redirect(news.get_absolute_url())
