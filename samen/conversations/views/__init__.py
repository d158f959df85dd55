"""Discussion pages: topic lists, topics with replies, comments, reports and the review
queue. Views parse input, ask access.py, and call actions or queries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities.access import access_news_post
from samen.communities.queries import current_rules
from samen.conversations import actions, queries
from samen.conversations.access import (
    Need,
    access_account,
    access_blocklist_entry,
    access_category,
    access_message,
    access_owner,
    access_person,
    access_post,
    access_post_image,
    access_reviewable,
    access_suspending_host,
    access_suspension,
    access_topic,
    can_manage_categories,
    can_moderate,
    can_post_in,
    can_suspend,
    is_member,
    joinable_categories,
    require,
    visible_categories,
)
from samen.conversations.errors import ConversationError
from samen.conversations.forms import (
    BlocklistForm,
    CategoryForm,
    EmailChoiceForm,
    MessageForm,
    ModerateForm,
    ModeratorForm,
    ReplyForm,
    ReportForm,
    SanctionForm,
    SettingsForm,
    SuspensionForm,
    TopicForm,
    WatchForm,
    add_error,
)
from samen.conversations.models import (
    IdeaStage,
    Owner,
    ReactionKind,
    TopicKind,
    Visibility,
    owner_kind,
)
from samen.lib.htmx import render_page


def _owner_context(request: HttpRequest, owner: Owner) -> dict[str, Any]:
    kind = owner_kind(owner)
    return {
        "owner": owner,
        "owner_kind": kind,
        "can_moderate": can_moderate(request.user, owner),
        "is_member": is_member(request.user, owner),
        "can_manage": can_manage_categories(request.user, owner),
        "can_suspend": kind == "host" and can_suspend(request.user, owner),
        "rules": None if kind == "chapter" else current_rules(owner),  # type: ignore[arg-type]
    }


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 6 else None


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
        "joinable": joinable_categories(request.user, owner),
        "category": category,
        "page": page,
        "email_form": EmailChoiceForm(
            initial={"mode": actions.email_choice_of(request.user, owner)}
        ),
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
        request.FILES or None,
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
                stage=form.cleaned_data.get("stage") or "",
                question=form.cleaned_data.get("question") or "",
                images=form.cleaned_data.get("images") or [],
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
    form = ReplyForm(initial={"reply_to": request.GET.get("reply_to")}, idea=_is_idea(topic))
    return _render_topic(request, topic, form, page=request.GET.get("page") or 1)


def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's lasting address: to the page of its topic that shows it (or, for a comment,
    to the object it is on)."""
    post = access_post(request.user, pk)
    topic, target = post.topic, post.topic.target
    if topic.category_id is None and target is not None and hasattr(target, "get_absolute_url"):
        return redirect(f"{target.get_absolute_url()}#{post.comment_anchor}")
    number = queries.post_page_number(request.user, post)
    query = f"?page={number}" if number > 1 else ""
    return redirect(f"{topic.get_absolute_url()}{query}#post-{post.number}")


def post_image(request: HttpRequest, pk: int) -> FileResponse:
    """An image attached to a post, streamed from the private storage to its readers."""
    image = access_post_image(request.user, pk)
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _is_idea(topic: Any) -> bool:
    return bool(topic.kind == TopicKind.IDEA)


def _render_topic(
    request: HttpRequest, topic: Any, form: ReplyForm, status: int = 200, page: Any = "last"
) -> HttpResponse:
    posts = queries.topic_page(request.user, topic, page)
    context = {
        **_owner_context(request, topic.owner),
        "topic": topic,
        "page": posts,
        "posts": posts.object_list,
        "form": form,
        "can_post": can_post_in(request.user, topic),
        "is_asker": request.user.is_authenticated and topic.author_id == request.user.pk,
        "reactions": ReactionKind.choices,
        "watch": queries.watch_level(request.user, topic),
        "stages": IdeaStage.choices,
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
    form = ReplyForm(request.POST, request.FILES, idea=_is_idea(topic))
    if form.is_valid():
        reply_to = None
        if form.cleaned_data.get("reply_to"):
            reply_to = access_post(request.user, form.cleaned_data["reply_to"])
        try:
            post = actions.post_reply(
                actor=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                reply_to=reply_to,
                feedback=form.cleaned_data.get("feedback") or "",
                images=form.cleaned_data.get("images") or [],
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
        {
            **_owner_context(request, owner),
            "items": queries.review_queue(owner, request.user),
            "group_requests": queries.pending_group_requests(owner),
            "private_groups": [
                category
                for category in visible_categories(request.user, owner)
                if category.visibility == Visibility.PRIVATE
            ],
        },
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
            rule_number=_int_or_none(request.POST.get("rule_number")),
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
            "moderator_form": ModeratorForm(),
            "moderators": queries.moderators(owner),
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
            return redirect(f"{news.get_absolute_url()}#{post.comment_anchor}")
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


# --- moderation of posts and people ---------------------------------------------------------


@login_required
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide, restore or delete one post with a reason (the team)."""
    post = access_post(request.user, pk, Need.MODERATE)
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.post_moderate(
                actor=request.user,
                post=post,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                rule_number=form.cleaned_data.get("rule_number"),
            )
        except ConversationError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect(post.get_absolute_url())
    return render_page(
        request,
        "conversations/moderate.html",
        {**_owner_context(request, post.topic.owner), "post": post, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def person(request: HttpRequest, kind: str, slug: str, user_id: int) -> HttpResponse:
    """One person's standing in the community, and the team's warn, mute and ban."""
    owner = access_owner(request.user, kind, slug, Need.MODERATE)
    someone = access_person(request.user, owner, user_id)
    form = SanctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common: dict[str, Any] = {"actor": request.user, "owner": owner, "person": someone}
        reason, rule = data["reason"], data.get("rule_number")
        try:
            if data["action"] == "warn":
                actions.member_warn(**common, reason=reason, rule_number=rule)
            elif data["action"] == "mute":
                hours = data["hours"] or 24
                actions.member_mute(**common, hours=hours, reason=reason, rule_number=rule)
            elif data["action"] == "unmute":
                actions.member_unmute(**common, reason=reason)
            elif data["action"] == "ban":
                actions.member_ban(**common, reason=reason, rule_number=rule)
            else:
                actions.member_unban(**common, reason=reason)
        except ConversationError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect(request.path)
    return render_page(
        request,
        "conversations/person.html",
        {
            **_owner_context(request, owner),
            "person": someone,
            "form": form,
            **queries.person_standing(owner, someone),
        },
        status=400 if request.method == "POST" else 200,
    )


def moderation_log(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The moderation log, for the community's members and team."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    owner = access_owner(request.user, kind, slug, Need.LOG)
    page = Paginator(queries.moderation_log(owner), 50).get_page(request.GET.get("page"))
    return render_page(
        request, "conversations/log.html", {**_owner_context(request, owner), "page": page}
    )


@require_POST
@login_required
def moderator_change(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The admins add someone to the moderation team by e-mail, or take them off."""
    from samen.accounts.models import User

    owner = access_owner(request.user, kind, slug)
    require(can_manage_categories(request.user, owner))
    if request.POST.get("remove"):
        if not request.POST["remove"].isdigit():
            raise Http404
        someone = access_person(request.user, owner, int(request.POST["remove"]))
        actions.moderator_remove(actor=request.user, owner=owner, user=someone)
        return redirect("conversations:manage", kind, slug)
    form = ModeratorForm(request.POST)
    found = None
    if form.is_valid():
        found = User.objects.filter(
            email__iexact=form.cleaned_data["email"], is_active=True
        ).first()
    if found is None or not is_member(found, owner):
        messages.error(request, _("No member of this community has that e-mail address."))
    else:
        try:
            actions.moderator_add(actor=request.user, owner=owner, user=found)
        except ConversationError as error:
            messages.error(request, error.message)
    return redirect("conversations:manage", kind, slug)


# --- host-level suspensions -----------------------------------------------------------------


@login_required
def suspensions(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """A host's admins list the people suspended across the host, and suspend another."""
    from samen.accounts.models import User

    host = access_suspending_host(request.user, kind, slug)
    blocking = "value" in request.POST
    form = SuspensionForm(None if blocking else request.POST or None)
    blocklist_form = BlocklistForm(request.POST if blocking else None)
    if blocking and blocklist_form.is_valid():
        try:
            actions.blocklist_add(actor=request.user, host=host, **blocklist_form.cleaned_data)
        except ConversationError as error:
            add_error(blocklist_form, error)
        else:
            messages.success(request, _("Added to the block list."))
            return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = User.objects.filter(email__iexact=data["email"], is_active=True).first()
        if person is None:
            form.add_error("email", _("Nobody has an account with that e-mail address."))
        else:
            try:
                actions.host_suspend(actor=request.user, host=host, person=person,
                                     reason=data["reason"], until=data["until"])  # fmt: skip
            except ConversationError as error:
                add_error(form, error)
            else:
                messages.success(request, _("Suspended."))
                return redirect(request.path)
    return render_page(
        request,
        "conversations/suspensions.html",
        {**_owner_context(request, host), "form": form, **queries.host_suspensions(host),
         "blocklist_form": blocklist_form, "blocklist": queries.host_blocklist(host)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@require_POST
@login_required
def blocklist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_blocklist_entry(request.user, pk)
    actions.blocklist_remove(actor=request.user, entry=entry)
    messages.success(request, _("Taken off the block list."))
    return redirect("conversations:suspensions", "host", entry.host.slug)


@require_POST
@login_required
def suspension_lift(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = access_suspension(request.user, pk)
    try:
        actions.host_suspension_lift(
            actor=request.user, suspension=suspension, reason=request.POST.get("reason", "")
        )
    except ConversationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Suspension lifted."))
    return redirect("conversations:suspensions", "host", suspension.host.slug)


# --- following and e-mail -------------------------------------------------------------------


@require_POST
@login_required
def topic_watch(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access_topic(request.user, pk)
    form = WatchForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose follow, mute or normal."), status=400)
    actions.topic_watch_set(actor=request.user, topic=topic, level=form.cleaned_data["level"])
    messages.success(request, _("Saved."))
    return redirect(topic)


@require_POST
@login_required
def email_choice(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = access_owner(request.user, kind, slug)
    form = EmailChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose one of the options."), status=400)
    actions.email_choice_set(actor=request.user, owner=owner, mode=form.cleaned_data["mode"])
    messages.success(request, _("Saved."))
    return redirect("conversations:topics", kind, slug)


def search(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Full-text search in the topics and replies the person may read."""
    owner = access_owner(request.user, kind, slug)
    text = request.GET.get("q", "")[:200]
    results = queries.search_posts(request.user, owner, text) if text.strip() else []
    return render_page(
        request,
        "conversations/search.html",
        {**_owner_context(request, owner), "q": text, "results": results},
        partial="conversations/partials/search_results.html",
    )


# --- the sounding board ---------------------------------------------------------------------


def ideas(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The community's ideas by stage, each with its question for readers."""
    owner = access_owner(request.user, kind, slug)
    return render_page(
        request,
        "conversations/ideas.html",
        {**_owner_context(request, owner), "stages": queries.ideas_by_stage(request.user, owner)},
    )


@require_POST
@login_required
def idea_stage(request: HttpRequest, pk: int) -> HttpResponse:
    topic = access_topic(request.user, pk)
    stage = request.POST.get("stage", "")
    if stage not in IdeaStage.values:
        return HttpResponse(_("Choose one of the options."), status=400)
    try:
        actions.idea_set_stage(actor=request.user, topic=topic, stage=stage)
    except ConversationError as error:
        messages.error(request, error.message)
    return redirect(topic)


@require_POST
@login_required
def helpful(request: HttpRequest, pk: int) -> HttpResponse:
    post = access_post(request.user, pk)
    try:
        actions.post_mark_helpful(
            actor=request.user, post=post, helpful=request.POST.get("helpful") == "1"
        )
    except ConversationError as error:
        messages.error(request, error.message)
    return redirect(post.get_absolute_url())


# --- contact without e-mail -----------------------------------------------------------------


@login_required
def message_new(request: HttpRequest, kind: str, slug: str, user_id: int) -> HttpResponse:
    """Write to another member of the community; the e-mail is relayed."""
    from samen.accounts.models import User

    owner = access_owner(request.user, kind, slug, Need.POST)
    recipient = User.objects.filter(pk=user_id, is_active=True).first()
    if recipient is None or not is_member(recipient, owner):
        raise Http404
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.message_send(actor=request.user, owner=owner, recipient=recipient,
                                 **form.cleaned_data)  # fmt: skip
        except ConversationError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Your message is on its way."))
            return redirect("conversations:topics", kind, slug)
    return render_page(
        request,
        "conversations/message_new.html",
        {
            **_owner_context(request, owner),
            "recipient": recipient,
            "form": form,
            "refuses": actions.refuses_messages(recipient),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def message_report(request: HttpRequest, pk: int) -> HttpResponse:
    message = access_message(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.message_report(actor=request.user, message=message,
                                   reason=form.cleaned_data["reason"],
                                   rule_number=form.cleaned_data.get("rule_number"))  # fmt: skip
        except ConversationError as error:
            add_error(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return redirect("conversations:contact")
    return render_page(
        request,
        "conversations/message_report.html",
        {**_owner_context(request, message.owner), "message": message, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def contact(request: HttpRequest) -> HttpResponse:
    """Whether other members may write to me through the communities."""
    if request.method == "POST":
        actions.contact_refuse(actor=request.user, refuse=request.POST.get("refuse") == "1")
        messages.success(request, _("Saved."))
        return redirect("conversations:contact")
    return render_page(
        request,
        "conversations/contact.html",
        {"refuses": actions.refuses_messages(request.user)},
    )


# --- blocking and reporting a member --------------------------------------------------------


@require_POST
@login_required
def person_block(request: HttpRequest, user_id: int) -> HttpResponse:
    """Block a person (or lift the block), from their profile or a message page."""
    person = access_account(user_id=user_id)
    if person.pk == request.user.pk:
        raise Http404
    on = actions.person_block(actor=request.user, person=person,
                              block=request.POST.get("block") == "1")  # fmt: skip
    if on:
        messages.success(request, _("Blocked. Neither of you will hear of the other any more."))
    else:
        messages.success(request, _("The block is lifted."))
    return redirect("accounts:person", person.pk)


@login_required
def person_report(request: HttpRequest, kind: str, slug: str, user_id: int) -> HttpResponse:
    """Report a member of the community to its moderators, naming the house rule."""
    owner = access_owner(request.user, kind, slug)
    person = access_account(user_id=user_id)
    if not (is_member(request.user, owner) and is_member(person, owner)):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.profile_report(actor=request.user, owner=owner, person=person,
                                   reason=form.cleaned_data["reason"],
                                   rule_number=form.cleaned_data.get("rule_number"))  # fmt: skip
        except ConversationError as error:
            add_error(form, error)
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return redirect("accounts:person", person.pk)
    return render_page(
        request,
        "conversations/person_report.html",
        {**_owner_context(request, owner), "person": person, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def insights(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """For the team: posts, topics, time to the first reply and members joined per week,
    the unanswered questions; reports per week, time to their answer, what waits."""
    owner = access_owner(request.user, kind, slug, Need.MODERATE)
    return render_page(
        request,
        "conversations/insights.html",
        {
            **_owner_context(request, owner),
            **queries.moderation_insights(owner),
            **queries.activity_insights(owner),
        },
    )
