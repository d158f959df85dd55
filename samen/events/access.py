"""Who may see, join and run events: the one place that decides.

A draft is seen by its organisers only; a published or cancelled event by everyone when it
is public, by the community's members when it is for members. Organisers are the people who
speak for the community (a collective's or host's admins, a chapter's connectors) and, for a
hosted collective, the host's admins. Anyone else gets Http404, never a hint.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from samen.communities import access as community_access
from samen.communities.access import Need as CommunityNeed
from samen.communities.models import Collective, Host
from samen.communities.queries import is_host_admin
from samen.conversations.models import Owner
from samen.events.models import Event, EventStatus, Occurrence, Registration


class Need(models.TextChoices):
    VIEW = "view", _("see")
    REGISTER = "register", _("register")
    ORGANISE = "organise", _("organise")


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_organise(user: Any, owner: Owner) -> bool:
    if not signed_in(user):
        return False
    if community_access.can_write_news(user, owner):
        return True
    return isinstance(owner, Collective) and bool(owner.host_id) and is_host_admin(user, owner.host)


def is_member(user: Any, owner: Owner) -> bool:
    return community_access.can(user, CommunityNeed.MEMBER, owner)


def can_see_members_events(user: Any, owner: Owner) -> bool:
    return is_member(user, owner) or can_organise(user, owner)


def can_see_event(user: Any, event: Event) -> bool:
    if event.status == EventStatus.DRAFT:
        return can_organise(user, event.owner)
    return event.is_public or can_see_members_events(user, event.owner)


def can_see_online_link(user: Any, event: Event, registration: Registration | None) -> bool:
    """The online link is for the people going (or who went) and the organisers."""
    if registration is not None and registration.holds_place:
        return True
    return can_organise(user, event.owner)


def _check(user: Any, event: Event, need: Need | str) -> None:
    if not can_see_event(user, event):
        raise Http404
    need = Need(need)
    if need == Need.REGISTER and not signed_in(user):
        raise PermissionDenied
    if need == Need.ORGANISE and not can_organise(user, event.owner):
        raise PermissionDenied


def _event_rows() -> models.QuerySet[Event]:
    return Event.objects.select_related(
        "collective__host", "host", "chapter", "coach", "credit_unit"
    )


def access_event(user: Any, pk: int, need: Need | str = Need.VIEW) -> Event:
    """The event ``pk`` if ``user`` may see it (Http404 otherwise) and ``need`` it."""
    event = _event_rows().filter(pk=pk).first()
    if event is None:
        raise Http404
    _check(user, event, need)
    return event


def access_occurrence(user: Any, pk: int, need: Need | str = Need.VIEW) -> Occurrence:
    """A date of an event, under the rules of its event."""
    occurrence = (
        Occurrence.objects.select_related(
            "event__collective__host", "event__host", "event__chapter"
        )
        .filter(pk=pk)
        .first()
    )
    if occurrence is None:
        raise Http404
    _check(user, occurrence.event, need)
    return occurrence


def access_registration(user: Any, pk: int) -> Registration:
    """A registration, for the organisers of its event only (to check someone in)."""
    registration = (
        Registration.objects.select_related(
            "user",
            "occurrence__event__collective__host",
            "occurrence__event__host",
            "occurrence__event__chapter",
        )
        .filter(pk=pk)
        .first()
    )
    if registration is None or not can_organise(user, registration.occurrence.event.owner):
        raise Http404
    return registration


def access_owner(user: Any, kind: str, slug: str, need: Need | str = Need.VIEW) -> Owner:
    """The collective, host or chapter whose events are asked for: visible to all (each
    person sees the events meant for them); ORGANISE for those who run its events."""
    owner = community_access.access_news_owner(user, kind, slug)
    if Need(need) == Need.ORGANISE and not can_organise(user, owner):
        raise PermissionDenied
    return owner


def can_comment_on(user: Any, event: Event) -> bool:
    """Comments on an event are read by whoever may see it, once it is out of draft."""
    return event.status != EventStatus.DRAFT and can_see_event(user, event)


def register_comments() -> None:
    """Events take comments through the shared conversations machinery (one model of
    posts: moderation, reports, reactions and notifications come with it); the
    organisers switch them off or on per event."""
    from django.urls import reverse

    from samen.conversations.access import CommentTarget, register_comment_target

    register_comment_target(
        Event,
        CommentTarget(
            can_see=can_comment_on,
            can_switch=lambda user, event: can_organise(user, event.owner),
            owner=lambda event: event.owner,
            comment_url=lambda event: reverse("events:comment", args=[event.pk]),
            switch_url=lambda event: reverse("events:comments_switch", args=[event.pk]),
        ),
    )


def access_host_feedback(user: Any, slug: str) -> Any:
    """A host whose feedback on every event and every coach ``user`` may read: its admins
    only (Http404 for a host nobody may see, PermissionDenied for everyone else)."""
    host = community_access.access_news_owner(user, "host", slug)
    if not isinstance(host, Host) or not signed_in(user) or not is_host_admin(user, host):
        raise PermissionDenied
    return host


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def register_readers() -> None:
    """Notices about an event or one of its dates stay with those who may still see it."""
    from samen.notifications.registry import register_reader

    register_reader(Event, can_see_event)
    register_reader(
        Occurrence,
        lambda user, occurrence: can_see_event(user, occurrence.event),
        related=("event",),
    )
