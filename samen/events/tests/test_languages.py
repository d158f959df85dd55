"""The languages spoken at an event: chosen when it is made (the organiser's own by
default), refused when none or an unknown one, shown on the page and in the .ics."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from samen.events.errors import EventError
from samen.events.models import Event
from samen.events.tests.conftest import make_event, next_week, read_ics

pytestmark = pytest.mark.django_db

NEW = "/events/collective/brasserie-zinneke/new/"
API = "/api/v1/events/collective/brasserie-zinneke/events"


def _form(**extra: Any) -> dict[str, Any]:
    starts = next_week()
    return {"kind": "meetup", "title": "Picnic", "place": "Parc", "visibility": "public",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            **extra}  # fmt: skip


def test_the_organisers_language_by_default_and_the_sites_order(community: Any) -> None:
    c = community
    c.bram.language = "nl"
    c.bram.save(update_fields=["language"])
    assert make_event(c).languages == ["nl"]
    assert make_event(c, languages=["fr", "en", "fr"]).languages == ["en", "fr"]


@pytest.mark.parametrize("bad", [[], ["de"], ["en", "xx"], "en", [None]])
def test_no_language_or_an_unknown_one_is_refused(community: Any, bad: Any) -> None:
    before = Event.objects.count()
    with pytest.raises(EventError) as refused:
        make_event(community, languages=bad)
    assert (refused.value.code, refused.value.field) == ("languages_invalid", "languages")
    assert Event.objects.count() == before


def test_the_form_offers_the_organisers_language_and_keeps_what_was_typed(
    client: Any, community: Any
) -> None:
    c = community
    c.bram.language = "fr"
    c.bram.save(update_fields=["language"])
    client.force_login(c.bram)
    page = client.get(NEW).content.decode()
    assert 'value="fr" id="id_languages_2" checked' in page
    assert ">Nederlands</label>" in page
    refused = client.post(NEW, _form(title="Picnic in the park"))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'id="id_languages_error"' in text
    assert "Choisissez au moins une langue parlée à l" in text  # in her language
    assert 'value="Picnic in the park"' in text
    refused = client.post(NEW, _form(languages=["de"]))
    assert refused.status_code == 400
    assert Event.objects.filter(title="Picnic").count() == 0
    assert client.post(NEW, _form(languages=["nl", "en"])).status_code == 302
    assert Event.objects.get(title="Picnic").languages == ["en", "nl"]


def test_the_api_takes_and_gives_the_languages(client: Any, community: Any) -> None:
    client.force_login(community.bram)
    body = {"kind": "meetup", "title": "Picnic", "place": "Parc",
            "starts_at": next_week().isoformat(), "ends_at": next_week(21).isoformat()}  # fmt: skip
    refused = client.post(API, json.dumps({**body, "languages": ["de"]}),
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["code"] == "languages_invalid"
    made = client.post(API, json.dumps({**body, "languages": ["fr", "nl"]}),
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    assert made.json()["languages"] == ["nl", "fr"]
    default = client.post(API, json.dumps(body), content_type="application/json").json()
    assert default["languages"] == ["en"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "languages" in schema["EventIn"]["properties"]


def test_the_page_and_the_ics_say_which_languages_are_spoken(client: Any, community: Any):
    event = make_event(community, languages=["en", "nl"])
    page = client.get(event.get_absolute_url()).content.decode()
    assert '<span lang="en">English</span>, <span lang="nl">Nederlands</span>' in page
    assert "Spoken" in page
    parsed = read_ics(client.get(f"/events/{event.pk}/calendar.ics").content)
    (item,) = [c for c in parsed.walk() if c.name == "VEVENT"]
    assert "Spoken: English, Nederlands" in str(item["DESCRIPTION"])
    # The community feed is cached: each language keeps its own file.
    feed = "/events/collective/brasserie-zinneke/calendar.ics"
    assert "Spoken: English" in client.get(feed, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dutch = client.get(feed, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Gesproken: English" in dutch
