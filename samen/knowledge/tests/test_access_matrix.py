"""Every knowledge page and endpoint for anonymous, member (chloé), collective admin (bram),
host admin (anna) and a stranger (eva). Pages send anonymous visitors to log in (302), the
API answers 401; successful POSTs redirect (302) or answer 200/201/202; what a person may not
know about answers 404. Each row runs in a transaction that is rolled back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from samen.knowledge.links import confirm_url, unsubscribe_url

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva"]
H = "/knowledge/hosts/brussels-commons"
K = "/knowledge"
A = "/api/v1/knowledge"
NEW_CONCEPT = {"title": "Bike kitchen", "pitch": "Fix bikes together.", "visibility": "public"}
NEW_ITEM = {
    "kind": "link",
    "title": "A guide",
    "summary": "How to.",
    "url": "https://example.org/guide",
    "language": "en",
    "audience": "public",
}

Row = tuple[str, Callable[[Any], str], str, Any]


def _path(url: str) -> str:
    return urlsplit(url).path


ROWS: list[Row] = [
    ("get", lambda n: f"{K}/", "200 200 200 200 200", None),
    ("get", lambda n: f"{H}/concepts/", "200 200 200 200 200", None),
    ("get", lambda n: f"{H}/concepts/new/", "302 200 200 200 403", None),
    ("post", lambda n: f"{H}/concepts/new/", "302 302 302 302 403", NEW_CONCEPT),
    ("get", lambda n: f"{K}/concepts/{n.public.pk}/", "200 200 200 200 200", None),
    ("get", lambda n: f"{K}/concepts/{n.community.pk}/", "404 200 200 200 404", None),
    ("get", lambda n: f"{K}/concepts/{n.private.pk}/", "404 404 404 200 404", None),
    ("get", lambda n: f"{K}/concepts/{n.public.pk}/edit/", "302 403 403 200 403", None),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/move/", "302 403 403 302 403",
     {"stage": "concept"}),
    ("post", lambda n: f"{K}/concepts/{n.private.pk}/move/", "302 404 404 302 404",
     {"stage": "concept"}),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/notes/", "302 403 403 403 403",
     {"body": "Call the city."}),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/coaches/", "302 403 403 302 403",
     lambda n: {"coach": n.c.chloe.pk}),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/sessions/", "302 403 403 302 403",
     {"kind": "session", "date": "2026-11-02"}),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/milestones/", "302 403 403 302 403",
     {"title": "First customer"}),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/owners/", "302 403 403 302 403",
     lambda n: {"owner": n.c.chloe.pk}),
    ("post", lambda n: f"{K}/concepts/{n.private.pk}/milestones/", "302 404 404 302 404",
     {"title": "First customer"}),
    ("get", lambda n: f"{H}/library/", "200 200 200 200 200", None),
    ("get", lambda n: f"{H}/library/feed/", "200 200 200 200 200", None),
    ("get", lambda n: f"{H}/library/new/", "302 200 200 200 403", None),
    ("post", lambda n: f"{H}/library/new/", "302 302 302 302 403", NEW_ITEM),
    ("get", lambda n: f"{H}/library/review/", "302 403 403 200 403", None),
    ("get", lambda n: f"{K}/library/{n.published.pk}/", "200 200 200 200 200", None),
    ("get", lambda n: f"{K}/library/{n.members_item.pk}/", "404 200 200 200 404", None),
    ("get", lambda n: f"{K}/library/{n.in_review.pk}/", "404 404 404 200 404", None),
    ("get", lambda n: f"{K}/library/{n.published.pk}/edit/", "302 403 403 200 403", None),
    ("post", lambda n: f"{K}/library/{n.in_review.pk}/review/", "302 404 404 302 404",
     {"decision": "publish"}),
    ("post", lambda n: f"{K}/library/{n.published.pk}/submit/", "302 403 403 302 403", None),
    ("get", lambda n: f"{K}/newsletter/host/brussels-commons/", "200 200 200 200 200", None),
    ("post", lambda n: f"{K}/newsletter/host/brussels-commons/", "200 200 200 200 200",
     {"email": "new@example.org", "language": "fr"}),
    ("get", lambda n: f"{K}/newsletter/host/brussels-commons/issues/", "302 403 403 200 403",
     None),
    ("get", lambda n: f"{K}/newsletter/host/brussels-commons/issues/new/",
     "302 403 403 200 403", None),
    ("get", lambda n: f"{K}/newsletter/issues/{n.issue.pk}/", "302 404 404 200 404", None),
    ("post", lambda n: f"{K}/newsletter/issues/{n.issue.pk}/test/", "302 404 404 302 404", None),
    ("post", lambda n: f"{K}/newsletter/issues/{n.issue.pk}/send/", "302 404 404 302 404", None),
    ("get", lambda n: _path(confirm_url(n.subscription)), "200 200 200 200 200", None),
    ("post", lambda n: _path(unsubscribe_url(n.subscription)), "200 200 200 200 200", None),
    ("get", lambda n: f"{K}/newsletter/unsubscribe/forged/", "404 404 404 404 404", None),
    ("get", lambda n: _path(unsubscribe_url(n.subscription)).replace("unsubscribe", "preferences"),
     "200 200 200 200 200", None),
    ("post", lambda n: _path(unsubscribe_url(n.subscription)).replace("unsubscribe", "preferences"),
     "302 302 302 302 302", {"topics": ["carpentry"]}),
    ("get", lambda n: f"{K}/newsletter/preferences/forged/", "404 404 404 404 404", None),
    ("get", lambda n: f"{K}/library/{n.published.pk}/file/", "404 404 404 404 404", None),
    # the API
    ("get", lambda n: f"{A}/hosts/brussels-commons/concepts", "200 200 200 200 200", None),
    ("post", lambda n: f"{A}/hosts/brussels-commons/concepts", "401 201 201 201 403",
     NEW_CONCEPT),
    ("get", lambda n: f"{A}/concepts/{n.community.pk}", "404 200 200 200 404", None),
    ("get", lambda n: f"{A}/concepts/{n.private.pk}", "404 404 404 200 404", None),
    ("post", lambda n: f"{A}/concepts/{n.public.pk}/stage", "401 403 403 200 403",
     {"stage": "concept"}),
    ("post", lambda n: f"{A}/concepts/{n.public.pk}/coaches", "401 403 403 201 403",
     lambda n: {"user_id": n.c.chloe.pk}),
    ("get", lambda n: f"{A}/concepts/{n.public.pk}/notes", "401 403 403 403 403", None),
    ("get", lambda n: f"{A}/hosts/brussels-commons/pipeline", "401 403 403 200 403", None),
    ("get", lambda n: f"{A}/hosts/brussels-commons/library", "200 200 200 200 200", None),
    ("post", lambda n: f"{A}/hosts/brussels-commons/library", "401 201 201 201 403", NEW_ITEM),
    ("get", lambda n: f"{A}/library/{n.members_item.pk}", "404 200 200 200 404", None),
    ("get", lambda n: f"{A}/library/{n.in_review.pk}", "404 404 404 200 404", None),
    ("post", lambda n: f"{A}/library/{n.in_review.pk}/review", "401 404 404 200 404",
     {"publish": True}),
    ("post", lambda n: f"{A}/newsletter/host/brussels-commons/subscriptions",
     "202 202 202 202 202", {"email": "api@example.org"}),
    ("get", lambda n: f"{A}/newsletter/host/brussels-commons/issues", "401 403 403 200 403",
     None),
    ("post", lambda n: f"{A}/newsletter/host/brussels-commons/issues", "401 403 403 201 403",
     {"subject": "January", "body": "Hi."}),
    ("get", lambda n: f"{A}/newsletter/issues/{n.issue.pk}", "401 404 404 200 404", None),
    ("post", lambda n: f"{A}/newsletter/issues/{n.issue.pk}/send", "401 404 404 200 404", None),
    # offers and mentoring, pages
    ("get", lambda n: f"{H}/offers/", "200 200 200 200 200", None),
    ("get", lambda n: f"{H}/offers/new/", "302 200 200 200 403", None),
    ("post", lambda n: f"{H}/offers/new/", "302 302 302 302 403", {"title": "Soldering"}),
    ("get", lambda n: f"{K}/offers/{n.offer.pk}/", "404 200 200 200 200", None),
    ("post", lambda n: f"{K}/offers/{n.offer.pk}/take/", "302 302 302 302 403", None),
    ("post", lambda n: f"{K}/offers/{n.offer.pk}/withdraw/", "302 403 403 302 403", None),
    ("get", lambda n: f"{H}/mentoring/", "200 200 200 200 200", None),
    ("get", lambda n: f"{K}/mentoring/{n.season.pk}/", "200 200 200 200 200", None),
    ("post", lambda n: f"{K}/mentoring/{n.season.pk}/apply/", "302 302 302 302 403",
     {"role": "mentee", "goals": "Learn", "language": "nl"}),
    ("post", lambda n: f"{K}/mentoring/{n.season.pk}/propose/", "302 403 403 302 403", None),
    ("post", lambda n: f"{K}/mentoring/pairs/{n.pair.pk}/confirm/", "302 404 404 302 404",
     None),
    ("post", lambda n: f"{K}/mentoring/pairs/{n.pair.pk}/checkin/", "302 404 404 400 404",
     {"month": "2026-11-01", "progress": "Good", "hours": "0"}),
    ("post", lambda n: f"{H}/mentoring/new/", "302 403 403 302 403",
     {"name": "Spring", "starts_on": "2027-03-01", "ends_on": "2027-06-30"}),
    ("post", lambda n: f"{H}/mentoring/apply/", "302 302 302 302 403",
     lambda n: {"season": n.season.pk, "role": "mentee", "goals": "Learn", "language": "nl"}),
    ("post", lambda n: f"{K}/mentoring/{n.season.pk}/status/", "302 403 403 302 403",
     {"status": "running"}),
    # gilles has his mentor already: the organiser's form says so (400)
    ("post", lambda n: f"{K}/mentoring/{n.season.pk}/pairs/", "302 403 403 400 403",
     lambda n: {"mentor": n.c.femke.pk, "mentee": n.c.gilles.pk}),
    # the organiser sees the pair but is not in it (400: only its people give feedback)
    ("post", lambda n: f"{K}/mentoring/pairs/{n.pair.pk}/feedback/", "302 404 404 400 404",
     {"rating": "5"}),
    # offers and mentoring, the API
    ("get", lambda n: f"{A}/hosts/brussels-commons/offers", "401 200 200 200 200", None),
    ("post", lambda n: f"{A}/hosts/brussels-commons/offers", "401 201 201 201 403",
     {"title": "Soldering"}),
    ("get", lambda n: f"{A}/offers/{n.offer.pk}", "401 200 200 200 200", None),
    ("post", lambda n: f"{A}/offers/{n.offer.pk}/takes", "401 201 201 201 403", {}),
    ("get", lambda n: f"{A}/hosts/brussels-commons/mentoring", "200 200 200 200 200", None),
    ("post", lambda n: f"{A}/hosts/brussels-commons/mentoring", "401 403 403 201 403",
     {"name": "Autumn", "starts_on": "2027-01-01", "ends_on": "2027-06-30"}),
    ("post", lambda n: f"{A}/mentoring/{n.season.pk}/applications", "401 201 201 201 403",
     {"role": "mentee", "goals": "Learn"}),
    ("get", lambda n: f"{A}/mentoring/{n.season.pk}/pairs", "401 403 403 200 403", None),
    ("post", lambda n: f"{A}/mentoring/pairs/{n.pair.pk}/checkins", "401 404 404 422 404",
     {"month": "2026-11-01", "progress": "Good"}),
    # updates, histories, tests and statuses
    ("put", lambda n: f"{A}/concepts/{n.public.pk}", "401 403 403 200 403",
     {"title": "Repair café", "pitch": "Fix it together."}),
    ("get", lambda n: f"{A}/concepts/{n.community.pk}/history", "404 200 200 200 404", None),
    ("get", lambda n: f"{A}/concepts/{n.private.pk}/sessions", "404 404 404 200 404", None),
    ("get", lambda n: f"{A}/concepts/{n.private.pk}/milestones", "404 404 404 200 404", None),
    ("post", lambda n: f"{A}/concepts/{n.public.pk}/milestones", "401 403 403 201 403",
     {"title": "First customer"}),
    ("post", lambda n: f"{A}/concepts/{n.public.pk}/sessions", "401 403 403 201 403",
     {"kind": "workshop", "date": "2026-11-02"}),
    ("put", lambda n: f"{A}/library/{n.published.pk}", "401 403 403 200 403",
     {"title": "Sanding guide", "summary": "Sand.", "body": "Sand first."}),
    ("put", lambda n: f"{A}/library/{n.in_review.pk}", "401 404 404 200 404",
     {"title": "Draft on varnish", "summary": "Varnish.", "body": "Thin coats."}),
    ("put", lambda n: f"{A}/newsletter/issues/{n.issue.pk}", "401 404 404 200 404",
     {"subject": "December", "body": "Hello all."}),
    ("post", lambda n: f"{A}/newsletter/issues/{n.issue.pk}/test", "401 404 404 202 404", None),
    ("post", lambda n: f"{A}/newsletter/issues/{n.issue.pk}/schedule", "401 404 404 200 404",
     {"when": "2099-01-01T09:00:00+01:00"}),
    ("post", lambda n: f"{A}/mentoring/{n.season.pk}/status", "401 403 403 200 403",
     {"status": "running"}),
    ("get", lambda n: f"{A}/mentoring/{n.season.pk}/applications", "401 403 403 200 403", None),
    # organisations owning concepts (gilles acts for "Forest Mushrooms cv")
    ("get", lambda n: f"{H}/organisations/new/", "302 200 200 200 403", None),
    ("post", lambda n: f"{H}/organisations/new/", "302 302 302 302 403", {"name": "Zinneke"}),
    ("get", lambda n: f"{K}/organisations/{n.organisation.pk}/", "200 200 200 200 200", None),
    ("post", lambda n: f"{K}/organisations/{n.organisation.pk}/edit/", "302 403 403 302 403",
     {"name": "Forest Mushrooms"}),
    ("post", lambda n: f"{K}/organisations/{n.organisation.pk}/people/", "302 403 403 302 403",
     lambda n: {"person": n.c.chloe.pk}),
    ("post", lambda n: f"{K}/concepts/{n.public.pk}/organisations/", "302 403 403 302 403",
     lambda n: {"organisation": n.organisation.pk}),
    ("get", lambda n: f"{A}/hosts/brussels-commons/organisations", "200 200 200 200 200", None),
    ("post", lambda n: f"{A}/hosts/brussels-commons/organisations", "401 201 201 201 403",
     {"name": "Zinneke"}),
    ("get", lambda n: f"{A}/organisations/{n.organisation.pk}", "200 200 200 200 200", None),
    ("put", lambda n: f"{A}/organisations/{n.organisation.pk}", "401 403 403 200 403",
     {"name": "Forest Mushrooms"}),
    ("post", lambda n: f"{A}/organisations/{n.organisation.pk}/people", "401 403 403 201 403",
     lambda n: {"user_id": n.c.chloe.pk}),
    ("post", lambda n: f"{A}/concepts/{n.public.pk}/organisations", "401 403 403 201 403",
     lambda n: {"organisation_id": n.organisation.pk}),
    ("post", lambda n: f"{A}/concepts/{n.private.pk}/organisations", "401 404 404 201 404",
     lambda n: {"organisation_id": n.organisation.pk}),
]  # fmt: skip


@pytest.fixture
def network(network: Any) -> Any:
    """The shared network, with an organisation gilles acts for."""
    from samen.knowledge import actions

    network.organisation = actions.organisation_create(
        actor=network.c.gilles, host=network.c.host, name="Forest Mushrooms cv"
    )
    return network


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client: Any, network: Any, persona: str) -> None:
    user = None if persona == "anonymous" else getattr(network.c, persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url_of, expected, data in ROWS:
        url = url_of(network)
        want = int(expected.split()[PERSONAS.index(persona)])
        if callable(data):
            data = data(network)
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = getattr(client, method)(
                    url, json.dumps(data or {}), content_type="application/json"
                )
            else:
                response = client.post(url, data or {})
            transaction.set_rollback(True)
        if response.status_code != want:
            failures.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


FILE_ROWS = [  # (audience, published?, expected per persona)
    ("public", True, "200 200 200 200 200"),
    ("network", True, "404 200 200 200 200"),
    ("community", True, "404 200 200 200 404"),
    ("public", False, "404 404 404 200 404"),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_file_matrix(client: Any, network: Any, persona: str) -> None:
    """An item's file reaches exactly those who may see the item, whatever its audience
    and whether or not it is published (gilles, its author, wrote them all)."""
    from django.core.files.base import ContentFile

    from samen.knowledge import actions

    c = network.c
    user = None if persona == "anonymous" else getattr(c, persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for audience, publish, expected in FILE_ROWS:
        item = actions.item_create(
            actor=c.gilles,
            host=c.host,
            kind="checklist",
            title=f"{audience} checklist",
            summary="In short.",
            language="en",
            audience=audience,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="list.pdf"),
        )
        item = actions.item_submit(actor=c.gilles, item=item)
        if publish:
            actions.item_review(actor=c.anna, item=item, publish=True)
        want = int(expected.split()[PERSONAS.index(persona)])
        got = client.get(f"{K}/library/{item.pk}/file/").status_code
        if got != want:
            failures.append(f"{audience} published={publish}: {got}, expected {want}")
    assert not failures, "\n".join(failures)
