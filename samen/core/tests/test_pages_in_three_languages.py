"""The face of Samen in a real browser (Debian's chromium): the twenty most used pages, at a
laptop's 1280 px and a phone's 390 px, in Dutch, French and English. On each: nothing wider
than the screen, no English interface string on a Dutch or French page (the catalogue's
English msgids that have another translation, read with Babel's .po parser, outside what
people wrote, which the templates mark ``data-user-content``), and axe-core finds no WCAG
2.1 A or AA violation. One browser, one page, the data built once."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from samen.communities.actions import news_create
from samen.credits.tests.factories import make_scheme
from samen.expenses.tests.factories import fund, make_expense
from samen.funding.tests.factories import give_by_bank, make_campaign, make_reward
from samen.lib.testing import log_in

pytestmark = pytest.mark.browser

PHONE = 390
SCREENSHOTS = ("home.png", "collective.png", "campaign.png", "host-inbox.png")
WIDTHS = (1280, PHONE)
LANGUAGES = ("nl", "fr", "en")
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PLACEHOLDER = re.compile(r"%\(|%[sd]|\{")

# The visible text of the page outside what people wrote, one string per element; elements
# in another language than the page's (the language menu, "also in" links) are left out.
VISIBLE_TEXT = """() => {
  const page = document.documentElement.lang;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const element = node.parentElement;
    if (!text || !element || element.closest("script, style, [data-user-content]")) continue;
    const lang = element.closest("[lang]");
    if (lang && lang.lang !== page) continue;
    if (!element.checkVisibility({visibilityProperty: true})) continue;
    out.push(text);
  }
  return out;
}"""


@cache
def english_msgids(language: str) -> frozenset[str]:
    """The English interface strings that ``language`` writes differently, from the
    project's and every app's catalogue: seeing one on a page in ``language`` means a string
    was not translated."""
    root = Path(settings.BASE_DIR)
    found = set()
    for path in [root / "locale", *sorted((root / "samen").glob("*/locale"))]:
        po = path / language / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        for message in catalogue:
            if not isinstance(message.id, str) or not message.id or PLACEHOLDER.search(message.id):
                continue  # plurals and strings with placeholders
            text = " ".join(message.id.split())
            # What the page really shows: Django merges every catalogue (its own too, where
            # "Filter" is Dutch for "Filter"), so ask it rather than this one file.
            with translation.override(language):
                shown = " ".join(translation.gettext(message.id).split())
            if shown != text and len(text) >= 4 and re.search("[a-z]", text):
                found.add(text)
    return frozenset(found)


def untranslated(texts: list[str], language: str) -> list[str]:
    """The texts that are an English msgid, whole or (three words or more) inside a text."""
    msgids = english_msgids(language)
    long_ones = [m for m in msgids if m.count(" ") >= 2]
    hits = {t for t in texts if t in msgids or t.rstrip(".:") in msgids}
    hits.update(m for t in texts for m in long_ones if m in t)
    return sorted(hits)


def _build(community: Any) -> list[str]:
    c, h = community.collective.slug, community.host.slug
    make_scheme(community)
    fund(community.collective, 10_000)
    give_by_bank(community.collective)
    campaign = make_campaign(community, goal=10_000)
    make_reward(community, campaign)
    make_expense(community.chloe, community.collective)
    news_create(
        actor=community.bram, owner=community.collective, title="Brew day", body="**Saturday**"
    )
    return [
        "/",
        "/collectives/",
        f"/collectives/{c}/",
        f"/collectives/{c}/transactions/",
        f"/collectives/{c}/contribute/",
        f"/collectives/{c}/campaigns/{campaign.slug}/",
        f"/collectives/{c}/expenses/",
        f"/collectives/{c}/expenses/new/",
        f"/collectives/{c}/news/",
        f"/hosts/{h}/",
        f"/hosts/{h}/dashboard/",
        "/chapters/",
        "/news/",
        "/events/",
        "/people/me/",
        f"/credits/{h}/",
        f"/credits/{h}/dashboard/rate-card/",
        f"/credits/{h}/requests/",
        f"/credits/{h}/dashboard/",
        "/ledger/seals/",
    ]


# The outermost elements that reach past the right edge of the screen, to say what to fix.
TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
    && !e.parentElement.closest(".table-responsive, .overflow-auto")
    && e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className
      ? "." + e.className.split(" ").join(".") : ""))"""


def _problems(page: Any, path: str, language: str, width: int) -> list[str]:
    where = f"{path} {language} {width}px"
    response = page.goto(path)
    if response.status >= 400:
        return [f"{where}: HTTP {response.status}"]
    found = []
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        found.append(f"{where}: {scroll} px wide on {inner} px: {page.evaluate(TOO_WIDE)}")
    if page.locator("html").get_attribute("lang") != language:
        found.append(f"{where}: the page is not in {language}")
    if language != "en":
        found += [
            f"{where}: English {text!r}"
            for text in untranslated(page.evaluate(VISIBLE_TEXT), language)
        ]
    if width == PHONE:  # axe once per page and language, where the layout is tightest
        for violation in Axe().run(page, options=WCAG).response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"{where}: axe {violation['id']} at {targets}")
    return found


def _switch_language(page: Any, code: str) -> None:
    """As a person does: the language menu (which keeps the choice for the next pages)."""
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})  # the menu, not collapsed
    page.goto("/")
    if page.locator("html").get_attribute("lang") != code:
        with page.expect_navigation():
            page.select_option("#language-select", code)


def test_the_most_used_pages_fit_read_in_the_language_and_pass_axe(
    page: Any, community, tmp_path: Path
) -> None:
    paths = _build(community)
    # SAMEN_SCREENSHOTS=docs/screenshots refreshes the pictures of the README (Dutch, laptop).
    folder = Path(os.environ.get("SAMEN_SCREENSHOTS") or tmp_path)
    pictures = dict(zip([paths[0], paths[2], paths[5], paths[10]], SCREENSHOTS, strict=True))
    log_in(page, community.anna.email)  # host admin: sees the inbox and every public page
    problems: list[str] = []
    for language in LANGUAGES:
        _switch_language(page, language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                problems += _problems(page, path, language, width)
                if language == "nl" and width != PHONE and path in pictures:
                    page.screenshot(path=str(folder / pictures[path]), full_page=True)
    assert problems == [], "\n".join(problems)
