"""The agenda's filters (city, kind, language, price, online or in person) on /events/,
the month view and the API: they combine, survive paging and the months, and a value the
agenda does not offer is ignored on the pages and refused (400) by the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.communities.models import Collective
from samen.events import queries
from samen.events.models import Event, EventKind
from samen.events.tests.conftest import make_event

pytestmark = pytest.mark.django_db

API = "/api/v1/events/agenda"


@pytest.fixture
def three(community: Any) -> Any:
    """In Gent: a Dutch workshop in person, an online English-French meet-up, a hybrid
    Dutch-English webinar."""
    c = community
    Collective.objects.filter(pk=c.collective.pk).update(city="Gent")
    make_event(c, title="Houtbewerking", kind=EventKind.WORKSHOP, languages=["nl"])
    make_event(c, title="Online coffee", kind=EventKind.MEETUP, place="",
               online_url="https://meet.example/coffee", languages=["en", "fr"])  # fmt: skip
    make_event(c, title="Hybrid talk", kind=EventKind.WEBINAR,
               online_url="https://meet.example/talk", languages=["nl", "en"])  # fmt: skip
    return c


def _titles(client: Any, query: str) -> set[str]:
    page = client.get(f"/events/?{query}").content.decode()
    return {t for t in ("Houtbewerking", "Online coffee", "Hybrid talk") if t in page}


def test_filters_narrow_and_combine(client: Any, three: Any) -> None:
    everything = {"Houtbewerking", "Online coffee", "Hybrid talk"}
    assert _titles(client, "") == everything
    assert _titles(client, "kind=workshop") == {"Houtbewerking"}
    assert _titles(client, "language=nl") == {"Houtbewerking", "Hybrid talk"}
    assert _titles(client, "language=fr") == {"Online coffee"}
    assert _titles(client, "attend=online") == {"Online coffee", "Hybrid talk"}
    assert _titles(client, "attend=in_person") == {"Houtbewerking", "Hybrid talk"}
    assert _titles(client, "attend=hybrid") == {"Hybrid talk"}
    assert _titles(client, "language=nl&attend=online") == {"Hybrid talk"}
    assert _titles(client, "city=gent&price=free") == everything
    assert _titles(client, "city=Antwerpen") == set()
    assert _titles(client, "price=paid") == set()


def test_a_value_the_agenda_does_not_offer_is_ignored(client: Any, three: Any) -> None:
    assert _titles(client, "kind=party&language=xx&attend=teleport&price=cheap") == {
        "Houtbewerking", "Online coffee", "Hybrid talk"
    }  # fmt: skip
    assert _titles(client, "kind=party&language=nl") == {"Houtbewerking", "Hybrid talk"}


def test_the_chosen_values_show_and_links_keep_them(client: Any, three: Any) -> None:
    page = client.get("/events/?city=Gent&language=nl&kind=workshop").content.decode()
    assert '<option value="Gent" selected>' in page
    assert '<option value="nl" lang="nl" selected>' in page
    assert '<option value="workshop" selected>' in page
    assert 'data-testid="active-filters"' in page
    # Removing one filter keeps the others.
    assert 'href="?city=Gent&amp;kind=workshop"' in page
    assert "/events/month/?city=Gent&amp;kind=workshop&amp;language=nl" in page


def test_paging_keeps_the_filters(client: Any, three: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    first = client.get("/events/?language=nl").content.decode()
    assert 'href="?language=nl&amp;page=2"' in first
    second = client.get("/events/?language=nl&page=2").content.decode()
    assert 'href="?language=nl&amp;page=1"' in second


def test_the_month_view_filters_and_its_months_keep_the_filters(client: Any, three: Any) -> None:
    first = Event.objects.get(title="Houtbewerking").occurrences.get().starts_at
    month = timezone.localtime(first).strftime("%Y-%m")
    page = client.get(f"/events/month/?month={month}&kind=workshop&attend=in_person")
    text = page.content.decode()
    assert "Houtbewerking" in text
    assert "Online coffee" not in text
    assert "Hybrid talk" not in text
    assert '&amp;kind=workshop&amp;attend=in_person" rel="next"' in text
    assert '&amp;kind=workshop&amp;attend=in_person" rel="prev"' in text
    assert f'<input type="hidden" name="month" value="{month}">' in text
    assert "/events/?kind=workshop&amp;attend=in_person" in text


def test_the_query_count_does_not_grow_with_events(client: Any, three: Any) -> None:
    month = timezone.localtime(timezone.now()).strftime("%Y-%m")
    urls = [
        "/events/?language=nl&city=Gent&attend=online",
        f"/events/month/?month={month}&kind=webinar",
    ]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts.append(len(few))
    for n in range(4):
        make_event(three, title=f"More {n}", kind=EventKind.WEBINAR, languages=["nl"],
                   online_url=f"https://meet.example/{n}")  # fmt: skip
    for url, before in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == before


def test_the_api_filters_and_refuses_an_unknown_value(client: Any, three: Any) -> None:
    body = client.get(f"{API}?language=nl&attend=online").json()
    assert [row["event"]["title"] for row in body["items"]] == ["Hybrid talk"]
    assert {r["event"]["title"] for r in client.get(f"{API}?city=GENT").json()["items"]} == {
        "Houtbewerking", "Online coffee", "Hybrid talk"
    }  # fmt: skip
    for query, name in (("kind=party", "kind"), ("language=de", "language"),
                        ("attend=teleport", "attend"), ("price=cheap", "price")):  # fmt: skip
        refused = client.get(f"{API}?{query}")
        assert refused.status_code == 400
        assert refused.json()["code"] == "filter_invalid"
        assert refused.json()["detail"].startswith(f"{name}:")
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/events/agenda"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"city", "kind", "language", "attend"}
    assert "400" in operation["responses"]
