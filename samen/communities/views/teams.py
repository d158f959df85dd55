"""Teams: members, invitations, roles, join requests and the house rules members accept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts.models import User
from samen.communities import actions, queries
from samen.communities.access import Need, access_invitation_admin, access_join_request, can
from samen.communities.dashboard import sections_for
from samen.communities.errors import CommunityError
from samen.communities.forms import (
    HostJoinForm,
    InvitationAnswerForm,
    InviteForm,
    JoinDecisionForm,
    JoinForm,
    RoleForm,
    RulesForm,
    add_community_error,
)
from samen.communities.links import invitation_from_token
from samen.communities.models import Collective, Host, InvitationStatus
from samen.communities.views._common import (
    _kind,
    _login_or,
    _LoginRequired,
    _next_or,
    _owner,
    _owner_url,
)
from samen.lib.htmx import render_page

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
        "join_requests": list(queries.pending_join_requests(owner)),
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
                actions.join_request_approve(
                    actor=request.user,
                    join_request=join_request,
                    message=form.cleaned_data["reason"],
                )
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
    owner = join_request.owner
    kind = "collective" if isinstance(owner, Collective) else "host"
    return redirect(f"communities:{kind}_members", owner.slug)


@_login_or
def host_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join a host's community with the idea one comes with."""
    host = _owner(request, "host", slug, Need.VIEW)
    if not request.user.is_authenticated:
        raise _LoginRequired
    assert isinstance(host, Host)
    form = HostJoinForm(request.POST or None, host=host)
    if request.method == "POST" and form.is_valid():
        try:
            actions.host_join_request_submit(
                actor=request.user,
                host=host,
                idea=form.cleaned_data["idea"],
                answers=form.answers(),
                rules_accepted=form.cleaned_data["rules_accepted"],
            )
        except CommunityError as error:
            add_community_error(form, error)
        else:
            messages.success(request, _("Your request was sent to the admins."))
            return redirect("communities:host", host.slug)
    return render_page(
        request,
        "communities/host_join.html",
        {"host": host, "form": form, "rules": queries.current_rules(host)},
    )


# --- house rules ----------------------------------------------------------------------------


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
                        actor=request.user,
                        owner=owner,
                        text=form.cleaned_data["text"],
                        translations=form.translations(),
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
        form = RulesForm(initial=RulesForm.initial_from(current, RulesForm.translated))
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
