"""The API for what the pages do beyond creating things: owners update their concept and
read its history and sessions; authors and editors change an item; editors change, test
and schedule an issue; organisers open a collective's season, change its status and read
the applications. Refused input answers {"detail", "code"} and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail

from samen.knowledge.models import (
    ConceptSession,
    IssueStatus,
    MentoringSeason,
    SeasonStatus,
)

pytestmark = pytest.mark.django_db

A = "/api/v1/knowledge"


def _send(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def test_owners_update_their_concept_and_read_its_history(client: Any, network: Any) -> None:
    c, concept = network.c, network.community
    url = f"{A}/concepts/{concept.pk}"
    update = {
        "title": "Tool library",
        "pitch": "Borrow, don't buy.",
        "impact": "200 loans a year.",
        "collective": c.other_collective.slug,
        "visibility": "public",
        "needs_skills": ["Carpentry", "Accounting"],
        "needs_space": True,
    }
    client.force_login(c.chloe)  # sees it (community), does not own it
    assert _send(client, "put", url, update).status_code == 403
    client.force_login(c.gilles)
    response = _send(client, "put", url, update)
    assert response.status_code == 200
    body = response.json()
    assert (body["pitch"], body["impact"], body["collective"], body["visibility"]) == (
        "Borrow, don't buy.",
        "200 loans a year.",
        c.other_collective.slug,
        "public",
    )
    assert sorted(body["needs_skills"]) == ["Accounting", "Carpentry"]
    assert body["needs_space"] is True

    refused = _send(client, "put", url, {**update, "pitch": "  "})
    assert (refused.status_code, refused.json()["code"]) == (422, "text_required")
    assert _send(client, "put", url, {**update, "collective": "elsewhere"}).status_code == 404
    concept.refresh_from_db()
    assert concept.pitch == "Borrow, don't buy."

    _send(client, "post", f"{url}/stage", {"stage": "prototype", "reason": "Built one"})
    history = client.get(f"{url}/history").json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        ("", "idea"),
        ("idea", "prototype"),
    ]
    assert history[-1]["reason"] == "Built one"


def test_coaches_record_sessions_and_the_concept_shows_them(client: Any, network: Any) -> None:
    c, concept = network.c, network.private
    url = f"{A}/concepts/{concept.pk}/sessions"
    session = {"kind": "solution_lab", "date": "2026-11-02", "summary": "Tested the prototype"}
    client.force_login(c.chloe)  # a private concept: not even its existence
    assert _send(client, "post", url, session).status_code == 404
    client.force_login(c.femke)  # its coach
    created = _send(client, "post", url, session)
    assert created.status_code == 201
    assert created.json()["kind"] == "solution_lab"
    bad = _send(client, "post", url, {**session, "kind": "party"})
    assert bad.status_code == 422
    assert ConceptSession.objects.filter(concept=concept).count() == 1
    assert [s["summary"] for s in client.get(url).json()] == ["Tested the prototype"]


def test_an_item_is_changed_by_its_author_while_a_draft_and_by_editors(
    client: Any, network: Any
) -> None:
    c = network.c
    change = {"title": "Varnish, step by step", "summary": "How.", "body": "Thin coats."}
    client.force_login(c.gilles)
    refused = _send(client, "put", f"{A}/library/{network.in_review.pk}", change)
    assert (refused.status_code, refused.json()["code"]) == (409, "not_editable")
    client.force_login(c.anna)
    response = _send(client, "put", f"{A}/library/{network.in_review.pk}", change)
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["status"]) == (
        "Varnish, step by step",
        "review",
    )
    empty = _send(client, "put", f"{A}/library/{network.in_review.pk}", {**change, "body": ""})
    assert (empty.status_code, empty.json()["code"]) == (422, "link_or_text")


def test_editors_change_test_and_schedule_an_issue(
    client: Any, network: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c, issue = network.c, network.issue
    url = f"{A}/newsletter/issues/{issue.pk}"
    client.force_login(c.anna)
    changed = _send(client, "put", url, {"subject": "December news", "body": "Hello again."})
    assert changed.json()["subject"] == "December news"
    bad_segment = _send(client, "put", url, {"subject": "X", "body": "Y", "segment": "tag"})
    assert (bad_segment.status_code, bad_segment.json()["code"]) == (422, "bad_segment")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(client, "post", f"{url}/test").status_code == 202
    assert [m.to for m in mail.outbox] == [[c.anna.email]]

    past = _send(client, "post", f"{url}/schedule", {"when": "2020-01-01T09:00:00+01:00"})
    assert (past.status_code, past.json()["code"]) == (422, "past_schedule")
    scheduled = _send(client, "post", f"{url}/schedule", {"when": "2099-01-01T09:00:00"})
    assert scheduled.status_code == 200  # a time without a zone is the server's
    assert scheduled.json()["status"] == IssueStatus.SCHEDULED
    issue.refresh_from_db()
    assert (issue.subject, issue.scheduled_for.year) == ("December news", 2099)


def test_organisers_open_a_collectives_season_start_it_and_read_applications(
    client: Any, network: Any
) -> None:
    c = network.c
    client.force_login(c.anna)
    season = {"name": "Brewers", "starts_on": "2027-01-01", "ends_on": "2027-06-30"}
    elsewhere = _send(
        client, "post", f"{A}/hosts/brussels-commons/mentoring", {**season, "collective": "nope"}
    )
    assert elsewhere.status_code == 404
    created = _send(
        client,
        "post",
        f"{A}/hosts/brussels-commons/mentoring",
        {**season, "collective": c.collective.slug},
    )
    assert created.status_code == 201
    assert created.json()["collective"] == c.collective.slug
    pk = created.json()["id"]

    applications = client.get(f"{A}/mentoring/{network.season.pk}/applications").json()
    assert [(a["person_id"], a["role"]) for a in applications] == [
        (c.femke.pk, "mentor"),
        (c.gilles.pk, "mentee"),
    ]
    bad = _send(client, "post", f"{A}/mentoring/{pk}/status", {"status": "paused"})
    assert bad.status_code == 422
    started = _send(client, "post", f"{A}/mentoring/{pk}/status", {"status": "running"})
    assert started.json()["status"] == "running"
    assert MentoringSeason.objects.get(pk=pk).status == SeasonStatus.RUNNING

    client.force_login(c.chloe)
    applied = _send(
        client, "post", f"{A}/mentoring/{pk}/applications", {"role": "mentee", "goals": "Brew"}
    )
    assert (applied.status_code, applied.json()["code"]) == (409, "not_open")
    assert client.get(f"{A}/mentoring/{pk}/applications").status_code == 403
