"""Campaigns and rewards in three languages: a French visitor reads the French texts, a
missing translation falls back to the text the author wrote, and the "also in" switch links
to the other languages (samen.lib.translations)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samen.funding import actions
from samen.funding.models import Campaign
from samen.funding.tests.factories import make_campaign


def _translated_campaign(community):
    campaign = make_campaign(community)
    actions.reward_save(
        actor=community.bram,
        campaign=campaign,
        title="A crate of 24 saison",
        price=4500,
        description="Collected at the brewery.",
        translations={
            "title_en": "A crate of 24 saison",
            "title_fr": "Un casier de 24 saison",
            "description_fr": "À retirer à la brasserie.",
        },
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        story_fr="Nous brassons notre première **saison**."
    )
    return campaign


@pytest.mark.django_db
def test_a_french_visitor_reads_the_french_reward_and_story(community, client) -> None:
    campaign = _translated_campaign(community)
    url = reverse("funding:campaign", args=[community.collective.slug, campaign.slug])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Un casier de 24 saison" in page
    assert "À retirer à la brasserie." in page
    assert "Nous brassons notre première <strong>saison</strong>." in page
    assert "A crate of 24 saison" not in page
    # The switch offers the English original.
    assert 'data-testid="also-in"' in page
    assert f'href="{url}?lang=en"' in page


@pytest.mark.django_db
def test_a_missing_translation_falls_back_to_the_written_text(community, client) -> None:
    campaign = _translated_campaign(community)
    url = reverse("funding:campaign", args=[community.collective.slug, campaign.slug])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    # Nothing was written in Dutch: the English original shows, not an empty page.
    assert "A crate of 24 saison" in page
    assert "We brew our first <strong>saison</strong>." in page


@pytest.mark.django_db
def test_the_also_in_switch_changes_the_language_of_the_content(community, client) -> None:
    campaign = _translated_campaign(community)
    url = reverse("funding:campaign", args=[community.collective.slug, campaign.slug])

    page = client.get(f"{url}?lang=fr").content.decode()

    assert "Un casier de 24 saison" in page
    assert f'href="{url}?lang=en"' in page


@pytest.mark.django_db
def test_the_reward_form_asks_each_language_and_saves_them(community, client) -> None:
    campaign = make_campaign(community)
    client.force_login(community.bram)
    url = reverse("funding:campaign_reward_add", args=[community.collective.slug, campaign.slug])

    client.post(
        url,
        {
            "title_en": "Six-pack",
            "title_nl": "Zespak",
            "title_fr": "Pack de six",
            "price": "25",
            "kind": "gift",
        },
    )

    assert list(campaign.rewards.values_list("title_en", "title_nl", "title_fr")) == [
        ("Six-pack", "Zespak", "Pack de six")
    ]


@pytest.mark.django_db
def test_the_funding_api_answers_in_the_language_asked_for(community, client) -> None:
    campaign = _translated_campaign(community)
    actions.campaign_update_publish(
        actor=community.bram,
        campaign=campaign,
        title="Brew day",
        body="The kettle is **on**.",
        translations={"title_fr": "Jour de brassage", "body_nl": "De ketel staat **aan**."},
    )
    actions.tier_save(
        actor=community.bram,
        collective=community.collective,
        name="Friend",
        amount=1000,
        translations={"name_en": "Friend", "name_nl": "Vriend", "name_fr": "Ami"},
    )
    base = f"/api/v1/funding/collectives/{community.collective.slug}"

    french = client.get(f"{base}/campaigns/{campaign.slug}?lang=fr").json()
    assert french["story"] == "Nous brassons notre première **saison**."
    assert "<strong>saison</strong>" in french["story_html"]
    assert french["rewards"][0]["title"] == "Un casier de 24 saison"
    assert french["rewards"][0]["translations"]["en"]["title"] == "A crate of 24 saison"
    assert french["translations"]["fr"] == {"story": "Nous brassons notre première **saison**."}

    [tier] = client.get(f"{base}/tiers", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert tier["name"] == "Vriend"
    assert tier["translations"]["fr"]["name"] == "Ami"

    updates = f"{base}/campaigns/{campaign.slug}/updates"
    [dutch] = client.get(updates, HTTP_ACCEPT_LANGUAGE="nl").json()
    [in_french] = client.get(f"{updates}?lang=fr").json()
    assert (dutch["title"], dutch["body"]) == ("Brew day", "De ketel staat **aan**.")
    assert "<strong>aan</strong>" in dutch["body_html"]
    assert (in_french["title"], in_french["body"]) == ("Jour de brassage", "The kettle is **on**.")


@pytest.mark.django_db
def test_the_updates_of_a_draft_campaign_stay_hidden_from_outsiders(community, client) -> None:
    campaign = make_campaign(community)
    Campaign.objects.filter(pk=campaign.pk).update(status="draft")
    base = f"/api/v1/funding/collectives/{community.collective.slug}/campaigns/{campaign.slug}"

    assert client.get(f"{base}/updates").status_code == 404
    client.force_login(community.eva)
    assert client.get(f"{base}/updates").status_code == 404
