"""Money in at /api/v1/funding/: campaigns to read, contributions to start and follow,
bank statements for host admins to import."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from samen.api.auth import api_auth
from samen.api.errors import ApiError, ErrorCode
from samen.api.schemas import TRANSLATIONS_HELP, translations_out
from samen.banking.actions import BankFileError, bank_import
from samen.banking.parsers import MAX_STATEMENT_BYTES, STATEMENT_TOO_LARGE
from samen.communities.access import Need, access_collective, access_host
from samen.communities.validation import render_markdown
from samen.conversations.actions import comment_add, comments_switch, comments_topic
from samen.conversations.api import PostOut
from samen.funding import actions, queries
from samen.funding.access import access_campaign, access_campaign_update, access_contribution
from samen.funding.errors import FundingErrorCode
from samen.funding.models import (
    Campaign,
    CampaignUpdate,
    Contribution,
    Interval,
    Method,
    Reward,
    Tier,
)

router = Router(tags=["funding"])


class RewardOut(Schema):
    id: int
    title: str
    description: str
    price: int = Field(description="In cents.")
    quantity: int | None
    remaining: int | None
    estimated_delivery: date | None
    kind: str = Field(description="gift (a thank-you), product or ticket (sold, with VAT).")
    vat_rate: int | None = Field(description="Percent included in the price; sales only.")
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)

    @staticmethod
    def resolve_translations(obj: Reward) -> dict[str, dict[str, Any]]:
        return translations_out(obj)


class CampaignOut(Schema):
    slug: str
    title: str
    summary: str
    story: str = Field(description="Markdown.")
    story_html: str
    model: str
    status: str
    goal_type: str
    goal: int = Field(description="Cents, or a number of pre-orders.")
    raised: int = Field(description="Cents, or a number of pre-orders.")
    percent: int
    backers: int
    days_left: int = Field(
        description="Calendar days in Europe/Brussels up to the deadline's date: 0 on the last "
        "day and once the campaign is over."
    )
    deadline: datetime
    rewards: list[RewardOut]
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)


class TierOut(Schema):
    id: int
    name: str
    description: str
    kind: str
    amount: int = Field(description="In cents; a minimum when amount_is_minimum.")
    amount_is_minimum: bool
    interval: str = Field(description="month, year, one_time, or empty: the supporter chooses.")
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)

    @staticmethod
    def resolve_translations(obj: Tier) -> dict[str, dict[str, Any]]:
        return translations_out(obj)


class CampaignUpdateOut(Schema):
    id: int
    title: str
    body: str = Field(description="Markdown.")
    body_html: str
    published_at: datetime
    translations: dict[str, dict[str, Any]] = Field(description=TRANSLATIONS_HELP)
    comments_enabled: bool
    comments_topic_id: int | None = Field(
        description="Read the comments at /api/v1/talk/topics/{id}; null before the first."
    )

    @staticmethod
    def resolve_body_html(obj: CampaignUpdate) -> str:
        return render_markdown(obj.body)

    @staticmethod
    def resolve_comments_enabled(obj: CampaignUpdate) -> bool:
        topic = comments_topic(obj)
        return topic is None or topic.comments_enabled

    @staticmethod
    def resolve_comments_topic_id(obj: CampaignUpdate) -> int | None:
        topic = comments_topic(obj)
        return topic.pk if topic is not None else None

    @staticmethod
    def resolve_translations(obj: CampaignUpdate) -> dict[str, dict[str, Any]]:
        return translations_out(obj)


class ContributionIn(Schema):
    amount: int | None = Field(
        None, description="In cents; a reward's or tier's price if left out."
    )
    method: Method = Method.BANK_TRANSFER
    interval: Interval = Interval.ONE_TIME
    campaign: str | None = Field(None, description="A campaign's slug.")
    reward: int | None = None
    organisation_name: str = Field("", max_length=140)
    guest_name: str = Field("", max_length=140)
    guest_email: str = Field("", max_length=254)
    is_incognito: bool = False
    message: str = Field("", max_length=500)
    buyer_enterprise_number: str = Field(
        "", max_length=20, description="For a product or a ticket: an invoice, not a receipt."
    )
    buyer_address: str = Field("", max_length=500)


class ContributionOut(Schema):
    token: str
    collective: str
    amount: int = Field(description="In cents.")
    status: str
    method: str
    interval: str
    structured_communication: str = Field(description="+++123/4567/89002+++, bank transfers.")
    iban: str
    host_fee: int
    paid_at: datetime | None
    purchase: bool = Field(description="A product or a ticket bought (with VAT), not a gift.")


class GuestEraseIn(Schema):
    email: str = Field(max_length=254, description="The address the guest gave.")


class GuestErasureOut(Schema):
    contributions: int = Field(description="Contributions that lost the guest's data.")
    ledger_transactions: int = Field(description="Public ledger rows that lost their name.")


class ImportOut(Schema):
    statement_id: int
    already_imported: bool
    new_lines: int
    matched: int
    unmatched: int
    held: int = Field(0, description="Lines held as possible duplicates of earlier ones.")


def _campaign_out(campaign: Campaign) -> dict[str, Any]:
    progress = queries.campaign_progress(campaign)
    rewards: list[Reward] = queries.rewards_with_remaining(campaign)
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "summary": campaign.summary,
        "story": campaign.story,
        "story_html": render_markdown(campaign.story),
        "model": campaign.model,
        "status": campaign.status,
        "goal_type": campaign.goal_type,
        "goal": progress.goal,
        "raised": progress.raised,
        "percent": progress.percent,
        "backers": progress.backers,
        "days_left": progress.days_left,
        "deadline": campaign.deadline,
        "rewards": rewards,
        "translations": translations_out(campaign),
    }


def _contribution_out(contribution: Contribution) -> dict[str, Any]:
    host = contribution.collective.host
    return {
        "token": str(contribution.token),
        "collective": contribution.collective.slug,
        "amount": contribution.amount,
        "status": contribution.status,
        "method": contribution.method,
        "interval": contribution.interval,
        "structured_communication": contribution.formatted_communication,
        "iban": host.iban if host and contribution.method == Method.BANK_TRANSFER else "",
        "host_fee": contribution.host_fee,
        "paid_at": contribution.paid_at,
        "purchase": contribution.is_purchase,
    }


@router.get("/collectives/{slug}/campaigns", response=list[CampaignOut])
def campaign_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    collective = access_collective(request.user, slug)
    return [_campaign_out(c) for c in queries.campaigns_of(collective)]


@router.get("/collectives/{slug}/campaigns/{campaign_slug}", response=CampaignOut)
def campaign_detail(request: HttpRequest, slug: str, campaign_slug: str) -> dict[str, Any]:
    return _campaign_out(access_campaign(request.user, slug, campaign_slug))


@router.get(
    "/collectives/{slug}/tiers",
    response=list[TierOut],
    summary="The ways to give to a collective, in the language asked for",
)
def tier_list(request: HttpRequest, slug: str) -> Any:
    return list(queries.active_tiers(access_collective(request.user, slug)))


class UpdateCommentIn(Schema):
    body: str = Field(..., max_length=20_000)


class UpdateCommentsSwitchIn(Schema):
    enabled: bool


@router.get(
    "/collectives/{slug}/campaigns/{campaign_slug}/updates",
    response=list[CampaignUpdateOut],
    summary="A campaign's updates, newest first, in the language asked for",
)
def campaign_update_list(request: HttpRequest, slug: str, campaign_slug: str) -> Any:
    """Each update with where its comments are (at most the 50 newest)."""
    campaign = access_campaign(request.user, slug, campaign_slug)
    return list(queries.campaign_updates(campaign)[:50])


@router.post(
    "/campaign-updates/{pk}/comments",
    response={201: PostOut},
    auth=api_auth,
    operation_id="funding_update_comment",
)
def update_comment(request: HttpRequest, pk: int, payload: UpdateCommentIn) -> Status:
    """Comment on a campaign update (anyone signed in who may see the campaign; 404
    otherwise). 409 ``comments_off``; 422 ``empty`` or ``too_long``; 429 ``rate_limited``;
    403 ``banned``, ``muted`` or ``suspended``."""
    update = access_campaign_update(request.user, pk)
    return Status(201, comment_add(actor=request.user, target=update, body=payload.body))


@router.put(
    "/campaign-updates/{pk}/comments",
    response=CampaignUpdateOut,
    auth=api_auth,
    operation_id="funding_update_comments_switch",
)
def update_comments_switch(request: HttpRequest, pk: int, payload: UpdateCommentsSwitchIn) -> Any:
    """The update's author (or the collective's admins) switch its comments on or off
    (403 for other readers, 404 for others)."""
    update = access_campaign_update(request.user, pk, switch=True)
    comments_switch(actor=request.user, target=update, enabled=payload.enabled)
    return update


@router.post("/collectives/{slug}/contributions", response={201: ContributionOut})
def contribution_create(request: HttpRequest, slug: str, payload: ContributionIn) -> Status:
    """Start a contribution; a bank transfer answers with its structured communication."""
    collective = access_collective(request.user, slug)
    campaign = None
    reward = None
    if payload.campaign:
        campaign = access_campaign(request.user, slug, payload.campaign)
        if payload.reward is not None:
            reward = campaign.rewards.filter(pk=payload.reward).first()
            if reward is None:
                raise ApiError(422, ErrorCode.INVALID, "Unknown reward.")
    elif payload.reward is not None:
        raise ApiError(422, ErrorCode.INVALID, "A reward belongs to a campaign.")
    if payload.method == Method.STRIPE:
        raise ApiError(
            422,
            FundingErrorCode.METHOD_UNAVAILABLE.value,
            "Card payments start from the web page (Stripe Checkout).",
        )
    contribution = actions.contribution_start(
        actor=request.user,
        collective=collective,
        method=payload.method,
        amount=payload.amount,
        interval=payload.interval,
        campaign=campaign,
        reward=reward,
        organisation_name=payload.organisation_name,
        guest_name=payload.guest_name,
        guest_email=payload.guest_email,
        is_incognito=payload.is_incognito,
        message=payload.message,
        language=translation.get_language() or "en",
        buyer_enterprise_number=payload.buyer_enterprise_number,
        buyer_address=payload.buyer_address,
    )
    return Status(201, _contribution_out(contribution))


@router.get("/contributions/{token}", response=ContributionOut)
def contribution_detail(request: HttpRequest, token: str) -> dict[str, Any]:
    return _contribution_out(access_contribution(request.user, token))


@router.post(
    "/hosts/{slug}/bank-statements", response={201: ImportOut, 200: ImportOut}, auth=api_auth
)
def statement_import(request: HttpRequest, slug: str, file: File[UploadedFile]) -> Status:
    """Import a CODA or camt.053 file; importing the same file again changes nothing."""
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    if (file.size or 0) > MAX_STATEMENT_BYTES:
        raise ApiError(422, ErrorCode.INVALID, str(STATEMENT_TOO_LARGE))
    try:
        result = bank_import(
            actor=request.user, host=host, data=file.read(), filename=file.name or ""
        )
    except BankFileError as error:
        raise ApiError(422, ErrorCode.INVALID, str(error.message)) from error
    body = {
        "statement_id": result.statement.pk,
        "already_imported": result.already_imported,
        "new_lines": len(result.new_lines),
        "matched": result.matched,
        "unmatched": result.unmatched,
        "held": result.held,
    }
    return Status(200 if result.already_imported else 201, body)


@router.post("/hosts/{slug}/guest-erasures", response=GuestErasureOut, auth=api_auth)
def guest_erase(request: HttpRequest, slug: str, payload: GuestEraseIn) -> dict[str, int]:
    """Erase a guest supporter's name, e-mail address and messages from the host's
    contributions and public ledger, on their request (host admins); amounts stay."""
    host = access_host(request.user, slug, Need.HOST_ADMIN)
    result = actions.guest_erase(actor=request.user, host=host, email=payload.email)
    return {
        "contributions": result.contributions,
        "ledger_transactions": result.ledger_transactions,
    }
