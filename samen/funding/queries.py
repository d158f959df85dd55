"""Reads for the funding pages and API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.banking.epc import Transfer
from samen.banking.matching import LineNote, explain_lines
from samen.banking.sepa import Payment
from samen.communities.models import Collective, Host
from samen.funding.models import (
    BankLine,
    BankStatement,
    Campaign,
    CampaignStatus,
    CampaignUpdate,
    Contribution,
    ContributionStatus,
    GoalType,
    LineStatus,
    Method,
    RecurringContribution,
    RecurringStatus,
    Reward,
    Tier,
)


@dataclass(frozen=True)
class Progress:
    """A campaign's figures for its card and page. ``days_left`` counts calendar days in the
    site's time zone (Europe/Brussels) up to the deadline's date: 0 on the last day."""

    raised: int
    goal: int
    backers: int
    percent: int
    days_left: int
    is_open: bool
    goal_is_money: bool
    has_ended: bool

    @property
    def bar(self) -> int:
        """The width of the progress bar in percent: a campaign past its goal fills it."""
        return min(self.percent, 100)


def campaign_progress(campaign: Campaign, now: datetime | None = None) -> Progress:
    """Money raised (or pre-orders), backers and time left, in one query."""
    return campaigns_progress([campaign], now)[campaign.pk]


def campaigns_progress(
    campaigns: Sequence[Campaign], now: datetime | None = None
) -> dict[int, Progress]:
    """The progress of each campaign by id, in one query whatever their number (a list of
    campaign cards)."""
    now = now or timezone.now()
    totals = {
        row["campaign"]: row
        for row in Contribution.objects.filter(
            campaign__in=[campaign.pk for campaign in campaigns], status=ContributionStatus.PAID
        )
        .values("campaign")
        .annotate(
            raised=Sum("amount"),
            backers=Count("pk", filter=~Q(method=Method.MATCHING)),
            preorders=Count("pk", filter=Q(reward__isnull=False)),
        )
        .order_by()
    }
    return {
        campaign.pk: _progress(campaign, totals.get(campaign.pk, {}), now) for campaign in campaigns
    }


def _progress(campaign: Campaign, totals: dict[str, Any], now: datetime) -> Progress:
    goal_is_money = campaign.goal_type == GoalType.MONEY
    raised = int(totals.get("raised") or 0) if goal_is_money else int(totals.get("preorders") or 0)
    goal = campaign.goal_amount if goal_is_money else campaign.goal_count
    is_open = campaign.status == CampaignStatus.RUNNING and campaign.starts_at <= now
    is_open = is_open and now < campaign.deadline
    days = (timezone.localdate(campaign.deadline) - timezone.localdate(now)).days
    return Progress(
        raised=raised,
        goal=goal,
        backers=int(totals.get("backers") or 0),
        percent=raised * 100 // goal if goal else 0,
        days_left=max(0, days) if is_open else 0,
        is_open=is_open,
        goal_is_money=goal_is_money,
        has_ended=now >= campaign.deadline
        or campaign.status in (CampaignStatus.SUCCEEDED, CampaignStatus.FAILED),
    )


def running_campaigns(limit: int = 6, now: datetime | None = None) -> list[Campaign]:
    """Campaigns open for backing now, the nearest deadline first, with their collective
    (public: a running campaign is visible to everyone, as its page is)."""
    now = now or timezone.now()
    return list(
        Campaign.objects.filter(status=CampaignStatus.RUNNING, starts_at__lte=now, deadline__gt=now)
        .select_related("collective")
        .order_by("deadline", "pk")[:limit]
    )


def rewards_with_remaining(campaign: Campaign) -> list[Any]:
    """The campaign's rewards, each with ``remaining`` (None when unlimited), in one query."""
    now = timezone.now()
    holding = (
        Q(contributions__status=ContributionStatus.PAID)
        | Q(
            contributions__status=ContributionStatus.PENDING, contributions__hold_until__isnull=True
        )
        | Q(contributions__status=ContributionStatus.PENDING, contributions__hold_until__gt=now)
    )
    rewards: list[Any] = list(
        Reward.objects.filter(campaign=campaign).annotate(
            claimed=Count("contributions", filter=holding)
        )
    )
    for reward in rewards:
        reward.remaining = (
            None if reward.quantity is None else max(0, reward.quantity - reward.claimed)
        )
    return rewards


def campaign_backers(campaign: Campaign) -> QuerySet[Contribution]:
    """Paid backers, newest first; the template shows incognito ones as "Anonymous"."""
    return (
        Contribution.objects.filter(campaign=campaign, status=ContributionStatus.PAID)
        .exclude(method=Method.MATCHING)
        .select_related("contributor", "reward")
        .order_by("-paid_at", "-pk")
    )


def campaign_backer_contacts(campaign: Campaign) -> list[tuple[str, str]]:
    """(e-mail, language) of every paying backer, once each."""
    seen: dict[str, str] = {}
    for contribution in campaign_backers(campaign):
        email = contribution.email
        if email and email not in seen:
            language = (
                contribution.contributor.language
                if contribution.contributor
                else contribution.language
            )
            seen[email] = language or "en"
    return list(seen.items())


def campaigns_of(collective: Collective) -> QuerySet[Campaign]:
    """A collective's campaigns but drafts, with the collective their cards name."""
    return (
        Campaign.objects.filter(collective=collective)
        .exclude(status=CampaignStatus.DRAFT)
        .select_related("collective")
    )


def active_tiers(collective: Collective) -> QuerySet[Tier]:
    """The tiers a supporter may choose, in their order on the contribute page."""
    return Tier.objects.filter(collective=collective, is_active=True)


def campaign_updates(campaign: Campaign) -> QuerySet[CampaignUpdate]:
    """A campaign's published updates, newest first (public like the campaign page)."""
    return campaign.updates.all()


def fulfilment_rows(campaign: Campaign) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(
            campaign=campaign, status=ContributionStatus.PAID, reward__isnull=False
        )
        .select_related("contributor", "reward")
        .order_by("reward__position", "reward__pk", "paid_at", "pk")
    )


def collective_contributions(collective: Collective) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(collective=collective)
        .select_related("contributor", "campaign", "reward")
        .order_by("-created_at", "-pk")
    )


def public_supporters(collective: Collective) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(collective=collective, status=ContributionStatus.PAID)
        .select_related("contributor")
        .order_by("-paid_at", "-pk")
    )


DEFAULT_SUGGESTIONS = (1000, 2500, 5000)


def suggested_amounts(tiers: Sequence[Any], minimum: int) -> list[int]:
    """Up to three amounts (cents, whole euros) to pick with one tap on the contribute form:
    the collective's own tier prices when it has them, else 10, 25 and 50 euros; never
    below the minimum gift."""
    prices = sorted({t.amount for t in tiers if t.amount and t.amount % 100 == 0})
    picks = [a for a in (prices or DEFAULT_SUGGESTIONS) if a >= minimum][:3]
    return picks or [(minimum + 99) // 100 * 100]  # the minimum, rounded up to a euro


def recent_supporters(collective: Collective, limit: int = 8) -> list[str]:
    """The names of the latest supporters, each once (a monthly donor gives twelve times a
    year), newest first; anonymous gifts count as one "Anonymous" at most."""
    names: list[str] = []
    for contribution in public_supporters(collective)[: limit * 6]:
        name = contribution.supporter_name or str(_("Anonymous"))
        if name not in names:
            names.append(name)
        if len(names) == limit:
            break
    return names


def unmatched_lines(host: Host) -> QuerySet[BankLine]:
    """Lines a host admin should look at: unmatched ones, and those held as possible
    duplicates of a line of an earlier statement (with that line)."""
    return (
        BankLine.objects.filter(host=host, status__in=[LineStatus.UNMATCHED, LineStatus.HELD])
        .select_related("duplicate_of__statement")
        .order_by("-booking_date", "-pk")
    )


def gift_choices(host: Host) -> list[tuple[int, str]]:
    """The collectives a bank line of ``host`` can be booked to as a gift: its own, not
    frozen. One query."""
    return list(
        Collective.objects.filter(host=host, is_frozen=False)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def statements_of(host: Host) -> QuerySet[BankStatement]:
    return BankStatement.objects.filter(host=host).select_related("imported_by")


def _words(text: str) -> set[str]:
    return {
        w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split() if len(w) >= 3
    }


def suggestion_candidates(host_id: int) -> list[Contribution]:
    """The host's unpaid bank transfers (the newest 500), fetched once per page."""
    return list(
        Contribution.objects.filter(
            collective__host_id=host_id,
            method=Method.BANK_TRANSFER,
            status__in=[ContributionStatus.PENDING, ContributionStatus.CANCELLED],
        )
        .select_related("collective", "contributor", "campaign")
        .order_by("-created_at")[:500]
    )


def lines_with_suggestions(
    host: Host, limit: int = 100
) -> list[tuple[BankLine, list[Contribution], list[LineNote]]]:
    """Unmatched lines with their suggestions and the other apps' notes on them, in a
    fixed number of queries whatever the number of lines."""
    lines = list(unmatched_lines(host)[:limit])
    candidates = suggestion_candidates(host.pk) if lines else []
    notes = explain_lines(lines) if lines else {}
    return [
        (line, suggestions_for(line, candidates=candidates), notes.get(line.pk, []))
        for line in lines
    ]


def suggestions_for(
    line: BankLine, limit: int = 5, candidates: list[Contribution] | None = None
) -> list[Contribution]:
    """Pending bank transfers of the host that this incoming line may pay.

    Scored by the same amount, a shared word between the payer's name and the supporter's,
    and a structured communication that differs in at most two digits (a typing mistake).
    """
    if line.amount <= 0:
        return []
    if candidates is None:
        candidates = suggestion_candidates(line.host_id)
    payer = _words(line.counterparty_name)
    typed = line.structured_communication or "".join(c for c in line.communication if c.isdigit())
    scored: list[tuple[int, Any]] = []
    for contribution in candidates:
        score = 0
        if contribution.amount == line.amount:
            score += 3
        names = " ".join(
            filter(
                None,
                [
                    contribution.guest_name,
                    contribution.organisation_name,
                    contribution.contributor.display_name if contribution.contributor else "",
                ],
            )
        )
        if payer & _words(names):
            score += 2
        ours = contribution.structured_communication or ""
        if len(typed) == 12 and sum(a != b for a, b in zip(typed, ours, strict=False)) <= 2:
            score += 2
        if score >= 2:
            scored.append((score, contribution))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [c for _, c in scored[:limit]]


def refunds_to_execute(host: Host) -> QuerySet[Contribution]:
    """Bank-transfer refunds the host still has to pay out (its SEPA refund list)."""
    return (
        Contribution.objects.filter(
            collective__host=host,
            method=Method.BANK_TRANSFER,
            status=ContributionStatus.REFUNDED,
            refund_executed_at__isnull=True,
        )
        .select_related("collective", "contributor", "bank_line")
        .order_by("refunded_at", "pk")
    )


def my_contributions(user: Any) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(contributor=user)
        .select_related("collective", "campaign", "reward")
        .order_by("-created_at", "-pk")
    )


def collective_recurring(collective: Collective) -> QuerySet[RecurringContribution]:
    """The regular gifts still running or paused, for the collective's and host's admins."""
    return (
        RecurringContribution.objects.filter(collective=collective)
        .exclude(status=RecurringStatus.CANCELLED)
        .select_related("contributor")
        .order_by("-created_at", "-pk")
    )


def my_recurring(user: Any) -> QuerySet[RecurringContribution]:
    return RecurringContribution.objects.filter(contributor=user).select_related("collective")


def contribution_transfer(contribution: Contribution) -> Transfer:
    """The bank transfer that pays ``contribution``: to its host, with its communication."""
    host = contribution.collective.host
    return Transfer(
        name=(host.legal_name or host.name) if host else "",
        iban=host.iban if host else "",
        amount_cents=contribution.amount if contribution.structured_communication else 0,
        reference=contribution.structured_communication or "",
        bic=host.bic if host else "",
    )


def refund_payments(refunds: Sequence[Contribution]) -> list[Payment]:
    """The transfers that pay back the refunds whose payer's IBAN is known (others are paid
    by hand)."""
    return [
        Payment(
            name=(r.bank_line.counterparty_name if r.bank_line else "") or r.private_name,
            iban=r.refund_iban,
            amount_cents=r.amount,
            description=f"Refund {r.formatted_communication}",
            end_to_end_id=f"SAMEN-REFUND-{r.pk}",
        )
        for r in refunds
        if r.refund_iban
    ]


def sale_documents(contribution: Contribution) -> dict[str, Any]:
    """A purchase's receipt or invoice and its refund's credit note (``invoicing.Document``,
    None when not issued): what the contribution page and the receipt name."""
    from samen.invoicing.models import Document

    ids = [i for i in (contribution.sale_document_id, contribution.sale_credit_note_id) if i]
    found = {d.pk: d for d in Document.objects.filter(pk__in=ids)} if ids else {}
    return {
        "sale": found.get(contribution.sale_document_id or 0),
        "sale_credit_note": found.get(contribution.sale_credit_note_id or 0),
    }
