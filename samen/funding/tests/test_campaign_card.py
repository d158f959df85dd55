"""The campaign card (templates/components/campaign_card.html) on the pages that list
campaigns: its figures in each language, the days left counted in Brussels, one query for
all the cards."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samen.funding import actions
from samen.funding.models import Campaign
from samen.funding.tests.factories import give_by_bank

pytestmark = pytest.mark.django_db

# Half past midnight in Brussels is still the day before in UTC: counted in UTC, the deadline
# (the evening of the 29th, after the change to summer time) would be three days away.
NOW = "2026-03-27T00:30:00+01:00"
DEADLINE = datetime.fromisoformat("2026-03-29T23:30:00+02:00")

FIGURES = {
    "en": ("€37.34", "of €150.00", "24% funded", "2 backers", "2 days left"),
    "nl": ("37,34 €", "van 150,00 €", "24 % gefinancierd", "2 steuners", "nog 2 dagen"),
    "fr": ("37,34 €", "sur 150,00 €", "24 % financé", "2 contributeurs", "encore 2 jours"),
}
ENDINGS = {
    "en": ("Last day", "Ended"),
    "nl": ("Laatste dag", "Afgelopen"),
    "fr": ("Dernier jour", "Terminée"),
}


def _campaign(community: Any, slug: str = "brew-one", title: str = "First brew") -> Campaign:
    return actions.campaign_create(
        actor=community.bram,
        collective=community.collective,
        title=title,
        slug=slug,
        goal_amount=150_00,
        deadline=DEADLINE,
        summary="A saison for the neighbours.",
    )


def _pledge(community: Any, campaign: Campaign, amount: int) -> None:
    gift = give_by_bank(community.collective, amount=amount, campaign=campaign)
    actions.contribution_mark_paid(actor=None, contribution=gift)


def _cards(client: Any, url: str, language: str) -> list[str]:
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return re.findall(
        r'<article class="card h-100 campaign-card".*?</article>', response.content.decode(), re.S
    )


def _text(card: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</span>', card, re.S)
    assert found is not None, testid
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_card_figures_in_each_language(community, client, language) -> None:
    with time_machine.travel(NOW, tick=False):
        campaign = _campaign(community)
        _pledge(community, campaign, 25_00)
        _pledge(community, campaign, 12_34)
        list_url = reverse("funding:campaigns", args=[community.collective.slug])
        pages = [
            list_url,
            reverse("home"),
            reverse("communities:collective", args=[community.collective.slug]),
        ]
        cards = [card for url in pages for card in _cards(client, url, language)]
    assert len(cards) == 3  # the campaign list, the home page and the collective's page
    raised, goal, percent, backers, days = FIGURES[language]
    for card in cards:
        assert "First brew" in card
        assert community.collective.name in card
        assert reverse("funding:campaign", args=[community.collective.slug, "brew-one"]) in card
        assert re.findall(r'<span class="amount">([^<]*)</span>', card) == [raised]
        assert _text(card, "goal") == goal
        assert _text(card, "percent") == percent
        assert _text(card, "backers-count") == backers
        assert _text(card, "time-left") == days
        assert 'aria-valuenow="24"' in card
        assert f'aria-valuetext="{percent}"' in card
        assert 'style="width: 24%"' in card
        assert "campaign-card-placeholder" in card  # no picture yet: the placeholder


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_card_says_last_day_then_ended(community, client, language) -> None:
    with time_machine.travel(NOW, tick=False):
        campaign = _campaign(community)
    url = reverse("funding:campaigns", args=[community.collective.slug])
    last_day, ended = ENDINGS[language]
    with time_machine.travel("2026-03-29T00:10:00+01:00", tick=False):
        [card] = _cards(client, url, language)
    assert _text(card, "time-left") == last_day
    with time_machine.travel("2026-03-29T23:31:00+02:00", tick=False):
        [card] = _cards(client, url, language)
    assert _text(card, "time-left") == ended
    assert (
        f'href="{reverse("funding:campaign", args=[community.collective.slug, campaign.slug])}"'
        in card
    )


def test_card_shows_the_campaign_image_or_else_the_cover(community, client) -> None:
    from samen.communities.actions import collective_update
    from samen.core.demo_pictures import demo_banner

    with time_machine.travel(NOW, tick=False):
        campaign = _campaign(community)
        url = reverse("funding:campaigns", args=[community.collective.slug])
        collective_update(
            actor=community.bram,
            collective=community.collective,
            cover=demo_banner("cover", (800, 300)),
        )
        community.collective.refresh_from_db()
        [card] = _cards(client, url, "en")
        assert f'src="{community.collective.cover.url}"' in card
        actions.campaign_image_set(
            actor=community.bram, campaign=campaign, image=demo_banner("image", (800, 450))
        )
        campaign.refresh_from_db()
        [card] = _cards(client, url, "en")
    assert f'src="{campaign.image.url}"' in card
    assert "campaign-card-placeholder" not in card


def test_cards_cost_the_same_queries_for_one_campaign_or_four(community, client) -> None:
    def queries_for_pages() -> list[int]:
        counts = []
        for url in (
            reverse("funding:campaigns", args=[community.collective.slug]),
            reverse("home"),
        ):
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts.append(len(queries))
        return counts

    with time_machine.travel(NOW, tick=False):
        _pledge(community, _campaign(community), 10_00)
        one = queries_for_pages()
        for number in range(3):
            campaign = _campaign(community, slug=f"more-{number}", title=f"More {number}")
            _pledge(community, campaign, 5_00)
        assert len(_cards(client, reverse("home"), "en")) == 4
        assert queries_for_pages() == one
