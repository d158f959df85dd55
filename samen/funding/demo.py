"""Demo money in: the brewery's running pre-sale with limited rewards, the mushroom farm's
funded campaign, monthly supporters and one pledge still waiting for its bank transfer.

Runs after the communities and ledger seeds; idempotent: each step first looks for what it
would create (campaign by collective and slug, contributions by campaign and supporter).
Everything goes through the actions, so the ledger and the audit log read like real use;
only the funded campaign's deadline is moved into the past, as time would have done.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from samen.accounts.demo import person
from samen.communities.demo import collective_tone
from samen.communities.models import Collective
from samen.core.demo_pictures import demo_banner
from samen.funding import actions
from samen.funding.actions.campaigns import CAMPAIGN_IMAGE_SIZE
from samen.funding.models import (
    Campaign,
    CampaignModel,
    CampaignStatus,
    Contribution,
    ContributionStatus,
    Interval,
    Method,
    Reward,
)

BREWERY = "brasserie-zinneke"
MUSHROOMS = "champignons-de-forest"
REPAIR = "repair-cafe-sint-gillis"

PRESALE_STORY = """\
Our first **saison** is ready to brew, but the fermentation tanks are not paid yet.
Pre-order your beer now: if we reach the goal, we order the tanks and brew in spring.
If we do not, everybody gets their money back.
"""

PRESALE_TEXTS = {
    "en": {
        "title": "Pre-sale: our first saison",
        "summary": "Pre-order a crate and we buy the fermentation tanks.",
        "story": PRESALE_STORY,
    },
    "nl": {
        "title": "Voorverkoop: onze eerste saison",
        "summary": "Bestel vooraf een bak en wij kopen de gistingstanks.",
        "story": """\
Onze eerste **saison** staat klaar om gebrouwen te worden, maar de gistingstanks zijn nog
niet betaald. Bestel nu je bier: halen we het doel, dan bestellen we de tanks en brouwen we
in de lente. Halen we het niet, dan krijgt iedereen zijn geld terug.
""",
    },
    "fr": {
        "title": "Prévente : notre première saison",
        "summary": "Précommandez un casier et nous achetons les cuves de fermentation.",
        "story": """\
Notre première **saison** est prête à être brassée, mais les cuves de fermentation ne sont
pas encore payées. Précommandez votre bière : si nous atteignons l'objectif, nous commandons
les cuves et brassons au printemps. Sinon, chacun est remboursé.
""",
    },
}

# The rewards of the pre-sale: price, quantity, then title and description per language.
PRESALE_REWARDS: list[tuple[int, int, dict[str, tuple[str, str]]]] = [
    (
        45_00,
        150,
        {
            "en": ("A crate of 24 saison", "Collected at the brewery in spring."),
            "nl": ("Een bak van 24 saison", "Af te halen in de brouwerij in de lente."),
            "fr": ("Un casier de 24 saison", "À retirer à la brasserie au printemps."),
        },
    ),
    (
        150_00,
        6,
        {
            "en": ("Brewer for a day", "Brew a batch with us, lunch included."),
            "nl": ("Een dag brouwer", "Brouw een brouwsel met ons, lunch inbegrepen."),
            "fr": ("Brasseur d'un jour", "Brassez un brassin avec nous, déjeuner compris."),
        },
    ),
    (
        250_00,
        10,
        {
            "en": ("Your name on the tank", "Painted on a fermentation tank, forever."),
            "nl": ("Je naam op de tank", "Voor altijd op een gistingstank geschilderd."),
            "fr": ("Votre nom sur la cuve", "Peint sur une cuve de fermentation, pour toujours."),
        },
    ),
]


def _per_language(texts: dict[str, dict[str, str]]) -> dict[str, str]:
    """``{"nl": {"story": ...}}`` as the ``story_nl`` keyword arguments of an action."""
    return {
        f"{name}_{language}": text
        for language, by_name in texts.items()
        for name, text in by_name.items()
    }


CELLAR_STORY = """\
We grow oyster mushrooms on coffee grounds from twenty cafés in Forest. A second cellar
doubles the harvest and gives two neighbours a job.
"""


def seed() -> None:
    brewery = Collective.objects.filter(slug=BREWERY).first()
    mushrooms = Collective.objects.filter(slug=MUSHROOMS).first()
    if brewery is None or mushrooms is None or not brewery.host_id:
        return
    _brewery_presale(brewery)
    _funded_cellar(mushrooms)
    _monthly_supporters()


def _picture(campaign: Campaign, admin: Any) -> None:
    """A generated picture (the collective's colour and name) for a campaign without one."""
    if campaign.image:
        return
    collective = campaign.collective
    image = demo_banner(
        f"{collective.slug}/{campaign.slug}",
        CAMPAIGN_IMAGE_SIZE,
        label=collective.name,
        tone=collective_tone(collective.slug),
    )
    actions.campaign_image_set(actor=admin, campaign=campaign, image=image)


def _pledge(
    campaign: Campaign,
    *,
    who: Any = None,
    guest: tuple[str, str] | None = None,
    reward: Reward | None = None,
    amount: int | None = None,
    paid: bool = True,
    incognito: bool = False,
    message: str = "",
) -> Contribution:
    existing = Contribution.objects.filter(
        campaign=campaign,
        contributor=who,
        guest_email=guest[1] if guest else "",
        method=Method.BANK_TRANSFER,
    ).first()
    contribution = existing or actions.contribution_start(
        actor=who,
        collective=campaign.collective,
        campaign=campaign,
        reward=reward,
        amount=amount,
        method=Method.BANK_TRANSFER,
        guest_name=guest[0] if guest else "",
        guest_email=guest[1] if guest else "",
        is_incognito=incognito,
        message=message,
        language=who.language if who else "nl",
    )
    if paid and contribution.status == ContributionStatus.PENDING:
        contribution = actions.contribution_mark_paid(actor=None, contribution=contribution)
    return contribution


def _brewery_presale(brewery: Collective) -> None:
    bram = person("bram@samen.test")
    existing = Campaign.objects.filter(collective=brewery, slug="first-saison").first()
    campaign = existing or actions.campaign_create(
        actor=bram,
        collective=brewery,
        slug="first-saison",
        goal_amount=15_000_00,
        model=CampaignModel.ALL_OR_NOTHING,
        deadline=timezone.now() + timedelta(days=24),
        title=PRESALE_TEXTS["en"]["title"],
        summary=PRESALE_TEXTS["en"]["summary"],
        story=PRESALE_STORY,
        translations=_per_language(PRESALE_TEXTS),
    )
    _picture(campaign, bram)
    rewards = [
        actions.reward_save(
            actor=bram,
            campaign=campaign,
            title=texts["en"][0],
            price=price,
            quantity=quantity,
            description=texts["en"][1],
            position=n,
            estimated_delivery=timezone.localdate() + timedelta(days=120),
            translations=_per_language(
                {
                    language: {"title": title, "description": text}
                    for language, (title, text) in texts.items()
                }
            ),
        )
        for n, (price, quantity, texts) in enumerate(PRESALE_REWARDS)
    ]
    if existing is None:
        actions.matching_pledge_add(
            actor=person("anna@samen.test"),
            campaign=campaign,
            sponsor_name="Fonds Anderlecht Durable",
            factor=Decimal("1.00"),
            cap_per_donation=50_00,
            total_cap=2_000_00,
        )
        actions.campaign_update_publish(
            actor=bram,
            campaign=campaign,
            title="The recipe is final",
            body="After six test batches the saison has its hops: **Saaz and a little Citra**.",
        )
    _pledge(campaign, who=person("dries@samen.test"), reward=rewards[0], message="Santé!")
    _pledge(campaign, who=person("ilias@samen.test"), reward=rewards[1])
    _pledge(campaign, who=person("lotte@samen.test"), reward=rewards[2], incognito=True)
    _pledge(campaign, guest=("Marie Dupont", "marie.dupont@example.org"), reward=rewards[0])
    _pledge(
        campaign,
        guest=("Café De Kroon", "kroon@example.org"),
        reward=rewards[0],
        amount=90_00,
        message="Two crates for the café.",
    )
    # Promised, not paid yet: it waits for the host's next bank statement.
    _pledge(campaign, guest=("Tom Jacobs", "tom.jacobs@example.org"), reward=rewards[0], paid=False)


def _funded_cellar(mushrooms: Collective) -> None:
    gilles = person("gilles@samen.test")
    campaign = Campaign.objects.filter(collective=mushrooms, slug="second-cellar").first()
    if campaign is None:
        campaign = actions.campaign_create(
            actor=gilles,
            collective=mushrooms,
            title="A second mushroom cellar",
            slug="second-cellar",
            summary="Double the harvest, two new jobs.",
            story=CELLAR_STORY,
            goal_amount=3_000_00,
            model=CampaignModel.ALL_OR_NOTHING,
            deadline=timezone.now() + timedelta(days=1),
            starts_at=timezone.now() - timedelta(days=40),
        )
    _picture(campaign, gilles)
    if campaign.status != CampaignStatus.RUNNING:
        return
    basket = actions.reward_save(
        actor=gilles,
        campaign=campaign,
        title="A basket a month",
        price=60_00,
        quantity=40,
        description="Fresh oyster mushrooms for three months.",
    )
    for email in (
        "dries@samen.test",
        "chloe@samen.test",
        "hanne@samen.test",
        "karim@samen.test",
        "jana@samen.test",
    ):
        _pledge(campaign, who=person(email), reward=basket)
    _pledge(
        campaign,
        guest=("Restaurant Le Forestois", "chef@example.org"),
        amount=2_800_00,
        message="For the risotto.",
    )
    # Time passes: the deadline is behind us, so the scheduler's settlement runs now.
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(hours=1))
    campaign.refresh_from_db()
    actions.campaign_settle(actor=None, campaign=campaign)


def _monthly_supporters() -> None:
    for email, slug, amount, interval in (
        ("dries@samen.test", BREWERY, 10_00, Interval.MONTHLY),
        ("ilias@samen.test", BREWERY, 5_00, Interval.MONTHLY),
        ("hanne@samen.test", REPAIR, 15_00, Interval.MONTHLY),
        ("lotte@samen.test", MUSHROOMS, 60_00, Interval.YEARLY),
    ):
        collective = Collective.objects.filter(slug=slug, host__isnull=False).first()
        if collective is None:
            continue
        who = person(email)
        first = Contribution.objects.filter(
            collective=collective, contributor=who, recurring__isnull=False
        ).first()
        if first is None:
            first = actions.contribution_start(
                actor=who,
                collective=collective,
                method=Method.BANK_TRANSFER,
                amount=amount,
                interval=interval,
                language=who.language,
            )
        if first.status == ContributionStatus.PENDING:
            actions.contribution_mark_paid(actor=None, contribution=first)
