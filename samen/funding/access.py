"""Turning ids from a request into funding objects the person may see or change.

Campaigns and paid, public contributions are visible to everyone; a contribution's own page
is reached through its unguessable token (guests have no account); bank lines and refund
lists belong to the host's finance people.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from samen.communities.access import Need, access_collective, access_host, can
from samen.funding.models import (
    BankLine,
    Campaign,
    CampaignStatus,
    CampaignUpdate,
    Contribution,
    RecurringContribution,
)


def access_campaign(
    user: Any, collective_slug: str, campaign_slug: str, need: Need | str = Need.VIEW
) -> Campaign:
    """A campaign; drafts only for the collective's admins."""
    collective = access_collective(user, collective_slug, Need.VIEW)
    campaign = (
        Campaign.objects.select_related("collective__host")
        .filter(collective=collective, slug=campaign_slug)
        .first()
    )
    if campaign is None:
        raise Http404
    if campaign.status == CampaignStatus.DRAFT and not can(user, Need.ADMIN, collective):
        raise Http404
    if need != Need.VIEW and not can(user, need, collective):
        raise PermissionDenied
    return campaign


def can_read_update(user: Any, update: CampaignUpdate) -> bool:
    """A campaign update (and its comments) is read by whoever may see its campaign."""
    campaign = update.campaign
    if not can(user, Need.VIEW, campaign.collective):
        return False
    return campaign.status != CampaignStatus.DRAFT or can(user, Need.ADMIN, campaign.collective)


def can_switch_update_comments(user: Any, update: CampaignUpdate) -> bool:
    """The update's author (and the collective's admins, who post updates) switch its
    comments on or off."""
    if not getattr(user, "is_authenticated", False):
        return False
    return update.author_id == user.pk or can(user, Need.ADMIN, update.campaign.collective)


def access_campaign_update(user: Any, pk: int, *, switch: bool = False) -> CampaignUpdate:
    """A campaign update for its readers (404 for others); ``switch`` for its author's
    side (403 for other readers)."""
    update = (
        CampaignUpdate.objects.select_related("campaign__collective__host", "author")
        .filter(pk=pk)
        .first()
    )
    if update is None or not can_read_update(user, update):
        raise Http404
    if switch and not can_switch_update_comments(user, update):
        raise PermissionDenied
    return update


def register_comments() -> None:
    """Campaign updates take comments through the shared conversations machinery, as news
    posts and events do (one model of posts: moderation, reports, reactions, search and
    notifications come with it)."""
    from django.urls import reverse

    from samen.conversations.access import CommentTarget, register_comment_target

    register_comment_target(
        CampaignUpdate,
        CommentTarget(
            can_see=can_read_update,
            can_switch=can_switch_update_comments,
            owner=lambda update: update.campaign.collective,
            comment_url=lambda update: reverse("funding:update_comment", args=[update.pk]),
            switch_url=lambda update: reverse("funding:update_comments_switch", args=[update.pk]),
        ),
    )


def access_contribution(user: Any, token: str | UUID, need: Need | str = Need.VIEW) -> Contribution:
    """A contribution by its token: the token is the key for VIEW (the supporter's page);
    anything more needs that role on the collective (FINANCE for refunds)."""
    try:
        token = UUID(str(token))
    except ValueError:
        raise Http404 from None
    contribution = (
        Contribution.objects.select_related(
            "collective__host", "contributor", "campaign", "reward", "recurring"
        )
        .filter(token=token)
        .first()
    )
    if contribution is None:
        raise Http404
    if need != Need.VIEW and not can(user, need, contribution.collective):
        raise PermissionDenied
    return contribution


def access_bank_line(user: Any, host_slug: str, pk: int) -> BankLine:
    """An imported bank line; host admins only (it holds a private IBAN)."""
    host = access_host(user, host_slug, Need.HOST_ADMIN)
    line = BankLine.objects.filter(host=host, pk=pk).first()
    if line is None:
        raise Http404
    return line


def access_recurring(user: Any, pk: int) -> RecurringContribution:
    """A recurring gift: its supporter, or the collective's and host's admins."""
    recurring = (
        RecurringContribution.objects.select_related("collective__host").filter(pk=pk).first()
    )
    if recurring is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if recurring.contributor_id == user.pk:
        return recurring
    if can(user, Need.ADMIN, recurring.collective) or can(
        user, Need.HOST_ADMIN, recurring.collective
    ):
        return recurring
    raise Http404
