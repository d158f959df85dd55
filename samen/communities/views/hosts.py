"""Hosts: list, pages, editing, the host dashboard and the applications collectives send."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.communities import actions, queries
from samen.communities.access import Need, access_application, access_collective, access_host, can
from samen.communities.dashboard import inbox_for, sections_for
from samen.communities.errors import CommunityError
from samen.communities.forms import (
    ApplicationForm,
    DecisionForm,
    HostForm,
    ReasonForm,
    ReplyForm,
    add_community_error,
)
from samen.communities.models import Collective, Host
from samen.communities.views._common import _login_or, _LoginRequired, _owner
from samen.communities.views.news import _follow_state, _latest_news
from samen.core.pagecache import public_page
from samen.lib.htmx import render_page

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


@public_page("host")
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
        inbox=inbox_for(request.user, host),
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
