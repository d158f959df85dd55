"""The knowledge API's answers beyond the access matrix: the error format of refused input,
which changes nothing, and the notes that only owners and coaches read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samen.knowledge.models import Stage, StageChange

pytestmark = pytest.mark.django_db

A = "/api/v1/knowledge"


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_refused_moves_answer_detail_and_code(client: Any, network: Any) -> None:
    client.force_login(network.c.femke)
    url = f"{A}/concepts/{network.public.pk}/stage"
    assert _post(client, url, {"stage": "pilot", "reason": "Go"}).json()["stage"] == "pilot"
    before = StageChange.objects.count()
    back = _post(client, url, {"stage": "idea"})
    assert back.status_code == 422
    assert back.json() == {
        "detail": "A concept cannot move from its stage to that one.",
        "code": "bad_stage",
    }
    same = _post(client, url, {"stage": "pilot"})
    assert same.status_code == 409
    assert same.json()["code"] == "same_stage"
    unknown = _post(client, url, {"stage": "dreaming"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "invalid"
    assert StageChange.objects.count() == before
    network.public.refresh_from_db()
    assert network.public.stage == Stage.PILOT


def test_errors_in_the_callers_language(client: Any, network: Any) -> None:
    client.force_login(network.c.gilles)  # his profile says French
    response = client.post(
        f"{A}/concepts/{network.public.pk}/stage",
        json.dumps({"stage": "idea"}),
        content_type="application/json",
    )
    assert response.json()["code"] == "same_stage"
    assert response.json()["detail"] == "Le concept est déjà à cette étape."


def test_notes_through_the_api(client: Any, network: Any) -> None:
    client.force_login(network.c.femke)
    url = f"{A}/concepts/{network.private.pk}/notes"
    assert _post(client, url, {"body": "Meet the alderman"}).status_code == 201
    assert _post(client, url, {"body": "  "}).json()["code"] == "text_required"
    client.force_login(network.c.gilles)
    assert [n["body"] for n in client.get(url).json()] == ["Meet the alderman"]
    client.force_login(network.c.anna)
    assert client.get(url).status_code == 403
    assert "alderman" not in client.get(f"{A}/concepts/{network.private.pk}").content.decode()


def test_a_library_item_through_the_api(client: Any, network: Any) -> None:
    client.force_login(network.c.chloe)
    created = _post(
        client,
        f"{A}/hosts/brussels-commons/library",
        {"kind": "recording", "title": "Webinar", "summary": "Funding 101", "language": "fr",
         "url": "https://example.org/webinar", "tags": ["Funding"]},
    )  # fmt: skip
    assert created.status_code == 201
    item = created.json()
    assert (item["status"], item["tags"]) == ("draft", ["funding"])
    submitted = _post(client, f"{A}/library/{item['id']}/submit", {})
    assert submitted.json()["status"] == "review"
    again = _post(client, f"{A}/library/{item['id']}/submit", {})
    assert again.status_code == 409
    assert again.json()["code"] == "not_editable"


def test_offers_and_mentoring_through_the_api(client: Any, network: Any) -> None:
    c = network.c
    client.force_login(c.chloe)
    api = "/api/v1/knowledge"
    listed = client.get(f"{api}/hosts/brussels-commons/offers?skill=carpentry").json()
    assert [o["title"] for o in listed] == ["Carpentry lessons"]
    asked = client.post(
        f"{api}/offers/{network.offer.pk}/takes",
        json.dumps({"message": "Saturday?"}),
        content_type="application/json",
    )
    assert asked.status_code == 201
    again = client.post(
        f"{api}/offers/{network.offer.pk}/takes", "{}", content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_asked")
    applied = client.post(
        f"{api}/mentoring/{network.season.pk}/applications",
        json.dumps({"role": "mentee", "goals": ""}),
        content_type="application/json",
    )
    assert (applied.status_code, applied.json()["code"]) == (422, "text_required")
    client.force_login(c.anna)
    bad = client.post(
        f"{api}/hosts/brussels-commons/mentoring",
        json.dumps({"name": "Backwards", "starts_on": "2027-06-01", "ends_on": "2027-01-01"}),
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_dates")
    pairs = client.get(f"{api}/mentoring/{network.season.pk}/pairs").json()
    assert [(p["mentor"], p["mentee"], p["status"]) for p in pairs] == [
        (c.femke.public_name, c.gilles.public_name, "confirmed")
    ]
