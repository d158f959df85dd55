"""Collective texts in three languages: the edit form asks one group of fields per language
and says which are missing, keeps what was typed after an error; the API answers in the
language asked for (samen.lib.translations)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samen.communities import actions, queries
from samen.lib.translations import missing_translations


def _describe(community) -> None:
    actions.collective_update(
        actor=community.bram,
        collective=community.collective,
        description="We brew beer.",
        description_en="We brew beer.",
        description_nl="We brouwen bier.",
        description_fr="Nous brassons de la bière.",
    )


@pytest.mark.django_db
def test_the_api_answers_in_the_language_of_accept_language(community, client) -> None:
    _describe(community)
    url = reverse("api:collective_get", args=[community.collective.slug])

    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").json()
    dutch = client.get(f"{url}?lang=nl", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert french["description"] == "Nous brassons de la bière."
    assert french["translations"]["nl"]["description"] == "We brouwen bier."
    assert dutch["description"] == "We brouwen bier."


@pytest.mark.django_db
def test_a_signed_in_api_caller_gets_accept_language_over_the_profile(community, client) -> None:
    _describe(community)
    client.force_login(community.gilles)  # Gilles reads the site in French
    url = reverse("api:collective_get", args=[community.collective.slug])

    assert client.get(url, HTTP_ACCEPT_LANGUAGE="nl").json()["description"] == "We brouwen bier."


@pytest.mark.django_db
def test_the_api_writes_translations(community, client) -> None:
    client.force_login(community.bram)
    url = reverse("api:collective_update", args=[community.collective.slug])

    response = client.patch(
        url,
        {"translations": {"fr": {"tagline": "Bière de quartier"}}},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    community.collective.refresh_from_db()
    assert community.collective.tagline_fr == "Bière de quartier"


@pytest.mark.django_db
def test_search_finds_a_text_in_another_language(community) -> None:
    _describe(community)

    assert community.collective in queries.search_collectives(text="brouwen")


@pytest.mark.django_db
def test_the_edit_form_keeps_each_language_after_an_error(community, client) -> None:
    client.force_login(community.bram)
    url = reverse("communities:collective_edit", args=[community.collective.slug])

    response = client.post(
        url,
        {
            "name": "",  # required: the form comes back with an error
            "currency": "EUR",
            "description_en": "We brew beer.",
            "description_fr": "Nous brassons de la bière.",
            "tagline_nl": "Buurtbrouwerij",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nous brassons de la bière." in page
    assert 'value="Buurtbrouwerij"' in page
    assert 'data-testid="language-fields"' in page


@pytest.mark.django_db
def test_authors_see_which_translations_are_missing(community, client) -> None:
    actions.collective_update(
        actor=community.bram,
        collective=community.collective,
        description="We brew beer.",
        description_fr="Nous brassons de la bière.",
    )
    client.force_login(community.bram)

    page = client.get(
        reverse("communities:collective_edit", args=[community.collective.slug])
    ).content.decode()

    community.collective.refresh_from_db()
    assert missing_translations(community.collective) == {"nl": ["description"]}
    assert page.count('data-testid="translation-missing"') == 1
