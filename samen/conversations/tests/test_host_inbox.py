"""Reports from moderation in the host's inbox: counted across the host's collectives, and
the link opens the host's review queue, where each can be decided (two clicks)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from samen.conversations import actions
from samen.conversations.models import Reviewable, ReviewStatus

pytestmark = pytest.mark.django_db


def _inbox_link(client: Client, talk, key: str) -> tuple[str, str]:
    html = client.get(f"/hosts/{talk.c.host.slug}/dashboard/").content.decode()
    found = re.search(rf'href="([^"]+)" data-testid="inbox-{key}">\s*<span[^>]*>(\d+)', html)
    assert found is not None, key
    return found.group(1), found.group(2)


def test_a_report_in_a_hosted_collective_waits_in_the_host_inbox(client: Client, talk) -> None:
    c = talk.c
    client.force_login(c.anna)
    assert _inbox_link(client, talk, "reports")[1] == "0"
    post = talk.question.posts.get(number=1)
    actions.post_report(actor=c.bram, post=post, reason="An advert for beer crates")

    url, count = _inbox_link(client, talk, "reports")
    assert count == "1"
    assert url == f"/talk/host/{c.host.slug}/review/"
    queue = client.get(url)
    assert queue.status_code == 200
    html = queue.content.decode()
    assert "An advert for beer crates" in html
    decide = re.search(r'action="([^"]+/decide/)"', html)
    assert decide is not None
    # The second click decides it; the inbox is empty again.
    client.post(decide.group(1), {"decision": "ignore"})
    assert Reviewable.objects.get().status == ReviewStatus.IGNORED
    assert _inbox_link(client, talk, "reports")[1] == "0"


def test_only_host_admins_see_the_reports_item(client: Client, talk) -> None:
    client.force_login(talk.c.femke)  # the host's accountant reads the books, not reports
    html = client.get(f"/hosts/{talk.c.host.slug}/dashboard/").content.decode()
    assert 'data-testid="inbox-reports"' not in html
    assert 'data-testid="inbox-expenses_to_approve"' in html
