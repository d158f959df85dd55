"""Requests through the API: create, list with filters and cursors, matches, answer, close."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from samen.credits.actions import delivery_confirm, help_request_create
from samen.credits.models import HelpRequest
from samen.credits.tests.factories import give_skills, make_scheme

pytestmark = pytest.mark.django_db


def _send(client, method, url, data=None):
    return getattr(client, method)(
        f"/api/v1{url}", data=json.dumps(data or {}), content_type="application/json"
    )


def test_create_answer_confirm_and_read(client, community):
    make_scheme(community)
    slug = community.host.slug
    client.force_login(community.chloe)
    created = _send(
        client,
        "post",
        f"/credits/{slug}/requests",
        {"title": "Soup", "skills": ["Cooking", "cooking "], "service": "session"},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["skills"], body["service"]) == ("open", ["Cooking"], "session")
    request_id = body["id"]

    own = _send(
        client,
        "post",
        f"/credits/{slug}/deliveries",
        {"service": "session", "date": timezone.localdate().isoformat(), "request_id": request_id},
    )
    assert (own.status_code, own.json()["code"]) == (422, "own_request")

    client.force_login(community.bram)
    answered = _send(
        client,
        "post",
        f"/credits/{slug}/deliveries",
        {"service": "session", "date": timezone.localdate().isoformat(), "request_id": request_id},
    )
    assert answered.status_code == 201
    assert answered.json()["recipient_id"] == community.chloe.pk
    assert answered.json()["request_id"] == request_id

    client.force_login(community.chloe)
    _send(client, "post", f"/credits/deliveries/{answered.json()['id']}/confirm")
    detail = client.get(f"/api/v1/credits/requests/{request_id}").json()
    assert detail["status"] == "answered"
    assert detail["answered_by_delivery_id"] == answered.json()["id"]
    closing = _send(client, "post", f"/credits/requests/{request_id}/close")
    assert (closing.status_code, closing.json()["code"]) == (409, "request_not_open")


def test_refusals_are_detail_and_code(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    asked = help_request_create(actor=community.chloe, scheme=scheme, title="Help")
    client.force_login(community.eva)
    assert _send(client, "post", f"/credits/{slug}/requests", {"title": "x"}).status_code == 403
    missing = client.get(f"/api/v1/credits/requests/{asked.pk}")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    client.force_login(community.bram)
    wrong = _send(
        client, "post", f"/credits/{slug}/requests", {"title": "x", "service": "workshop"}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "request_service")
    assert set(wrong.json()) >= {"detail", "code"}
    empty = _send(client, "post", f"/credits/{slug}/requests", {"title": ""})
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid")
    refused = _send(client, "post", f"/credits/requests/{asked.pk}/close")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    client.force_login(community.anna)
    closed = _send(client, "post", f"/credits/requests/{asked.pk}/close")
    assert closed.json()["status"] == "closed"
    assert HelpRequest.objects.count() == 1


def test_list_filters_and_cursor_pagination(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    for n in range(5):
        help_request_create(
            actor=community.chloe,
            scheme=scheme,
            title=f"Request {n}",
            skills=["Cooking" if n % 2 else "Python"],
        )
    client.force_login(community.bram)
    first = client.get(f"/api/v1/credits/{slug}/requests?limit=2").json()
    assert [r["title"] for r in first["items"]] == ["Request 4", "Request 3"]
    second = client.get(
        f"/api/v1/credits/{slug}/requests?limit=2&cursor={first['next_cursor']}"
    ).json()
    assert [r["title"] for r in second["items"]] == ["Request 2", "Request 1"]
    cooking = client.get(f"/api/v1/credits/{slug}/requests?skill=cooking").json()
    assert [r["title"] for r in cooking["items"]] == ["Request 3", "Request 1"]
    text = client.get(f"/api/v1/credits/{slug}/requests?q=request%202").json()
    assert [r["title"] for r in text["items"]] == ["Request 2"]
    assert client.get(f"/api/v1/credits/{slug}/requests?status=closed").json()["items"] == []
    bad = client.get(f"/api/v1/credits/{slug}/requests?cursor=forged")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_cursor")


def test_my_matches_ranked_and_paginated(client, community):
    scheme = make_scheme(community)
    slug = community.host.slug
    give_skills(community.bram, "Cooking", "Brewing")
    one = help_request_create(actor=community.chloe, scheme=scheme, title="One", skills=["Cooking"])
    two = help_request_create(
        actor=community.chloe, scheme=scheme, title="Two", skills=["Cooking", "Brewing"]
    )
    newer = help_request_create(
        actor=community.anna, scheme=scheme, title="Newer", skills=["Brewing"]
    )
    HelpRequest.objects.filter(pk=one.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    help_request_create(actor=community.bram, scheme=scheme, title="Mine", skills=["Cooking"])
    client.force_login(community.bram)
    first = client.get(f"/api/v1/credits/{slug}/requests/matches?limit=2").json()
    assert [(r["id"], r["shared_skills"]) for r in first["items"]] == [(two.pk, 2), (newer.pk, 1)]
    rest = client.get(
        f"/api/v1/credits/{slug}/requests/matches?limit=2&cursor={first['next_cursor']}"
    ).json()
    assert [r["id"] for r in rest["items"]] == [one.pk]
    assert rest["next_cursor"] is None
    wrong = client.get(
        f"/api/v1/credits/{slug}/requests?cursor={first['next_cursor']}"
    )  # a matches cursor is not a list cursor
    assert wrong.status_code == 400


def test_imbalances_hide_skills_the_member_hides(client, community):
    scheme = make_scheme(community)
    from samen.credits.actions import workshop_record

    give_skills(community.bram, "Cooking", visibility="only_me")
    (workshop,) = workshop_record(
        actor=community.anna,
        scheme=scheme,
        service_code="workshop",
        on=timezone.localdate(),
        participants=[community.bram],
    )
    delivery_confirm(actor=community.bram, delivery=workshop)
    help_request_create(actor=community.chloe, scheme=scheme, title="Soup", skills=["Cooking"])
    client.force_login(community.anna)
    (row,) = client.get(f"/api/v1/credits/{community.host.slug}/imbalances").json()
    assert (row["skills"], row["matching_requests"], row["top_request_ids"]) == (None, 0, [])
