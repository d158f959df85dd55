"""The decisions API beyond access: results per caller, anonymity, and every refusal as
``{"detail", "code"}`` with the documented status, changing nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from samen.decisions import actions
from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.models import Poll, Stance
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


def test_the_register_through_the_api(client, world):
    """The same rows as register.json, paginated, searchable, filtered by who reads."""
    c = world.c
    actions.stance_cast(actor=c.chloe, poll=world.proposal,
                        choices=[(option(world.proposal, "agree"), 1)])  # fmt: skip
    for poll in (world.proposal, world.open_poll):
        actions.poll_close(actor=c.bram, poll=poll)
    actions.outcome_set(actor=c.bram, poll=world.proposal, statement="Stout in November.")
    client.force_login(c.chloe)
    url = f"{A}/collective/brasserie-zinneke/register"
    first = client.get(f"{url}?limit=1").json()
    assert [row["title"] for row in first["items"]] == ["Which beer next?"]
    second = client.get(f"{url}?limit=1&cursor={first['next_cursor']}").json()
    row = second["items"][0]
    assert (row["title"], row["result"], row["outcome"], row["participants"]) == (
        "Brew a winter stout", "passed", "Stout in November.", 1,
    )  # fmt: skip
    assert row["url"] == world.proposal.get_absolute_url()
    assert second["next_cursor"] is None
    assert [r["id"] for r in client.get(f"{url}?q=november").json()["items"]] == [world.proposal.pk]
    client.force_login(c.eva)  # a stranger's register has only the open network poll
    assert [r["title"] for r in client.get(url).json()["items"]] == ["Which beer next?"]
    assert client.get(f"{A}/collective/nowhere/register").status_code == 404


def test_amend_and_extend_through_the_api(client, world):
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="consent",
                               title="Quiet hours", closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "object"), 1)],
                        reason="Too early")  # fmt: skip
    client.force_login(c.chloe)  # not the author, not an admin
    assert _post(client, f"{A}/polls/{poll.pk}/amend", {"details": "From 23h"}).status_code == 403
    client.force_login(c.bram)
    amended = _post(client, f"{A}/polls/{poll.pk}/amend", {"details": "From 23h"})
    assert amended.status_code == 200
    assert amended.json()["details"] == "From 23h"
    assert amended.json()["results"]["participants"] == 0  # the objection is set aside
    wrong = _post(client, f"{A}/polls/{world.open_poll.pk}/amend", {"details": "x"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "not_consent")
    later = week() + timedelta(days=7)
    moved = _post(client, f"{A}/polls/{poll.pk}/extend", {"closes_at": later.isoformat()})
    assert moved.status_code == 200
    assert Poll.objects.get(pk=poll.pk).closes_at == later
    past = _post(client, f"{A}/polls/{poll.pk}/extend", {"closes_at": "2020-01-01T00:00:00Z"})
    assert (past.status_code, past.json()["code"]) == (422, "deadline_past")
    actions.poll_close(actor=c.bram, poll=poll)
    actions.outcome_set(actor=c.bram, poll=poll, statement="Quiet from 23h.")
    done = _post(client, f"{A}/polls/{poll.pk}/extend", {"closes_at": later.isoformat()})
    assert (done.status_code, done.json()["code"]) == (409, "closed")
    closed = _post(client, f"{A}/polls/{poll.pk}/amend", {"details": "x"})
    assert (closed.status_code, closed.json()["code"]) == (409, "closed")
    assert Poll.objects.get(pk=poll.pk).details == "From 23h"


def test_every_decisions_refusal_is_in_the_openapi_as_detail_and_code(client):
    """Each decisions operation lists 401, 403, 404, 409 and 422 with a body of ``detail``
    and ``code``, and every status a ``DecisionErrorCode`` answers with is among them."""
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    statuses = {str(DecisionError.statuses.get(code, 422)) for code in Code}
    assert statuses <= {"403", "409", "422"}
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith(A)
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert {op["operationId"] for _p, _m, op in operations} >= {
        "decision_polls", "decision_poll_create", "decision_poll", "decision_vote",
        "decision_close", "decision_outcome", "decision_amend", "decision_extend",
        "decision_register", "decision_survey_create", "decision_survey",
        "decision_survey_answer", "decision_impact_survey_create", "decision_survey_publish",
    }  # fmt: skip
    for path, method, operation in operations:
        for status in statuses | {"401", "404"}:
            answer = operation["responses"].get(status)
            assert answer, f"{method} {path}: no {status}"
            ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            assert {"detail", "code"} <= set(schemas[ref]["required"]), (path, status)
