"""Who may see and change hosts, collectives, chapters and what hangs off them.

The ``access_*`` functions are the only way a view, an endpoint or another app turns an id
or slug from a request into an object: Http404 when the object is invisible to the person,
PermissionDenied when it is visible but the person lacks the ``need``. Hosts, collectives
and chapters are public (VIEW is open to everyone); everything else depends on a role.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from samen.communities import queries
from samen.communities.models import (
    Chapter,
    Collective,
    CollectiveRole,
    Host,
    HostApplication,
    Invitation,
    JoinRequest,
    NewsPost,
)


class Need(models.TextChoices):
    VIEW = "view", _("see")
    MEMBER = "member", _("take part as a member")
    ADMIN = "admin", _("manage")
    FINANCE = "finance", _("read all finances")
    HOST_ADMIN = "host_admin", _("act as host admin")


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


def _can_collective(user: Any, need: Need, collective: Collective) -> bool:
    if need == Need.VIEW:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_superuser(user):
        return True
    role = queries.collective_role(user, collective)
    if need == Need.MEMBER:
        return role is not None
    if need == Need.ADMIN:
        return role == CollectiveRole.ADMIN
    host = collective.host  # None, without a query, while the collective has no host
    if need == Need.HOST_ADMIN:
        return queries.is_host_admin(user, host)
    if need == Need.FINANCE:
        return (
            role == CollectiveRole.ADMIN
            or queries.is_host_admin(user, host)
            or queries.is_host_accountant(user, host)
        )
    return False


def _can_host(user: Any, need: Need, host: Host) -> bool:
    if need == Need.VIEW:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_superuser(user):
        return True
    if need == Need.MEMBER:
        return queries.is_host_member(user, host)
    if need in (Need.ADMIN, Need.HOST_ADMIN):
        return queries.is_host_admin(user, host)
    if need == Need.FINANCE:
        return queries.is_host_admin(user, host) or queries.is_host_accountant(user, host)
    return False


def is_platform_staff(user: Any) -> bool:
    """Platform staff (``is_staff``) open and edit chapters; superusers may too. No one
    (``None``, as a task passes) is not staff; an anonymous visitor's flags are False."""
    return user is not None and bool(user.is_staff or user.is_superuser)


def _can_chapter(user: Any, need: Need, chapter: Chapter) -> bool:
    """VIEW: everyone. MEMBER: the chapter's members. ADMIN (manage the connectors): its
    connectors and platform staff. Editing the chapter itself is for staff only
    (``access_chapter_as_staff``)."""
    if need == Need.VIEW:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_superuser(user):
        return True
    if need == Need.MEMBER:
        return chapter.members.filter(pk=user.pk).exists()
    if need == Need.ADMIN:
        return is_platform_staff(user) or chapter.connectors.filter(pk=user.pk).exists()
    return False


def can(user: Any, need: Need | str, obj: Collective | Host | Chapter) -> bool:
    """The same rules as the ``access_*`` functions, as a yes/no (for templates and lists)."""
    need = Need(need)
    if isinstance(obj, Collective):
        return _can_collective(user, need, obj)
    if isinstance(obj, Host):
        return _can_host(user, need, obj)
    if isinstance(obj, Chapter):
        return _can_chapter(user, need, obj)
    raise TypeError(f"No access rules for {type(obj).__name__}")


def _require(user: Any, need: Need | str, obj: Collective | Host | Chapter) -> None:
    if not can(user, need, obj):
        raise PermissionDenied


def access_collective(user: Any, slug: str, need: Need | str = Need.VIEW) -> Collective:
    """The collective with ``slug`` if the person may ``need`` it."""
    try:
        collective = queries.collective_detail(slug)
    except Collective.DoesNotExist:
        raise Http404 from None
    _require(user, need, collective)
    return collective


def access_collective_by_id(user: Any, pk: int, need: Need | str = Need.VIEW) -> Collective:
    collective = Collective.objects.select_related("host").filter(pk=pk).first()
    if collective is None:
        raise Http404
    _require(user, need, collective)
    return collective


def access_host(user: Any, slug: str, need: Need | str = Need.VIEW) -> Host:
    """The host with ``slug`` if the person may ``need`` it."""
    host = Host.objects.filter(slug=slug).first()
    if host is None:
        raise Http404
    _require(user, need, host)
    return host


def access_host_by_id(user: Any, pk: int, need: Need | str = Need.VIEW) -> Host:
    host = Host.objects.filter(pk=pk).first()
    if host is None:
        raise Http404
    _require(user, need, host)
    return host


def access_chapter(user: Any, slug: str, need: Need | str = Need.VIEW) -> Chapter:
    chapter = Chapter.objects.filter(slug=slug).first()
    if chapter is None:
        raise Http404
    _require(user, need, chapter)
    return chapter


def require_platform_staff(user: Any) -> None:
    """PermissionDenied unless the person is platform staff (to open a chapter)."""
    if not is_platform_staff(user):
        raise PermissionDenied


def access_chapter_as_staff(user: Any, slug: str) -> Chapter:
    """The chapter with ``slug`` for platform staff to edit: Http404 when unknown,
    PermissionDenied for everyone else (chapters are public, so they are visible)."""
    chapter = access_chapter(user, slug)
    require_platform_staff(user)
    return chapter


def access_application(user: Any, pk: int, need: Need | str = Need.VIEW) -> HostApplication:
    """Applications are seen by the collective's admins and the host's admins and
    accountants; deciding (HOST_ADMIN) is for host admins only. Anyone else: 404."""
    application = (
        HostApplication.objects.select_related("host", "collective", "applied_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    host, collective = application.host, application.collective
    collective_admin = queries.is_collective_admin(user, collective)
    host_admin = queries.is_host_admin(user, host)
    host_staff = host_admin or queries.is_host_accountant(user, host)
    if not (collective_admin or host_staff or _is_superuser(user)):
        raise Http404
    need = Need(need)
    if need == Need.HOST_ADMIN and not (host_admin or _is_superuser(user)):
        raise PermissionDenied
    if need == Need.ADMIN and not (collective_admin or _is_superuser(user)):
        raise PermissionDenied
    return application


def access_join_request(user: Any, pk: int, need: Need | str = Need.VIEW) -> JoinRequest:
    """A join request is seen by the person who asked and the admins of what they asked to
    join (a collective, or a host's community); deciding (ADMIN) is for those admins."""
    join_request = (
        JoinRequest.objects.select_related("collective", "host", "user").filter(pk=pk).first()
    )
    if join_request is None:
        raise Http404
    is_admin = (
        queries.is_collective_admin(user, join_request.collective)
        if join_request.collective is not None
        else queries.is_host_admin(user, join_request.host)
    ) or _is_superuser(user)
    is_asker = getattr(user, "is_authenticated", False) and join_request.user_id == user.pk
    if not (is_admin or is_asker):
        raise Http404
    if Need(need) == Need.ADMIN and not is_admin:
        raise PermissionDenied
    return join_request


def access_invitation_admin(user: Any, pk: int) -> Invitation:
    """An invitation as seen by the admins of what it invites to (to list or revoke it)."""
    invitation = Invitation.objects.select_related("collective", "host").filter(pk=pk).first()
    if invitation is None or not can(user, Need.ADMIN, invitation.owner):
        raise Http404
    return invitation


# --- news -----------------------------------------------------------------------------------

NewsOwner = Collective | Host | Chapter


def can_write_news(user: Any, owner: NewsOwner) -> bool:
    """Who speaks for ``owner``: a collective's admins, a host's admins, a chapter's
    connectors (platform staff do not write a chapter's news for it), and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _is_superuser(user):
        return True
    if isinstance(owner, Chapter):
        return owner.connectors.filter(pk=user.pk).exists()
    return can(user, Need.ADMIN, owner)


def can_read_members_news(user: Any, owner: NewsOwner) -> bool:
    """Members-only news is for the members of ``owner`` (any role) and those who write it."""
    return can(user, Need.MEMBER, owner) or can_write_news(user, owner)


def can_read_news(user: Any, post: NewsPost) -> bool:
    """Drafts are seen by the writers only; a published post by everyone when it is public,
    by the owner's members when it is for members."""
    owner = post.owner
    if post.is_draft:
        return can_write_news(user, owner)
    return post.is_public or can_read_members_news(user, owner)


def access_news_owner(user: Any, kind: str, slug: str, need: Need | str = Need.VIEW) -> NewsOwner:
    """The collective, host or chapter whose news is asked for. VIEW: everyone (each only
    sees the posts meant for them); ADMIN: those who write its news."""
    getters: dict[str, Callable[..., NewsOwner]] = {
        "collective": access_collective,
        "host": access_host,
        "chapter": access_chapter,
    }
    if kind not in getters:
        raise Http404
    owner = getters[kind](user, slug)
    if Need(need) == Need.ADMIN and not can_write_news(user, owner):
        raise PermissionDenied
    return owner


def access_news_post(user: Any, pk: int, need: Need | str = Need.VIEW) -> NewsPost:
    """A news post the person may read (Http404 otherwise: a draft or a members-only post is
    invisible to the others); ADMIN (edit, publish, delete) for its writers."""
    post = (
        NewsPost.objects.select_related("collective__host", "host", "chapter", "author")
        .filter(pk=pk)
        .first()
    )
    if post is None or not can_read_news(user, post):
        raise Http404
    if Need(need) == Need.ADMIN and not can_write_news(user, post.owner):
        raise PermissionDenied
    return post


F = TypeVar("F", bound=Callable[..., Any])


class RulesNotAccepted(PermissionDenied):
    """The member must accept the current house rules before taking part again."""

    def __init__(self, owner: Collective | Host) -> None:
        super().__init__(
            str(_("Accept the current house rules of %(name)s first.") % {"name": owner})
        )
        self.owner = owner


def require_rules_accepted(user: Any, owner: Collective | Host) -> None:
    """Call before a member posts or contributes: raises ``RulesNotAccepted`` (a
    PermissionDenied) when the rules changed since the member last accepted them."""
    if queries.needs_rules_acceptance(user, owner):
        raise RulesNotAccepted(owner)


def rules_accepted_required(get_owner: Callable[..., Collective | Host]) -> Callable[[F], F]:
    """View decorator: ``get_owner(request, **kwargs)`` names the collective or host whose
    rules must be accepted; members who have not accepted them are sent to the rules page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            from django.shortcuts import redirect
            from django.urls import reverse
            from django.utils.http import urlencode

            owner = get_owner(request, *args, **kwargs)
            if queries.needs_rules_acceptance(request.user, owner):
                name = (
                    "communities:collective_rules"
                    if isinstance(owner, Collective)
                    else "communities:host_rules"
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(name, args=[owner.slug])}?{query}")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
