"""The host's overview opens on what waits for the host: counts, links, words and euros."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from samen.expenses.tests.factories import make_expense

pytestmark = pytest.mark.django_db


def _overview(client: Client, community, language: str = "en") -> str:
    client.force_login(community.anna)
    response = client.get(f"/hosts/{community.host.slug}/dashboard/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_inbox_counts_and_links_to_the_work(client: Client, community):
    make_expense(community.chloe, community.collective, amount=123_450)
    make_expense(community.chloe, community.collective, title="Draft one", submit=False)
    html = _overview(client, community)
    inbox = html.split('data-testid="inbox"')[1].split("</div>\n</div>")[0]
    approve = re.search(
        r'href="([^"]+)" data-testid="inbox-expenses_to_approve">\s*<span[^>]*>(\d+)', inbox
    )
    assert approve is not None
    assert approve.group(2) == "1"  # the draft waits on its author, not on the host
    assert approve.group(1).endswith("?status=pending")
    for key in ("applications", "expenses_to_pay", "bank_lines", "join_requests"):
        assert f'data-testid="inbox-{key}"' in inbox
    # Each link opens a page the host can use: every task within two clicks.
    for url in re.findall(r'href="([^"]+)" data-testid="inbox-', inbox):
        assert client.get(url).status_code == 200, url
    # The expenses have their own entry in the dashboard's menu.
    assert f'href="/hosts/{community.host.slug}/dashboard/expenses/"' in html


def test_recent_changes_in_words_and_euros(client: Client, community):
    make_expense(community.chloe, community.collective, amount=123_450)
    html = _overview(client, community, "nl")
    changes = html.split('data-testid="recent-changes"')[1].split("</ul>")[0]
    assert "expense.submit" not in changes
    assert "expense.create" not in changes
    assert "1.234,50 €" in changes
    assert "123450" not in changes


def test_an_application_decision_has_no_default(client: Client, community):
    from samen.communities.forms import DecisionForm

    html = str(DecisionForm())
    assert 'type="radio"' in html
    assert "checked" not in html
    assert not DecisionForm({}).is_valid()
