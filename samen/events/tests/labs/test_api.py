"""The Solution Labs API: the same rules as the pages, errors as ``{"detail", "code"}``,
and the operations in the OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from samen.events.tests.labs.world import Labs

pytestmark = pytest.mark.django_db

A = "/api/v1/events/labs"


def _post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _put(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json")


def test_a_call_through_the_api(client: Any, labs: Labs) -> None:
    c = labs.c
    client.force_login(c.anna)
    deadline = (timezone.now() + timedelta(days=5)).isoformat()
    made = _post(client, f"{A}/hosts/brussels-commons/calls",
                 {"title": "API call", "deadline": deadline, "prompt": "**Ask**"})  # fmt: skip
    assert made.status_code == 201
    call = made.json()
    assert call["open"] is True
    assert call["prompt_html"] == "<p><strong>Ask</strong></p>"
    client.force_login(c.chloe)
    asked = _post(client, f"{A}/calls/{call['id']}/questions",
                  {"title": "Heat?", "context": "<img src=x onerror=alert(1)>Cold"})  # fmt: skip
    assert asked.status_code == 201
    question = asked.json()
    assert question["author"] == c.chloe.public_name
    assert "onerror" not in question["context_html"]
    client.force_login(c.bram)
    supported = _post(client, f"{A}/questions/{question['id']}/support")
    assert (supported.status_code, supported.json()["supporters"]) == (201, 1)
    assert supported.json()["supported"] is True
    again = _post(client, f"{A}/questions/{question['id']}/support")
    assert (again.status_code, again.json()["code"]) == (409, "already_supported")
    detail = client.get(f"{A}/calls/{call['id']}").json()
    assert [(q["title"], q["supporters"]) for q in detail["questions"]] == [("Heat?", 1)]
    withdrawn = client.delete(f"{A}/questions/{question['id']}/support")
    assert withdrawn.json()["supporters"] == 0
    listed = client.get(f"{A}/hosts/brussels-commons/calls").json()
    assert {row["title"] for row in listed["items"]} == {"API call", "Autumn call", "Spring call"}


def test_bad_input_answers_its_code(client: Any, labs: Labs) -> None:
    c = labs.c
    client.force_login(c.anna)
    past = (timezone.now() - timedelta(days=1)).isoformat()
    refused = _post(client, f"{A}/hosts/brussels-commons/calls",
                    {"title": "Late", "deadline": past})  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (422, "deadline_past")
    workshop = labs.c.collective  # not an event: any id that is no lab of the host
    wrong = _put(client, f"{A}/questions/{labs.gilles_question.pk}/selection",
                 {"event_id": workshop.pk + 10_000})  # fmt: skip
    assert (wrong.status_code, wrong.json()["code"]) == (422, "not_a_lab")
    early = _put(client, f"{A}/questions/{labs.open_question.pk}/selection",
                 {"event_id": labs.lab.pk})  # fmt: skip
    assert (early.status_code, early.json()["code"]) == (409, "call_open")
    client.force_login(c.bram)
    closed = _post(client, f"{A}/questions/{labs.gilles_question.pk}/support")
    assert (closed.status_code, closed.json()["code"]) == (409, "call_closed")
    late = _post(client, f"{A}/calls/{labs.closed_call.pk}/questions",
                 {"title": "Late", "context": "x"})  # fmt: skip
    assert (late.status_code, late.json()["code"]) == (409, "call_closed")
    empty = _post(client, f"{A}/calls/{labs.open_call.pk}/questions",
                  {"title": " ", "context": "x"})  # fmt: skip
    assert (empty.status_code, empty.json()["code"]) == (422, "lab_title_missing")
    client.force_login(c.gilles)
    own = _post(client, f"{A}/questions/{labs.open_question.pk}/support")
    assert (own.status_code, own.json()["code"]) == (409, "own_question")


def test_selection_and_outcome(client: Any, labs: Labs) -> None:
    c = labs.c
    client.force_login(c.anna)
    selected = _put(client, f"{A}/questions/{labs.gilles_question.pk}/selection",
                    {"event_id": labs.lab.pk})  # fmt: skip
    assert selected.status_code == 200
    assert selected.json()["event_id"] == labs.lab.pk
    client.force_login(c.chloe)
    url = f"{A}/questions/{labs.chloe_question.pk}/outcome"
    early = _put(client, url, {"outcome": "Soon"})
    assert (early.status_code, early.json()["code"]) == (409, "lab_not_held")
    date = labs.lab.occurrences.get()
    with time_machine.travel(date.ends_at + timedelta(hours=1), tick=False):
        done = _put(client, url, {"outcome": "A shared *van* calendar"})
    assert done.status_code == 200
    assert done.json()["outcome_html"] == "<p>A shared <em>van</em> calendar</p>"
    client.force_login(c.bram)
    seen = client.get(f"{A}/questions/{labs.chloe_question.pk}").json()
    assert seen["outcome"] == "A shared *van* calendar"
    client.force_login(c.anna)
    kept = client.delete(f"{A}/questions/{labs.chloe_question.pk}/selection")
    assert (kept.status_code, kept.json()["code"]) == (409, "outcome_given")


def test_the_openapi_document_lists_the_lab_operations(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    operation = paths["/api/v1/events/labs/questions/{pk}/support"]["post"]
    assert operation["operationId"] == "events_lab_support"
    assert {"401", "404", "409"} <= set(operation["responses"])
    assert "already_supported" in operation["description"]
    assert "/api/v1/events/labs/hosts/{slug}/calls" in paths
    assert "/api/v1/events/labs/questions/{pk}/outcome" in paths
