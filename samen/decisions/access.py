"""Who may read, start, take part in and manage decisions: the one place that decides.

A poll for members (or for admins) is read by the community's members, its admins and, for
a hosted collective, the host's admins who watch over it; everyone else gets Http404, never
a hint. An open network poll (``signed_in``) is read by all and answered by anyone signed in.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from samen.communities import access as community_access
from samen.communities.access import Need as CommunityNeed
from samen.communities.models import Collective
from samen.communities.queries import is_host_admin
from samen.conversations.models import Owner, owner_fields
from samen.decisions import segments
from samen.decisions.models import (
    Audience,
    DecisionSettings,
    NamedPerson,
    NamedRole,
    Poll,
    Starters,
)


class Need(models.TextChoices):
    VIEW = "view", _("read")
    START = "start", _("start a decision")
    VOTE = "vote", _("take part")
    MANAGE = "manage", _("close and write the outcome")


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user: Any, owner: Owner) -> bool:
    """Who speaks for the community: a collective's or host's admins, a chapter's connectors."""
    return community_access.can_write_news(user, owner)


def is_member(user: Any, owner: Owner) -> bool:
    return community_access.can(user, CommunityNeed.MEMBER, owner) or is_admin(user, owner)


def _oversees(user: Any, owner: Owner) -> bool:
    return isinstance(owner, Collective) and bool(owner.host_id) and is_host_admin(user, owner.host)


def can_start(user: Any, owner: Owner) -> bool:
    """Every member, or only the admins when the community chose so (``DecisionSettings``)."""
    if not _signed_in(user):
        return False
    if is_admin(user, owner):
        return True
    starters = (
        DecisionSettings.objects.filter(**owner_fields(owner))
        .values_list("starters", flat=True)
        .first()
    )
    return starters != Starters.ADMINS and is_member(user, owner)


#: Audiences that may reach people outside the community, who then read the poll they
#: answer: attendees, backers, followers, and a role (the coaches of the host's concepts
#: need not be members of the collective or chapter that asks them).
OUTSIDERS = (Audience.ATTENDEES, Audience.BACKERS, Audience.FOLLOWERS, Audience.ROLE)


def can_see_poll(user: Any, poll: Poll) -> bool:
    if poll.audience == Audience.SIGNED_IN:
        return True
    if not _signed_in(user):
        return False
    if is_member(user, poll.owner) or _oversees(user, poll.owner):
        return True
    return poll.audience in OUTSIDERS and can_vote(user, poll)


def in_segment(user: Any, poll: Poll) -> bool:
    """Whether ``user`` belongs to the poll's audience (a role, the attendees, backers,
    members in debt or followers), as the segment counts them now."""
    people = segments.people(poll.owner, segments.of_poll(poll))
    return people.filter(pk=user.pk).exists()


def can_vote(user: Any, poll: Poll) -> bool:
    """May take part (whether the poll is still open is the action's business)."""
    if not _signed_in(user):
        return False
    if poll.audience == Audience.SIGNED_IN:
        return True
    if poll.audience == Audience.ADMINS:
        return is_admin(user, poll.owner)
    if poll.audience == Audience.LISTED:
        return NamedPerson.objects.filter(poll=poll, person=user, role=NamedRole.LISTED).exists()
    if poll.audience == Audience.MEMBERS:
        return is_member(user, poll.owner)
    return in_segment(user, poll)


def can_manage(user: Any, poll: Poll) -> bool:
    """The author and the community's admins close a poll early and write its outcome."""
    if not _signed_in(user):
        return False
    return (poll.author_id is not None and poll.author_id == user.pk) or is_admin(user, poll.owner)


def access_owner(user: Any, kind: str, slug: str, need: Need | str = Need.VIEW) -> Owner:
    """The collective, host or chapter whose decisions are asked for: visible to all
    (each person sees the polls meant for them); START for who may start one; MANAGE (its
    decision settings) for its admins."""
    owner = community_access.access_news_owner(user, kind, slug)
    need = Need(need)
    if need == Need.START and not can_start(user, owner):
        raise PermissionDenied
    if need == Need.MANAGE and not is_admin(user, owner):
        raise PermissionDenied
    return owner


def access_poll(user: Any, pk: int, need: Need | str = Need.VIEW) -> Poll:
    poll = (
        Poll.objects.select_related("collective__host", "host", "chapter", "author", "topic")
        .filter(pk=pk)
        .first()
    )
    if poll is None or not can_see_poll(user, poll):
        raise Http404
    need = Need(need)
    if need == Need.VOTE and not can_vote(user, poll):
        raise PermissionDenied
    if need == Need.MANAGE and not can_manage(user, poll):
        raise PermissionDenied
    return poll


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def register_readers() -> None:
    """Notices about a poll stay with those who may still read it."""
    from samen.notifications.registry import register_reader

    register_reader(Poll, can_see_poll)
