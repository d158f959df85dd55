"""Rate-card services in three languages with django-modeltranslation: each reader gets
the name and description in their language, a missing translation falls back to one the
host wrote, the rate card page offers the "also in" switch and the API answers in the
language asked for (``?lang=`` or Accept-Language) with every translation beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from samen.credits.actions import ServiceInput, rate_card_publish
from samen.credits.models import Direction, Service
from samen.credits.tests.factories import make_scheme

pytestmark = pytest.mark.django_db


def _publish_translated(community) -> None:
    scheme = make_scheme(community)
    rate_card_publish(
        actor=community.anna,
        scheme=scheme,
        valid_from=timezone.localdate() + dt.timedelta(days=-1),
        services=[
            ServiceInput(
                code="repair-cafe",
                name_en="Repair café shift",
                name_nl="Shift in het repaircafé",
                description_en="Three hours behind the repair table.",
                description_fr="Trois heures à la table de réparation.",
                direction=Direction.EARNS,
                value=1500,
            )
        ],
    )


def test_a_service_reads_in_each_language_and_falls_back_to_one_written(community) -> None:
    _publish_translated(community)
    service = Service.objects.get(code="repair-cafe")

    with translation.override("nl"):
        assert service.name == "Shift in het repaircafé"
        # No Dutch description: the English one, not an empty line.
        assert service.description == "Three hours behind the repair table."
    with translation.override("fr"):
        assert service.name == "Repair café shift"
        assert service.description == "Trois heures à la table de réparation."
    # For a reader who is not the request (statements, e-mails).
    assert service.name_in("nl") == "Shift in het repaircafé"
    assert service.name_in("fr") == "Repair café shift"


def test_the_rate_card_page_is_in_the_readers_language_with_the_switch(community, client) -> None:
    _publish_translated(community)
    client.force_login(community.chloe)
    url = reverse("credits:rate_card", args=[community.host.slug])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Trois heures à la table de réparation." in page
    assert "Three hours behind the repair table." not in page
    assert 'data-testid="also-in"' in page
    assert f'href="{url}?lang=nl"' in page

    dutch = client.get(f"{url}?lang=nl").content.decode()
    assert "Shift in het repaircafé" in dutch


def test_the_api_answers_in_the_language_asked_for(community, client) -> None:
    _publish_translated(community)
    client.force_login(community.chloe)
    url = f"/api/v1/credits/{community.host.slug}/rate-card"

    by_header = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").json()
    by_param = client.get(f"{url}?lang=fr").json()

    [nl] = [s for s in by_header["services"] if s["code"] == "repair-cafe"]
    [fr] = [s for s in by_param["services"] if s["code"] == "repair-cafe"]
    assert nl["name"] == "Shift in het repaircafé"
    assert fr["description"] == "Trois heures à la table de réparation."
    assert fr["translations"] == {
        "en": {
            "name": "Repair café shift",
            "description": "Three hours behind the repair table.",
        },
        "nl": {"name": "Shift in het repaircafé"},
        "fr": {"description": "Trois heures à la table de réparation."},
    }
