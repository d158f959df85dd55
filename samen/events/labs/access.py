"""Who may see and take part in Solution Labs: the one place that decides.

A host's calls, their questions, supports and outcomes are for its community: the host's
members (any role) and the members of the collectives it hosts. Its admins run the calls
(open one, select questions, attach them to a lab). A question's author records its
outcome. Anyone else gets Http404, never a hint; a member asking for an admin's page gets
PermissionDenied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from samen.communities import access as community_access
from samen.communities.access import Need as CommunityNeed
from samen.communities.models import CollectiveMembership, Host
from samen.events.models import LabCall, LabQuestion


class LabNeed(models.TextChoices):
    VIEW = "view", _("see and take part")
    RUN = "run", _("run the calls")
    OWN = "own", _("record the outcome")


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_run(user: Any, host: Host) -> bool:
    """The host's admins (and superusers) open calls and select questions."""
    return signed_in(user) and community_access.can(user, CommunityNeed.ADMIN, host)


def in_community(user: Any, host: Host) -> bool:
    """The host's members, the members of its hosted collectives, and those who run it."""
    if not signed_in(user):
        return False
    if community_access.can(user, CommunityNeed.MEMBER, host) or can_run(user, host):
        return True
    return CollectiveMembership.objects.filter(user=user, collective__host=host).exists()


def _check(user: Any, host: Host, need: LabNeed | str) -> None:
    if not in_community(user, host):
        raise Http404
    if LabNeed(need) == LabNeed.RUN and not can_run(user, host):
        raise PermissionDenied


def access_lab_host(user: Any, slug: str, need: LabNeed | str = LabNeed.VIEW) -> Host:
    """The host whose calls are asked for, if ``user`` belongs to its community."""
    host = Host.objects.filter(slug=slug).first()
    if host is None:
        raise Http404
    _check(user, host, need)
    return host


def access_call(user: Any, pk: int, need: LabNeed | str = LabNeed.VIEW) -> LabCall:
    """The call ``pk`` if ``user`` belongs to its host's community (and runs it for RUN)."""
    call = LabCall.objects.select_related("host").filter(pk=pk).first()
    if call is None:
        raise Http404
    _check(user, call.host, need)
    return call


def access_question(user: Any, pk: int, need: LabNeed | str = LabNeed.VIEW) -> LabQuestion:
    """A question under the rules of its call; OWN for its author only."""
    question = (
        LabQuestion.objects.select_related("call__host", "author", "event").filter(pk=pk).first()
    )
    if question is None:
        raise Http404
    need = LabNeed(need)
    _check(user, question.call.host, LabNeed.VIEW if need == LabNeed.OWN else need)
    if need == LabNeed.OWN and question.author_id != user.pk:
        raise PermissionDenied
    return question


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
