"""The directory, a collective's pages and my communities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from samen.communities import actions, queries
from samen.communities.access import Need, access_collective, can
from samen.communities.errors import CommunityError
from samen.communities.forms import CollectiveForm, SearchForm, add_community_error
from samen.communities.models import Collective
from samen.communities.views._common import PAGE_SIZE, _login_or, _owner
from samen.communities.views.news import _follow_state, _latest_news
from samen.core.pagecache import public_page
from samen.lib.htmx import render_page
from samen.lib.share import share_card


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
                translations=form.translations(),
                logo=data.get("logo"),
                cover=data.get("cover"),
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Your collective is created."))
            return redirect("communities:collective", collective.slug)
    return render_page(request, "communities/collective_form.html", {"form": form})


@public_page("collective")
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
        "share": share_card(
            request,
            title=collective.name,
            text=collective.description,
            image=collective.cover or collective.logo,
        ),
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
            "pending": list(queries.my_pending_join_requests(request.user)),
            "follows": queries.follow_targets(request.user),
            "invitations": list(queries.invitations_for_email(request.user.email)),
        },
    )
