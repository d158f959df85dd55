"""Pages of hosts, collectives and chapters: parse, check access, call an action, render."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from samen.accounts.models import User
from samen.communities import actions, queries
from samen.communities.access import (
    Need,
    NewsOwner,
    access_application,
    access_chapter,
    access_chapter_as_staff,
    access_collective,
    access_host,
    access_invitation_admin,
    access_join_request,
    access_news_owner,
    access_news_post,
    can,
    can_read_members_news,
    can_write_news,
    is_platform_staff,
    require_platform_staff,
)
from samen.communities.dashboard import sections_for
from samen.communities.errors import CommunityError
from samen.communities.forms import (
    ApplicationForm,
    ChapterForm,
    CollectiveForm,
    ConnectorForm,
    DecisionForm,
    HostForm,
    InvitationAnswerForm,
    InviteForm,
    JoinDecisionForm,
    JoinForm,
    NewsForm,
    ReasonForm,
    ReplyForm,
    RoleForm,
    RulesForm,
    SearchForm,
    add_community_error,
)
from samen.communities.links import invitation_from_token, news_unsubscribe_from_token
from samen.communities.models import (
    Chapter,
    Collective,
    Host,
    InvitationStatus,
    NewsPost,
)
from samen.communities.validation import render_markdown
from samen.lib.htmx import render_page

Owner = Collective | Host
PAGE_SIZE = 24


def _owner(request: HttpRequest, kind: str, slug: str, need: Need) -> Owner:
    """Hosts and collectives share the team, rules and follow pages."""
    if need != Need.VIEW and not request.user.is_authenticated:
        raise _LoginRequired
    if kind == "collective":
        return access_collective(request.user, slug, need)
    return access_host(request.user, slug, need)


class _LoginRequired(Exception):
    pass


def _login_or(view: Any) -> Any:
    """Anonymous people are sent to log in instead of seeing 403 on pages that need a role."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _owner_url(owner: Owner) -> str:
    if isinstance(owner, Collective):
        return reverse("communities:collective", args=[owner.slug])
    return reverse("communities:host", args=[owner.slug])


def _next_or(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _kind(owner: Owner) -> str:
    return "collective" if isinstance(owner, Collective) else "host"


# --- directory and collective pages ---------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    """All collectives, searchable by text, tag and city, ranked by relevance."""
    form = SearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {"q": "", "tag": "", "city": ""}
    results = queries.search_collectives(
        text=params.get("q", ""), tag=params.get("tag", ""), city=params.get("city", "")
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "communities/directory.html",
        {"form": form, "page": page, "tags": queries.popular_tags(), "params": params},
        partial="communities/partials/directory_results.html",
    )


@login_required
def collective_new(request: HttpRequest) -> HttpResponse:
    form = CollectiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            collective = actions.collective_create(
                actor=request.user,
                name=data["name"],
                slug=data["slug"],
                tagline=data["tagline"],
                description=data["description"],
                tags=data["tags"],
                website=data["website"],
                social_links=data["social_links"],
                city=data["city"],
                chapters=data["chapters"],
                languages=data["languages"],
                currency=data["currency"],
                allows_join_requests=data["allows_join_requests"],
                membership_questions=data["membership_questions"],
                logo=data.get("logo"),
                cover=data.get("cover"),
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Your collective is created."))
            return redirect("communities:collective", collective.slug)
    return render_page(request, "communities/collective_form.html", {"form": form})


def collective_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """About, team, chapters, followers and "hosted by" (with the fee for those who see
    the finances); the latest application for the collective's admins."""
    collective = access_collective(request.user, slug)
    user = request.user
    is_admin = can(user, Need.ADMIN, collective)
    sees_finance = can(user, Need.FINANCE, collective)
    context = {
        "collective": collective,
        "team": list(queries.collective_team(collective)),
        "follower_count": queries.follower_count(collective),
        **_follow_state(user, collective),
        **_latest_news(user, collective, "collective"),
        "is_member": can(user, Need.MEMBER, collective),
        "is_admin": is_admin,
        "sees_finance": sees_finance,
        "is_host_admin": can(user, Need.HOST_ADMIN, collective),
        "application": queries.latest_application(collective) if sees_finance else None,
        "rules": queries.current_rules(collective),
        "needs_rules": queries.needs_rules_acceptance(user, collective),
        "pending_join": user.is_authenticated
        and collective.join_requests.filter(user=user, status="pending").exists(),
    }
    return render_page(request, "communities/collective_detail.html", context)


@_login_or
def collective_edit(request: HttpRequest, slug: str) -> HttpResponse:
    collective = _owner(request, "collective", slug, Need.ADMIN)
    assert isinstance(collective, Collective)
    form = CollectiveForm(
        request.POST or None, request.FILES or None, initial=CollectiveForm.initial_for(collective)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for image in ("logo", "cover"):
            if not data.get(image):
                data.pop(image, None)
        try:
            collective = actions.collective_update(
                actor=request.user, collective=collective, **data
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:collective", collective.slug)
    return render_page(
        request, "communities/collective_form.html", {"form": form, "collective": collective}
    )


# --- teams, invitations, roles --------------------------------------------------------------


@_login_or
def members(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The team with its roles; admins manage roles, invitations and join requests here."""
    owner = _owner(request, kind, slug, Need.ADMIN)
    team = (
        queries.collective_team(owner)
        if isinstance(owner, Collective)
        else queries.host_team(owner)
    )
    context = {
        "owner": owner,
        "kind": kind,
        "team": list(team),
        "invite_form": InviteForm(kind=kind),
        "role_form": RoleForm(kind=kind),
        "invitations": list(queries.pending_invitations(owner)),
        "join_requests": (
            list(queries.pending_join_requests(owner)) if isinstance(owner, Collective) else []
        ),
        "host": owner if isinstance(owner, Host) else None,
        "sections": sections_for(request.user, owner) if isinstance(owner, Host) else [],
        "active_section": "team",
    }
    return render_page(request, "communities/members.html", context)


@require_POST
@_login_or
def invite(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = _owner(request, kind, slug, Need.ADMIN)
    form = InviteForm(request.POST, kind=kind)
    if form.is_valid():
        try:
            actions.invitation_send(
                actor=request.user,
                owner=owner,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except CommunityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Invitation sent."))
    else:
        messages.error(request, _("Enter a valid e-mail address and role."))
    return redirect(f"communities:{kind}_members", owner.slug)


@require_POST
@_login_or
def member_role(request: HttpRequest, kind: str, slug: str, user_id: int) -> HttpResponse:
    owner = _owner(request, kind, slug, Need.ADMIN)
    person = User.objects.filter(pk=user_id).first()
    form = RoleForm(request.POST, kind=kind)
    if person is None:
        raise Http404
    if form.is_valid():
        try:
            actions.member_set_role(
                actor=request.user, owner=owner, user=person, role=form.cleaned_data["role"]
            )
        except CommunityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Role changed."))
    return redirect(f"communities:{kind}_members", owner.slug)


@require_POST
@_login_or
def member_remove(request: HttpRequest, kind: str, slug: str, user_id: int) -> HttpResponse:
    owner = _owner(request, kind, slug, Need.ADMIN)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    try:
        actions.member_remove(actor=request.user, owner=owner, user=person)
    except CommunityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from the team."))
    return redirect(f"communities:{kind}_members", owner.slug)


@require_POST
@_login_or
def leave(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    owner = _owner(request, kind, slug, Need.MEMBER)
    try:
        actions.membership_leave(actor=request.user, owner=owner)
    except CommunityError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You left %(name)s.") % {"name": owner.name})
    return redirect(_owner_url(owner))


@require_POST
@_login_or
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise _LoginRequired
    invitation = access_invitation_admin(request.user, pk)
    try:
        actions.invitation_revoke(actor=request.user, invitation=invitation)
    except CommunityError as error:
        messages.error(request, error.message)
    owner = invitation.owner
    return redirect(f"communities:{_kind(owner)}_members", owner.slug)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link from the invitation e-mail: accept (signed in as the invited
    address) or decline."""
    found = invitation_from_token(token)
    if found is None:
        raise Http404
    owner = found.owner
    rules = queries.current_rules(owner)
    form = InvitationAnswerForm(request.POST or None)
    if request.method == "POST" and found.status == InvitationStatus.PENDING and form.is_valid():
        try:
            if form.cleaned_data["answer"] == "decline":
                actions.invitation_decline(actor=request.user, invitation=found)
                messages.info(request, _("You declined the invitation."))
                return redirect(_owner_url(owner))
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actions.invitation_accept(
                actor=request.user,
                invitation=found,
                rules_accepted=form.cleaned_data["rules_accepted"],
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": owner.name})
            return redirect(_owner_url(owner))
    return render_page(
        request,
        "communities/invitation.html",
        {"invitation": found, "owner": owner, "rules": rules, "form": form},
    )


# --- join requests --------------------------------------------------------------------------


@_login_or
def join(request: HttpRequest, slug: str) -> HttpResponse:
    collective = _owner(request, "collective", slug, Need.VIEW)
    if not request.user.is_authenticated:
        raise _LoginRequired
    assert isinstance(collective, Collective)
    form = JoinForm(request.POST or None, collective=collective)
    if request.method == "POST" and form.is_valid():
        try:
            actions.join_request_submit(
                actor=request.user,
                collective=collective,
                answers=form.answers(),
                rules_accepted=form.cleaned_data["rules_accepted"],
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Your request was sent to the admins."))
            return redirect("communities:collective", collective.slug)
    return render_page(
        request,
        "communities/join.html",
        {"collective": collective, "form": form, "rules": queries.current_rules(collective)},
    )


@require_POST
@_login_or
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise _LoginRequired
    join_request = access_join_request(request.user, pk, Need.ADMIN)
    form = JoinDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                actions.join_request_approve(actor=request.user, join_request=join_request)
            else:
                actions.join_request_decline(
                    actor=request.user,
                    join_request=join_request,
                    reason=form.cleaned_data["reason"],
                )
        except CommunityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Answer saved."))
    return redirect("communities:collective_members", join_request.collective.slug)


# --- follows and house rules ----------------------------------------------------------------


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


@_login_or
def rules(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """Read the house rules; members accept the current version; admins publish a new one."""
    owner = _owner(request, kind, slug, Need.VIEW)
    is_admin = can(request.user, Need.ADMIN, owner)
    form = RulesForm(request.POST if request.POST.get("do") == "publish" else None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise _LoginRequired
        try:
            if request.POST.get("do") == "publish":
                if not is_admin:
                    raise PermissionDenied
                if form.is_valid():
                    actions.rules_publish(
                        actor=request.user, owner=owner, text=form.cleaned_data["text"]
                    )
                    messages.success(request, _("A new version of the house rules is published."))
                    return redirect(f"communities:{kind}_rules", owner.slug)
            else:
                actions.rules_accept(actor=request.user, owner=owner)
                messages.success(request, _("Thank you for accepting the house rules."))
                return _next_or(request, _owner_url(owner))
        except CommunityError as error:
            if request.POST.get("do") == "publish":
                add_community_error(form, error)
            else:
                messages.error(request, error.message)
    current = queries.current_rules(owner)
    if is_admin and not form.is_bound and current is not None:
        form = RulesForm(initial={"text": current.text})
    return render_page(
        request,
        "communities/rules.html",
        {
            "owner": owner,
            "kind": kind,
            "rules": current,
            "history": list(queries.rules_history(owner)),
            "needs_rules": queries.needs_rules_acceptance(request.user, owner),
            "is_admin": is_admin,
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


# --- applications ---------------------------------------------------------------------------


@_login_or
def host_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """A collective admin applies to this host for one of their unhosted collectives."""
    host = _owner(request, "host", slug, Need.VIEW)
    if not request.user.is_authenticated:
        raise _LoginRequired
    assert isinstance(host, Host)
    mine = Collective.objects.filter(
        memberships__user=request.user, memberships__role="admin", host__isnull=True
    ).order_by("name")
    form = ApplicationForm(
        request.POST or None,
        host=host,
        collectives=mine,
        initial={"collective": mine.filter(slug=request.GET.get("collective", "")).first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.application_submit(
                actor=request.user,
                collective=form.cleaned_data["collective"],
                host=host,
                answers=form.answers(),
                terms_accepted=form.cleaned_data["terms_accepted"],
                message=form.cleaned_data["message"],
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Your application was sent to %(host)s.") % {"host": host})
            return redirect("communities:application", application.pk)
    return render_page(
        request,
        "communities/host_apply.html",
        {"host": host, "form": form, "has_collectives": mine.exists()},
    )


@_login_or
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application with its answers. Host admins decide; the collective's admins
    answer questions or withdraw."""
    if not request.user.is_authenticated:
        raise _LoginRequired
    application = access_application(request.user, pk)
    user = request.user
    is_host_admin = queries.is_host_admin(user, application.host) or user.is_superuser
    is_collective_admin = queries.is_collective_admin(user, application.collective)
    decision_form = DecisionForm(
        request.POST if request.POST.get("do") == "decide" else None,
        initial={"custom_fee_percent": None},
    )
    reply_form = ReplyForm(request.POST if request.POST.get("do") == "reply" else None)
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "decide":
                access_application(user, pk, Need.HOST_ADMIN)
                if decision_form.is_valid():
                    data = decision_form.cleaned_data
                    if data["decision"] == "approve":
                        actions.application_approve(
                            actor=user,
                            application=application,
                            custom_fee_percent=data["custom_fee_percent"],
                        )
                    elif data["decision"] == "reject":
                        actions.application_reject(
                            actor=user, application=application, reason=data["reason"]
                        )
                    else:
                        actions.application_request_info(
                            actor=user, application=application, question=data["reason"]
                        )
                    messages.success(request, _("Decision saved; the collective is told."))
                    return redirect("communities:application", pk)
            elif do == "reply":
                access_application(user, pk, Need.ADMIN)
                if reply_form.is_valid():
                    actions.application_reply(
                        actor=user,
                        application=application,
                        message=reply_form.cleaned_data["message"],
                    )
                    messages.success(request, _("Your answer was sent to the host."))
                    return redirect("communities:application", pk)
            elif do == "withdraw":
                access_application(user, pk, Need.ADMIN)
                actions.application_withdraw(actor=user, application=application)
                messages.info(request, _("Application withdrawn."))
                return redirect("communities:application", pk)
        except CommunityError as error:
            add_community_error(decision_form if do == "decide" else reply_form, error)
    return render_page(
        request,
        "communities/application.html",
        {
            "application": application,
            "is_host_admin": is_host_admin,
            "is_collective_admin": is_collective_admin,
            "decision_form": decision_form,
            "reply_form": reply_form,
        },
    )


# --- hosts ----------------------------------------------------------------------------------


def host_list(request: HttpRequest) -> HttpResponse:
    return render_page(request, "communities/host_list.html", {"hosts": queries.host_list()})


@login_required
def host_new(request: HttpRequest) -> HttpResponse:
    form = HostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            host = actions.host_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                **form.host_fields(),
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("The host is registered."))
            return redirect("communities:host", host.slug)
    return render_page(request, "communities/host_form.html", {"form": form})


def host_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """About, terms, hosted collectives and the apply button."""
    host = access_host(request.user, slug)
    user = request.user
    context = {
        "host": host,
        "collectives": list(queries.hosted_collectives(host)),
        "team": list(queries.host_team(host)),
        "follower_count": queries.follower_count(host),
        **_follow_state(user, host),
        **_latest_news(user, host, "host"),
        "is_member": can(user, Need.MEMBER, host),
        "is_admin": can(user, Need.ADMIN, host),
        "sees_finance": can(user, Need.FINANCE, host),
        "rules": queries.current_rules(host),
    }
    return render_page(request, "communities/host_detail.html", context)


@_login_or
def host_edit(request: HttpRequest, slug: str) -> HttpResponse:
    host = _owner(request, "host", slug, Need.ADMIN)
    assert isinstance(host, Host)
    form = HostForm(request.POST or None, initial=HostForm.initial_for(host))
    if request.method == "POST" and form.is_valid():
        try:
            host = actions.host_update(
                actor=request.user,
                host=host,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                **form.host_fields(),
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("communities:host", host.slug)
    return render_page(request, "communities/host_form.html", {"form": form, "host": host})


def _dashboard(request: HttpRequest, slug: str, section: str) -> tuple[Host, dict[str, Any]]:
    host = _owner(request, "host", slug, Need.FINANCE)
    assert isinstance(host, Host)
    return host, {
        "host": host,
        "sections": sections_for(request.user, host),
        "active_section": section,
        "is_admin": can(request.user, Need.ADMIN, host),
    }


@_login_or
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The host's back office: what needs a decision, at a glance."""
    host, context = _dashboard(request, slug, "overview")
    context.update(
        applications=list(queries.open_applications(host)[:10]),
        collective_count=host.collectives.count(),
        frozen_count=host.collectives.filter(is_frozen=True).count(),
        recent_audit=list(queries.audit_for_host(host)[:10]),
    )
    return render_page(request, "communities/dashboard/overview.html", context)


@_login_or
def dashboard_applications(request: HttpRequest, slug: str) -> HttpResponse:
    host, context = _dashboard(request, slug, "applications")
    context["applications"] = list(queries.open_applications(host))
    return render_page(request, "communities/dashboard/applications.html", context)


@_login_or
def dashboard_collectives(request: HttpRequest, slug: str) -> HttpResponse:
    host, context = _dashboard(request, slug, "collectives")
    context["collectives"] = list(queries.hosted_collectives(host))
    return render_page(request, "communities/dashboard/collectives.html", context)


@_login_or
def dashboard_audit(request: HttpRequest, slug: str) -> HttpResponse:
    host, context = _dashboard(request, slug, "audit")
    context["page"] = Paginator(queries.audit_for_host(host), 50).get_page(request.GET.get("page"))
    return render_page(request, "communities/dashboard/audit.html", context)


@require_POST
@_login_or
def hosting(request: HttpRequest, slug: str, collective_slug: str) -> HttpResponse:
    """A host admin freezes, unfreezes or unhosts one of the host's collectives."""
    host = _owner(request, "host", slug, Need.HOST_ADMIN)
    collective = access_collective(request.user, collective_slug, Need.HOST_ADMIN)
    if collective.host_id != host.pk:
        raise Http404
    form = ReasonForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        reason = form.cleaned_data["reason"]
        try:
            if action == "freeze":
                actions.collective_freeze(actor=request.user, collective=collective, reason=reason)
            elif action == "unfreeze":
                actions.collective_unfreeze(actor=request.user, collective=collective)
            else:
                actions.collective_unhost(actor=request.user, collective=collective, reason=reason)
        except CommunityError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("communities:dashboard_collectives", host.slug)


# --- chapters -------------------------------------------------------------------------------


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


def my_communities(request: HttpRequest) -> HttpResponse:
    """Where I belong, what I follow and the invitations waiting for me."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render_page(
        request,
        "communities/mine.html",
        {
            "collectives": list(queries.my_collectives(request.user)),
            "hosts": list(queries.my_hosts(request.user)),
            "follows": queries.follow_targets(request.user),
            "invitations": list(queries.invitations_for_email(request.user.email)),
        },
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
