"""The design language: the style page, the shared components and their contrast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from samen.core.templatetags.ui import STATUS_TONES

CSS = Path(settings.BASE_DIR, "static", "css", "samen.css").read_text()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, selector
    return match.group(1)


@pytest.mark.parametrize("tone", sorted(set(STATUS_TONES.values())))
def test_every_badge_tone_meets_wcag_aa(tone):
    body = rule(f".badge-{tone}")
    colour = re.search(r"(?<!-)color:\s*(#[0-9a-f]{6})", body)
    background = re.search(r"background-color:\s*(#[0-9a-f]{6})", body)
    assert colour
    assert background
    assert contrast(colour.group(1), background.group(1)) >= 4.5


@pytest.mark.parametrize("selector", [".text-bg-warning", ".text-bg-info"])
def test_bootstrap_yellow_and_cyan_badges_are_readable(selector):
    colours = re.findall(r"#[0-9a-f]{6}", rule(selector))
    assert contrast(colours[0], colours[1]) >= 4.5


def test_primary_button_is_readable():
    assert contrast("#ffffff", re.search(r"--samen-primary:\s*(#[0-9a-f]{6})", CSS).group(1)) >= 4.5  # type: ignore[union-attr]


@pytest.mark.django_db
def test_style_page_is_development_only(client: Client):
    assert client.get("/design/").status_code == 404


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_style_page_shows_every_component_in_three_languages(client: Client):
    response = client.get("/design/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("nl", "fr", "en"):
        assert f'lang="{code}"' in html
    assert "1.234,50 €" in html
    assert "€1,234.50" in html
    assert "amount-out" in html
    for tone in ("ok", "wait", "info", "bad", "neutral"):
        assert f"badge-{tone}" in html
    assert "table-stack" in html
    assert 'data-label="Bedrag"' in html
    # The error sits at its field, says the limit, and keeps what was typed.
    assert html.count('aria-invalid="true"') >= 6
    assert 'value="12.50"' in html
    assert "45" in html.split('id="nl_amount_error"')[1][:200]
    # Campaign cards: a small percentage written beside the bar, days left, the end.
    assert html.count('data-testid="campaign-card"') == 9
    for text in ("3 % gefinancierd", "Laatste dag", "nog 12 dagen", "3 % financé", "Terminée"):
        assert text in html
    for text in ("encore 12 jours", "3% funded", "12 days left", "Ended"):
        assert text in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
