"""The Content-Security-Policy: sent on every page, scripts only from files, and the pages
(htmx, Bootstrap, the language menu, the charts) keep working under it in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from samen.lib.testing import log_in

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_every_page_sends_a_policy_without_inline_scripts(community) -> None:
    answer = Client().get(f"/collectives/{community.collective.slug}/")
    policy = _directives(answer["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "'unsafe-eval'" not in answer["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    found = []
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("samen/*/templates/**/*.html")]:
        text = template.read_text()
        if "/email/" in str(template):
            continue  # e-mails are not web pages; mail clients ignore scripts anyway
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [f"{template.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []


@pytest.mark.browser
def test_pages_work_under_the_policy_in_chromium(page: Any, community) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    c = community.collective.slug
    for path in ("/", f"/collectives/{c}/", f"/collectives/{c}/transactions/"):
        assert page.goto(path).status < 400
    with page.expect_navigation():
        page.select_option("#language-select", "nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    log_in(page, community.bram.email)
    page.goto(f"/collectives/{c}/")
    assert refused == []
