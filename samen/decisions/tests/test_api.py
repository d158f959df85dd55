"""The decisions API beyond access: results per caller, anonymity, and every refusal as
``{"detail", "code"}`` with the documented status, changing nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samen.decisions import actions
from samen.decisions.models import Stance
from samen.decisions.tests.conftest import option, week

pytestmark = pytest.mark.django_db

A = "/api/v1/decisions"


def _post(client: Any, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_vote_and_read_the_results(client, world):
    c, poll = world.c, world.proposal
    client.force_login(c.chloe)
    agree = option(poll, "agree")
    response = _post(client, f"{A}/polls/{poll.pk}/votes",
                     {"choices": [{"option": agree}], "reason": "Yes!"})  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["my_stance"]["participant"] == "Chloé"
    assert body["results"]["participants"] == 1
    assert body["results"]["passed"] is True
    assert [o["label"] for o in body["options"]] == ["Agree", "Abstain", "Disagree", "Block"]
    assert body["stances"][0]["participant"] == "Chloé"
    assert "<strong>200 l</strong>" in body["details_html"]


def test_anonymous_poll_answers_name_nobody(client, world):
    c, poll = world.c, world.secret
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "Early shift"), 1)])
    client.force_login(c.bram)
    body = client.get(f"{A}/polls/{poll.pk}").json()
    assert body["stances"] == []
    assert body["my_stance"]["participant"] is None
    assert body["results"]["options"][0]["count"] == 1
    assert "Bram" not in json.dumps(body["results"]) + json.dumps(body["my_stance"])


def test_refusals_are_detail_and_code(client, world):
    c, poll = world.c, world.proposal
    client.force_login(c.chloe)
    url = f"{A}/polls/{poll.pk}/votes"
    block, agree = option(poll, "block"), option(poll, "agree")
    cases = [
        ({"choices": [{"option": block}]}, 422, "reason_missing"),
        ({"choices": [{"option": agree}, {"option": agree}]}, 422, "repeated_option"),
        ({"choices": [{"option": 999999}]}, 422, "unknown_option"),
        ({"choices": []}, 422, "choice_missing"),
    ]
    for data, status, code in cases:
        response = _post(client, url, data)
        assert (response.status_code, response.json()["code"]) == (status, code), data
        assert response.json()["detail"]
    assert not Stance.objects.filter(poll=poll).exists()
    created = _post(
        client,
        f"{A}/collective/brasserie-zinneke/polls",
        {"kind": "proposal", "title": "Past", "closes_at": "2020-01-01T00:00:00Z"},
    )
    assert (created.status_code, created.json()["code"]) == (422, "deadline_past")
    client.force_login(c.bram)
    assert _post(client, f"{A}/polls/{poll.pk}/outcome", {"statement": "x"}).json()["code"] == (
        "still_open"
    )
    assert client.post(f"{A}/polls/{poll.pk}/close").json()["is_open"] is False
    again = client.post(f"{A}/polls/{poll.pk}/close")
    assert (again.status_code, again.json()["code"]) == (409, "closed")
    client.force_login(c.chloe)
    late = _post(client, url, {"choices": [{"option": agree}]})
    assert (late.status_code, late.json()["code"]) == (409, "closed")


def test_list_open_and_closed_and_create(client, world):
    c = world.c
    client.force_login(c.chloe)
    created = _post(client, f"{A}/collective/brasserie-zinneke/polls", {
        "kind": "ranked", "title": "Name the beer", "options": ["Zenne", "Senne", "Kanal"],
        "closes_at": week().isoformat(), "anonymous": True,
    })  # fmt: skip
    assert created.status_code == 201
    assert [o["label"] for o in created.json()["options"]] == ["Zenne", "Senne", "Kanal"]
    actions.poll_close(actor=c.bram, poll=world.proposal)
    listed = client.get(f"{A}/collective/brasserie-zinneke/polls?state=closed").json()
    assert [p["title"] for p in listed["items"]] == ["Brew a winter stout"]
    listed = client.get(f"{A}/collective/brasserie-zinneke/polls?state=open").json()
    assert len(listed["items"]) == 3


def test_hidden_results_are_null_until_the_close(client, world):
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="single", title="Hidden",
                               options=["A", "B"], hide_results=True, closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "A"), 1)])
    client.force_login(c.chloe)
    body = client.get(f"{A}/polls/{poll.pk}").json()
    assert (body["results"], body["stances"]) == (None, [])
