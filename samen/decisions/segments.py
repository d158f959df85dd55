"""Who belongs to an audience: the one place that turns an ``Audience`` (members, a role,
the attendees of an event, the backers of a campaign, the members in debt, the followers)
into people. ``access`` asks it whether one person may take part, ``queries`` lists the
people to tell and to remind, and filters results by a segment.

Each function returns a query of users (or of their ids), never a list, so that it can be
used inside another query without loading anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from samen.communities.models import Chapter, Collective, Follow, Host, host_of
from samen.communities.queries import _member_ids, collective_admins, host_admins
from samen.conversations.models import Moderator, Owner, owner_fields, owner_kind
from samen.credits.queries import people_in_debt
from samen.decisions.models import Audience, TakingPartRole
from samen.events.models import HOLDS_PLACE, Event, Registration
from samen.funding.models import Campaign
from samen.funding.queries import campaign_backers
from samen.knowledge.models import Concept


@dataclass(frozen=True)
class Segment:
    """An audience with what it needs: the role, the event or the campaign."""

    audience: str
    role: str = ""
    event: Event | None = None
    campaign: Campaign | None = None

    @property
    def key(self) -> str:
        """How a page or the API names it (``members``, ``event-12``, ``role-coaches``)."""
        if self.event is not None:
            return f"event-{self.event.pk}"
        if self.campaign is not None:
            return f"campaign-{self.campaign.pk}"
        return f"role-{self.role}" if self.audience == Audience.ROLE else self.audience

    @property
    def label(self) -> str:
        """The segment in the reader's language, with the event's or campaign's title."""
        if self.event is not None:
            return gettext("The attendees of “%(title)s”") % {"title": self.event.title}
        if self.campaign is not None:
            return gettext("The backers of “%(title)s”") % {"title": self.campaign.title}
        if self.audience == Audience.ROLE and self.role in TakingPartRole.values:
            return gettext("The %(role)s") % {"role": str(TakingPartRole(self.role).label).lower()}
        return str(Audience(self.audience).label)


def of_poll(poll: Any) -> Segment:
    return Segment(poll.audience, poll.role, poll.event, poll.campaign)


def admin_ids(owner: Owner) -> Any:
    if isinstance(owner, Collective):
        return collective_admins(owner).values("pk")
    if isinstance(owner, Host):
        return host_admins(owner).values("pk")
    assert isinstance(owner, Chapter)
    return owner.connectors.values("pk")


def members_of(owner: Owner) -> QuerySet[Any]:
    """Everyone who belongs to ``owner`` (any role; a chapter's members and connectors)."""
    return get_user_model().objects.filter(
        Q(pk__in=_member_ids(owner_kind(owner), owner=owner)) | Q(pk__in=admin_ids(owner)),
        is_active=True,
    )


def _role_ids(owner: Owner, role: str) -> Any:
    if role == TakingPartRole.ADMINS:
        return admin_ids(owner)
    if role == TakingPartRole.MODERATORS:
        return Moderator.objects.filter(**owner_fields(owner)).values("user_id")
    if role == TakingPartRole.COACHES:
        host = host_of(owner)
        coaching = Concept.coaches.through.objects.filter(concept__host=host)
        return coaching.values("user_id") if host else get_user_model().objects.none().values("pk")
    return get_user_model().objects.none().values("pk")


def _ids(owner: Owner, segment: Segment) -> Any:
    """The ids of the people in ``segment`` of ``owner`` (not yet only the active ones)."""
    audience = segment.audience
    if audience == Audience.ADMINS:
        return admin_ids(owner)
    if audience == Audience.ROLE:
        return _role_ids(owner, segment.role)
    if audience == Audience.ATTENDEES:
        return Registration.objects.filter(
            occurrence__event=segment.event, status__in=HOLDS_PLACE
        ).values("user_id")
    if audience == Audience.BACKERS:
        return campaign_backers(segment.campaign).order_by().values("contributor_id")  # type: ignore[arg-type]
    if audience == Audience.FOLLOWERS:
        return Follow.objects.filter(**owner_fields(owner)).values("user_id")
    if audience == Audience.DEBTORS:
        host = host_of(owner)
        return members_of(owner).filter(pk__in=people_in_debt(host) if host else []).values("pk")
    return members_of(owner).values("pk")


def people(owner: Owner, segment: Segment) -> QuerySet[Any]:
    """The active people in ``segment`` of ``owner``: the members for an open network
    poll (who may take part is then anyone, but its quorum and reminders concern them)."""
    if segment.audience in (Audience.MEMBERS, Audience.SIGNED_IN):
        return members_of(owner)
    return get_user_model().objects.filter(pk__in=_ids(owner, segment), is_active=True)


def choices(owner: Owner) -> list[Segment]:
    """The segments a community's survey results can be filtered by: its members, admins,
    moderators, coaches, members in debt and followers, the attendees of each of its
    events and the backers of each of its campaigns (newest first, 30 at most each)."""
    found = [Segment(Audience.MEMBERS), Segment(Audience.ADMINS)]
    found += [Segment(Audience.ROLE, role) for role in
              (TakingPartRole.MODERATORS, TakingPartRole.COACHES)]  # fmt: skip
    found += [Segment(Audience.DEBTORS), Segment(Audience.FOLLOWERS)]
    events = Event.objects.filter(**owner_fields(owner)).order_by("-id")[:30]
    found += [Segment(Audience.ATTENDEES, event=event) for event in events]
    if isinstance(owner, Collective):
        campaigns = Campaign.objects.filter(collective=owner).order_by("-id")[:30]
        found += [Segment(Audience.BACKERS, campaign=campaign) for campaign in campaigns]
    return found


def parse(owner: Owner, key: str) -> Segment | None:
    """The segment a page or the API names by ``key`` (see ``Segment.key``), when it is
    one of ``owner``'s; None otherwise (an event or campaign of another community too)."""
    key = (key or "").strip()
    kind, _dash, rest = key.partition("-")
    # An id a database column can hold: "²" or twenty digits name nothing, never a 500.
    is_id = rest.isascii() and rest.isdigit() and len(rest) <= 9
    if kind == "event" and is_id:
        event = Event.objects.filter(pk=int(rest), **owner_fields(owner)).first()
        return Segment(Audience.ATTENDEES, event=event) if event else None
    if kind == "campaign" and is_id and isinstance(owner, Collective):
        campaign = Campaign.objects.filter(pk=int(rest), collective=owner).first()
        return Segment(Audience.BACKERS, campaign=campaign) if campaign else None
    if kind == "role" and rest in TakingPartRole.values:
        return Segment(Audience.ROLE, rest)
    simple = (Audience.MEMBERS, Audience.ADMINS, Audience.DEBTORS, Audience.FOLLOWERS)
    return Segment(key) if key in simple else None
