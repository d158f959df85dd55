"""Campaigns: crowdfunding, rewards, updates, matchfunding and settlement."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.audit.actions import audit_record
from samen.communities.models import Collective
from samen.funding import notify
from samen.funding.actions._common import _is_collective_admin, _is_host_admin, _signed_in
from samen.funding.actions.contributions import contribution_mark_paid
from samen.funding.actions.refunds import contribution_refund
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    Campaign,
    CampaignModel,
    CampaignStatus,
    CampaignUpdate,
    Contribution,
    ContributionStatus,
    GoalType,
    MatchingPledge,
    Method,
    Reward,
    RewardKind,
    VatRate,
)
from samen.ledger.actions import account_for, ledger_post
from samen.ledger.models import AccountPurpose, TransactionKind, Unit
from samen.lib.money import AmountKind, check_amount

CAMPAIGN_IMAGE_SIZE = (1600, 900)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    collective: Collective,
    title: str,
    slug: str,
    deadline: Any,
    goal_type: str = GoalType.MONEY,
    goal_amount: int = 0,
    goal_count: int = 0,
    model: str = CampaignModel.ALL_OR_NOTHING,
    summary: str = "",
    story: str = "",
    video_url: str = "",
    starts_at: Any = None,
    image: Any = None,
    translations: Mapping[str, str] | None = None,
) -> Campaign:
    """A collective admin opens a crowdfunding campaign; its address is unique per collective.

    ``translations`` holds its texts per language (``story_fr``, ...).

    ``image`` is an upload; it is decoded, shrunk and re-encoded (no EXIF) before it is kept.
    """
    if not _is_collective_admin(actor, collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    if goal_type == GoalType.MONEY:
        check_amount(goal_amount, 2, kind=AmountKind.GOAL, allow_zero=True)
    if not collective.can_receive_money:
        raise FundingError(FundingErrorCode.NOT_HOSTED)
    starts_at = starts_at or timezone.now()
    if deadline <= starts_at:
        raise FundingError(FundingErrorCode.WRONG_STATE, _("The deadline must be in the future."))
    if Campaign.objects.filter(collective=collective, slug=slug).exists():
        raise FundingError(FundingErrorCode.SLUG_TAKEN)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                collective=collective,
                slug=slug,
                title=title,
                summary=summary,
                story=story,
                video_url=video_url,
                goal_type=goal_type,
                goal_amount=goal_amount,
                goal_count=goal_count,
                model=model,
                starts_at=starts_at,
                deadline=deadline,
                **(translations or {}),
            )
    except IntegrityError as exc:  # the same address created at the same moment
        raise FundingError(FundingErrorCode.SLUG_TAKEN) from exc
    if image is not None:
        _store_image(campaign, image)
    audit_record(
        actor=actor,
        action="funding.campaign_create",
        target=campaign,
        host=collective.host,
        data={"goal_amount": goal_amount, "model": model},
    )
    return campaign


def _store_image(campaign: Campaign, image: IO[bytes]) -> None:
    """Keep ``image`` as the campaign's picture, shrunk and re-encoded without metadata by the
    one loader that logos and covers go through."""
    from samen.communities.errors import CommunityError
    from samen.communities.validation import process_image

    try:
        campaign.image = process_image(image, size=CAMPAIGN_IMAGE_SIZE, name="image")
    except CommunityError as exc:
        raise FundingError(FundingErrorCode.INVALID_IMAGE, exc.message) from exc
    campaign.save(update_fields=["image"])


@transaction.atomic
def campaign_image_set(*, actor: Any, campaign: Campaign, image: IO[bytes]) -> Campaign:
    """A collective admin gives a campaign a new picture (``INVALID_IMAGE`` when the file is
    not an image we accept)."""
    if not _is_collective_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    _store_image(campaign, image)
    audit_record(
        actor=actor,
        action="funding.campaign_image_set",
        target=campaign,
        host=campaign.collective.host,
    )
    return campaign


@transaction.atomic
def reward_save(
    *,
    actor: Any,
    campaign: Campaign,
    title: str,
    price: int,
    description: str = "",
    quantity: int | None = None,
    estimated_delivery: date | None = None,
    position: int = 0,
    kind: str = RewardKind.GIFT,
    vat_rate: int | None = None,
    translations: Mapping[str, str] | None = None,
) -> Reward:
    """A collective admin adds (or updates, by title) a reward, with its texts per language in
    ``translations`` (``title_fr``, ...).

    A product or a ticket is sold: it needs a VAT rate (21, 12, 6 or 0 %, included in its
    price); a thank-you for a gift has none (``VAT_RATE_REQUIRED`` otherwise)."""
    if not _is_collective_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    check_amount(price, 2, kind=AmountKind.PRICE)
    kind = RewardKind(kind)
    if (kind == RewardKind.GIFT) != (vat_rate is None) or (
        vat_rate is not None and vat_rate not in VatRate.values
    ):
        raise FundingError(FundingErrorCode.VAT_RATE_REQUIRED)
    reward, _created = Reward.objects.update_or_create(
        campaign=campaign,
        title=title,
        defaults={
            "price": price,
            "description": description,
            "quantity": quantity,
            "estimated_delivery": estimated_delivery,
            "position": position,
            "kind": kind,
            "vat_rate": vat_rate,
            **(translations or {}),
        },
    )
    audit_record(
        actor=actor,
        action="funding.reward_save",
        target=reward,
        host=campaign.collective.host,
        data={"price": price, "quantity": quantity, "kind": kind, "vat_rate": vat_rate},
    )
    return reward


@transaction.atomic
def campaign_update_publish(
    *,
    actor: Any,
    campaign: Campaign,
    title: str,
    body: str,
    translations: Mapping[str, str] | None = None,
) -> CampaignUpdate:
    """The team posts news (its texts per language in ``translations``); every backer gets
    it by e-mail."""
    if not _is_collective_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    update = CampaignUpdate.objects.create(
        campaign=campaign,
        title=title.strip()[:140],
        body=body,
        author=actor,
        **(translations or {}),
    )
    audit_record(
        actor=actor, action="funding.campaign_update", target=update, host=campaign.collective.host
    )
    notify.campaign_update(update)
    return update


@transaction.atomic
def matching_pledge_add(
    *,
    actor: Any,
    campaign: Campaign,
    sponsor_name: str,
    factor: Decimal,
    total_cap: int,
    cap_per_donation: int | None = None,
) -> MatchingPledge:
    """A host admin records an organisation's promise to multiply donations."""
    if not _is_host_admin(actor, campaign.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    check_amount(total_cap, 2, kind=AmountKind.GOAL)
    if cap_per_donation is not None:
        check_amount(cap_per_donation, 2, kind=AmountKind.CONTRIBUTION)
    pledge = MatchingPledge.objects.create(
        campaign=campaign,
        sponsor_name=sponsor_name,
        factor=factor,
        total_cap=total_cap,
        cap_per_donation=cap_per_donation,
    )
    audit_record(
        actor=actor,
        action="funding.matching_add",
        target=pledge,
        host=campaign.collective.host,
        data={"factor": str(factor), "cap": total_cap},
    )
    return pledge


def matched_amount(pledge: MatchingPledge) -> int:
    """What ``pledge`` owes for the campaign's paid donations (matchfunding excluded)."""
    total = 0
    paid = Contribution.objects.filter(
        campaign_id=pledge.campaign_id, status=ContributionStatus.PAID
    ).exclude(method=Method.MATCHING)
    for amount in paid.values_list("amount", flat=True):
        share = (Decimal(amount) * pledge.factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if pledge.cap_per_donation is not None:
            share = min(share, Decimal(pledge.cap_per_donation))
        total += int(share)
    return min(total, pledge.total_cap)


def campaign_raised(campaign: Campaign) -> int:
    total = Contribution.objects.filter(
        campaign=campaign, status=ContributionStatus.PAID
    ).aggregate(t=Sum("amount"))["t"]
    return int(total or 0)


def campaign_goal_met(campaign: Campaign) -> bool:
    if campaign.goal_type == GoalType.PREORDERS:
        count = Contribution.objects.filter(
            campaign=campaign, status=ContributionStatus.PAID, reward__isnull=False
        ).count()
        return count >= campaign.goal_count
    pledges = sum(matched_amount(p) for p in campaign.matching.all())
    return campaign_raised(campaign) + pledges >= campaign.goal_amount


def _release_pledges(actor: Any, campaign: Campaign, pledges: QuerySet[Contribution]) -> None:
    """A funded all-or-nothing campaign: its paid pledges, net of fees, move from the
    pledges account to the collective's balance in one transfer."""
    if not campaign.is_all_or_nothing:
        return
    collective = campaign.collective
    net = sum(c.amount - c.host_fee - c.processor_fee for c in pledges)
    if net:
        eur = Unit.eur()
        pledges_account = account_for(
            purpose=AccountPurpose.COLLECTIVE_PLEDGES, unit=eur, collective=collective
        )
        balance = account_for(
            purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=collective
        )
        ledger_post(
            actor=actor if _signed_in(actor) else None,
            kind=TransactionKind.TRANSFER,
            description=f"{campaign.title} reached its goal: pledges released",
            lines=[(pledges_account, -net), (balance, net)],
            idempotency_key=f"funding:campaign:{campaign.pk}:release",
            cause=campaign,
        )
    pledges.update(is_pledge=False)


def _post_matchfunding(actor: Any, campaign: Campaign) -> None:
    """A funded campaign: each sponsor's matching pledge becomes a paid contribution, once."""
    for pledge in campaign.matching.filter(posted_contribution__isnull=True):
        matched = matched_amount(pledge)
        if matched <= 0:
            continue
        contribution = Contribution.objects.create(
            collective=campaign.collective,
            campaign=campaign,
            guest_name=pledge.sponsor_name,
            amount=matched,
            method=Method.MATCHING,
            reason=_("Matchfunding for %(campaign)s") % {"campaign": campaign.title},
        )
        contribution_mark_paid(actor=actor, contribution=contribution)
        pledge.posted_contribution = contribution
        pledge.save(update_fields=["posted_contribution"])


@transaction.atomic
def campaign_settle(*, actor: Any, campaign: Campaign) -> Campaign:
    """After the deadline: funded or not. Idempotent; run by the scheduler.

    Funded: all-or-nothing pledges move from the pledges account to the balance (one
    TRANSFER), matchfunding is posted. Not funded: all-or-nothing pledges are refunded
    (cards through Stripe, bank transfers onto the host's SEPA refund list) and unpaid
    promises are cancelled.
    """
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("collective__host")
        .get(pk=campaign.pk)
    )
    if campaign.status != CampaignStatus.RUNNING:
        return campaign
    if timezone.now() < campaign.deadline:
        raise FundingError(FundingErrorCode.WRONG_STATE, _("The campaign is still running."))
    succeeded = campaign_goal_met(campaign)
    campaign.status = CampaignStatus.SUCCEEDED if succeeded else CampaignStatus.FAILED
    campaign.settled_at = timezone.now()
    campaign.save(update_fields=["status", "settled_at"])
    collective = campaign.collective
    pledges = Contribution.objects.filter(
        campaign=campaign, status=ContributionStatus.PAID, is_pledge=True
    )
    if succeeded:
        _release_pledges(actor, campaign, pledges)
        _post_matchfunding(actor, campaign)
    else:
        if campaign.is_all_or_nothing:
            for contribution in pledges:
                contribution_refund(
                    actor=None,
                    contribution=contribution,
                    reason=_("%(campaign)s did not reach its goal.") % {"campaign": campaign.title},
                )
        Contribution.objects.filter(campaign=campaign, status=ContributionStatus.PENDING).update(
            status=ContributionStatus.CANCELLED, hold_until=None
        )
    audit_record(
        actor=actor,
        action="funding.campaign_settle",
        target=campaign,
        host=collective.host,
        data={"status": campaign.status},
    )
    notify.campaign_settled(campaign)
    return campaign


def campaigns_settle_due() -> int:
    """Settle every running campaign past its deadline; returns how many were settled."""
    count = 0
    due = Campaign.objects.filter(status=CampaignStatus.RUNNING, deadline__lte=timezone.now())
    for campaign in due.order_by("pk"):
        campaign_settle(actor=None, campaign=campaign)
        count += 1
    return count


@transaction.atomic
def reward_mark_delivered(
    *, actor: Any, contribution: Contribution, delivered: bool = True
) -> Contribution:
    """The team marks a backer's reward as delivered (or not yet)."""
    if not _is_collective_admin(actor, contribution.collective):
        raise FundingError(FundingErrorCode.NOT_ALLOWED)
    contribution.delivered_at = timezone.now() if delivered else None
    contribution.save(update_fields=["delivered_at"])
    audit_record(
        actor=actor,
        action="funding.reward_delivered",
        target=contribution,
        host=contribution.collective.host,
        data={"delivered": delivered},
    )
    return contribution
