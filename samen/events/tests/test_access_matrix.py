"""Every event page and endpoint for anonymous, member (chloé), collective admin (bram),
host admin (anna) and a stranger (eva). Pages send anonymous visitors to log in (302), the
API answers 401; what a person may not know about answers 404. Each row runs in a
transaction that is rolled back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from samen.events import actions
from samen.events.tests.conftest import next_week
from samen.events.tests.labs.world import labs_of

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva"]
L = "/events/collective/brasserie-zinneke"
A = "/api/v1/events"

Data = dict[str, Any] | Callable[[Any], dict[str, Any]] | None
Row = tuple[str, Callable[[Any], str], str, Data]

_NEW = {
    "kind": "meetup",
    "title": "Picnic",
    "place": "Parc",
    "visibility": "public",
    "starts_at": next_week().strftime("%Y-%m-%dT%H:%M"),
    "ends_at": next_week(21).strftime("%Y-%m-%dT%H:%M"),
    "languages": "en",
}

_API_NEW = {
    **_NEW,
    "starts_at": next_week().isoformat(),
    "ends_at": next_week(21).isoformat(),
    "price_kind": "euros",
    "price_cents": 800,
    "languages": ["nl", "en"],
}

_EDIT = {"title": "Repair café", "place": "Parc", "languages": "en",
         "starts_at": next_week().strftime("%Y-%m-%dT%H:%M"),
         "ends_at": next_week(21).strftime("%Y-%m-%dT%H:%M"), "capacity": "5"}  # fmt: skip

LABS = "/events/labs"
_CALL = {"title": "Winter call", "deadline": next_week().strftime("%Y-%m-%dT%H:%M")}
_API_CALL = {"title": "Winter call", "deadline": next_week().isoformat()}
_QUESTION = {"title": "How do we heat the cellar?", "context": "It is cold."}


def _select(w: Any) -> dict[str, Any]:
    gilles = labs_of(w).gilles_question.pk
    return {"question": gilles, f"q{gilles}-event": labs_of(w).lab.pk}


ROWS: list[Row] = [
    ("get", lambda w: "/events/", "200 200 200 200 200", None),
    ("get", lambda w: f"{L}/", "200 200 200 200 200", None),
    ("get", lambda w: f"{L}/?when=past", "200 200 200 200 200", None),
    ("get", lambda w: f"{L}/calendar.ics", "200 200 200 200 200", None),
    ("get", lambda w: f"{L}/new/", "302 403 200 200 403", None),
    ("get", lambda w: "/events/my/calendar/", "302 200 200 200 200", None),
    ("post", lambda w: "/events/my/calendar/", "302 302 302 302 302", None),
    ("get", lambda w: "/events/my/not-a-token/calendar.ics", "404 404 404 404 404", None),
    ("post", lambda w: f"{L}/new/", "302 403 302 302 403", _NEW),
    ("get", lambda w: f"/events/{w.workshop.pk}/", "200 200 200 200 200", None),
    ("get", lambda w: f"/events/{w.members_meetup.pk}/", "404 200 200 200 404", None),
    ("get", lambda w: f"/events/{w.draft.pk}/", "404 404 200 200 404", None),
    ("get", lambda w: f"/events/{w.workshop.pk}/calendar.ics", "200 200 200 200 200", None),
    ("get", lambda w: f"/events/{w.members_meetup.pk}/calendar.ics", "404 200 200 200 404",
     None),
    ("post", lambda w: f"/events/{w.draft.pk}/publish/", "302 404 302 302 404", None),
    ("post", lambda w: f"/events/{w.workshop.pk}/cancel/", "302 403 302 302 403",
     {"reason": "Rain"}),
    ("post", lambda w: f"/events/dates/{w.slot.pk}/register/", "302 302 302 302 302", None),
    ("post", lambda w: f"/events/dates/{w.members_slot.pk}/register/", "302 302 302 302 404",
     None),
    ("post", lambda w: f"/events/dates/{w.slot.pk}/withdraw/", "302 302 302 302 302", None),
    ("get", lambda w: f"/events/dates/{w.slot.pk}/attendees/", "302 403 200 200 403", None),
    ("get", lambda w: f"/events/dates/{w.members_slot.pk}/attendees/", "302 403 200 200 404",
     None),
    ("post", lambda w: f"/events/dates/{w.slot.pk}/capacity/", "302 403 302 302 403",
     {"capacity": "3"}),
    ("get", lambda w: f"/events/dates/{w.slot.pk}/attendees.csv", "302 403 200 200 403", None),
    ("post", lambda w: f"/events/registrations/{w.dries_reg.pk}/check-in/",
     "302 404 302 302 404", None),
    ("get", lambda w: f"/events/dates/{w.slot.pk}/feedback/", "302 200 200 200 200", None),
    ("get", lambda w: f"/events/dates/{w.members_slot.pk}/feedback/", "302 200 200 200 404",
     None),
    ("post", lambda w: f"/events/dates/{w.slot.pk}/feedback/", "302 400 400 400 400",
     {"rating": "5"}),
    ("get", lambda w: "/events/coaching/", "302 200 200 200 200", None),
    ("get", lambda w: f"/events/coaching/{w.c.host.slug}/", "302 403 403 200 403", None),
    ("get", lambda w: f"/events/coaching/{w.c.host.slug}/feedback.csv", "302 403 403 200 403",
     None),
    ("get", lambda w: "/events/coaching/no-such-host/", "302 404 404 404 404", None),
    # Solution Labs: the host's community (Chloé and Bram through their collective, Anna
    # who runs the calls); Eva is a stranger to it.
    ("get", lambda w: f"{LABS}/brussels-commons/", "302 200 200 200 404", None),
    ("get", lambda w: f"{LABS}/no-such-host/", "302 404 404 404 404", None),
    ("get", lambda w: f"{LABS}/brussels-commons/new/", "302 403 403 200 404", None),
    ("post", lambda w: f"{LABS}/brussels-commons/new/", "302 403 403 302 404", _CALL),
    ("get", lambda w: f"{LABS}/calls/{labs_of(w).open_call.pk}/", "302 200 200 200 404", None),
    ("get", lambda w: f"{LABS}/calls/{labs_of(w).open_call.pk}/ask/", "302 200 200 200 404",
     None),
    ("post", lambda w: f"{LABS}/calls/{labs_of(w).open_call.pk}/ask/", "302 302 302 302 404",
     _QUESTION),
    ("post", lambda w: f"{LABS}/calls/{labs_of(w).closed_call.pk}/ask/", "302 400 400 400 404",
     _QUESTION),
    ("get", lambda w: f"{LABS}/calls/{labs_of(w).closed_call.pk}/select/",
     "302 403 403 200 404", None),
    ("post", lambda w: f"{LABS}/calls/{labs_of(w).closed_call.pk}/select/",
     "302 403 403 302 404", _select),
    ("get", lambda w: f"{LABS}/questions/{labs_of(w).open_question.pk}/", "302 200 200 200 404",
     None),
    ("post", lambda w: f"{LABS}/questions/{labs_of(w).open_question.pk}/support/",
     "302 302 302 302 404", None),
    ("post", lambda w: f"{LABS}/questions/{labs_of(w).chloe_question.pk}/unselect/",
     "302 403 403 302 404", None),
    ("get", lambda w: f"{LABS}/questions/{labs_of(w).chloe_question.pk}/outcome/",
     "302 200 403 403 404", None),
    ("post", lambda w: f"{LABS}/questions/{labs_of(w).chloe_question.pk}/outcome/",
     "302 400 403 403 404", {"outcome": "A plan"}),
    ("get", lambda w: f"{A}/labs/hosts/brussels-commons/calls", "401 200 200 200 404", None),
    ("post", lambda w: f"{A}/labs/hosts/brussels-commons/calls", "401 403 403 201 404",
     _API_CALL),
    ("get", lambda w: f"{A}/labs/calls/{labs_of(w).open_call.pk}", "401 200 200 200 404", None),
    ("post", lambda w: f"{A}/labs/calls/{labs_of(w).open_call.pk}/questions",
     "401 201 201 201 404", _QUESTION),
    ("post", lambda w: f"{A}/labs/calls/{labs_of(w).closed_call.pk}/questions",
     "401 409 409 409 404", _QUESTION),
    ("get", lambda w: f"{A}/labs/questions/{labs_of(w).open_question.pk}", "401 200 200 200 404",
     None),
    ("post", lambda w: f"{A}/labs/questions/{labs_of(w).open_question.pk}/support",
     "401 201 201 201 404", None),
    ("delete", lambda w: f"{A}/labs/questions/{labs_of(w).open_question.pk}/support",
     "401 409 409 409 404", None),
    ("put", lambda w: f"{A}/labs/questions/{labs_of(w).gilles_question.pk}/selection",
     "401 403 403 200 404", lambda w: {"event_id": labs_of(w).lab.pk}),
    ("delete", lambda w: f"{A}/labs/questions/{labs_of(w).chloe_question.pk}/selection",
     "401 403 403 200 404", None),
    ("put", lambda w: f"{A}/labs/questions/{labs_of(w).chloe_question.pk}/outcome",
     "401 409 403 403 404", {"outcome": "A plan"}),
    # the API
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/events", "401 403 201 201 403",
     _API_NEW),
    ("put", lambda w: f"{A}/dates/{w.slot.pk}/capacity", "401 403 200 200 403",
     {"capacity": 5}),
    ("put", lambda w: f"{A}/dates/{w.members_slot.pk}/capacity", "401 403 200 200 404",
     {"capacity": 5}),
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/events", "200 200 200 200 200", None),
    ("get", lambda w: f"{A}/{w.workshop.pk}", "200 200 200 200 200", None),
    ("get", lambda w: f"{A}/{w.members_meetup.pk}", "404 200 200 200 404", None),
    ("get", lambda w: f"{A}/{w.draft.pk}", "404 404 200 200 404", None),
    ("post", lambda w: f"{A}/dates/{w.slot.pk}/registration", "401 409 201 201 201", None),
    ("post", lambda w: f"{A}/dates/{w.members_slot.pk}/registration", "401 201 201 201 404",
     None),
    ("post", lambda w: f"{A}/dates/{w.draft.occurrences.get().pk}/registration",
     "401 404 409 409 404", None),
    ("delete", lambda w: f"{A}/dates/{w.slot.pk}/registration", "401 200 409 409 409", None),
    ("post", lambda w: f"{A}/dates/{w.slot.pk}/feedback", "401 403 403 403 403",
     {"rating": 5}),
    ("post", lambda w: f"{A}/{w.draft.pk}/publish", "401 404 200 200 404", None),
    ("post", lambda w: f"{A}/{w.workshop.pk}/publish", "401 403 409 409 403", None),
    ("post", lambda w: f"{A}/{w.workshop.pk}/cancel", "401 403 200 200 403", {"reason": "Rain"}),
    ("post", lambda w: f"{A}/registrations/{w.dries_reg.pk}/check-in", "401 404 200 200 404",
     None),
    # plus-ones, questions, approval and the month view
    ("get", lambda w: "/events/month/", "200 200 200 200 200", None),
    ("get", lambda w: "/events/month/?month=2030-02&price=free", "200 200 200 200 200", None),
    ("get", lambda w: f"/events/dates/{w.slot.pk}/register/", "302 200 200 200 200", None),
    ("get", lambda w: f"/events/dates/{w.members_slot.pk}/register/", "302 200 200 200 404",
     None),
    ("get", lambda w: f"/events/dates/{w.draft.occurrences.get().pk}/register/",
     "302 404 200 200 404", None),
    ("post", lambda w: f"/events/registrations/{w.dries_reg.pk}/approve/",
     "302 404 302 302 404", None),
    ("post", lambda w: f"/events/registrations/{w.dries_reg.pk}/decline/",
     "302 404 302 302 404", None),
    ("get", lambda w: f"/events/{w.workshop.pk}/registration/", "302 403 200 200 403", None),
    ("get", lambda w: f"/events/{w.members_meetup.pk}/registration/", "302 403 200 200 404",
     None),
    ("post", lambda w: f"/events/{w.workshop.pk}/registration/", "302 403 302 302 403",
     {"requires_approval": "on"}),
    ("put", lambda w: f"{A}/{w.workshop.pk}/registration-options", "401 403 200 200 403",
     {"plus_one_allowed": False, "requires_approval": True, "questions": []}),
    ("put", lambda w: f"{A}/{w.draft.pk}/registration-options", "401 404 200 200 404",
     {"plus_one_allowed": False, "requires_approval": True, "questions": []}),
    ("get", lambda w: f"{A}/dates/{w.slot.pk}/registrations", "401 403 200 200 403", None),
    ("get", lambda w: f"{A}/dates/{w.members_slot.pk}/registrations", "401 403 200 200 404",
     None),
    ("post", lambda w: f"{A}/registrations/{w.dries_reg.pk}/approve", "401 404 409 409 404",
     None),
    ("post", lambda w: f"{A}/registrations/{w.dries_reg.pk}/decline", "401 404 409 409 404",
     None),
    # walk-ins at the check-in desk: organisers only (chloe is going already: 409)
    ("get", lambda w: f"/events/dates/{w.slot.pk}/check-in/?q=Chl", "302 403 200 200 403", None),
    ("post", lambda w: f"/events/dates/{w.slot.pk}/walk-ins/", "302 403 302 302 403",
     lambda w: {"person": w.c.chloe.pk}),
    ("get", lambda w: f"{A}/dates/{w.slot.pk}/walk-in-candidates?q=Chl", "401 403 200 200 403",
     None),
    ("post", lambda w: f"{A}/dates/{w.slot.pk}/walk-ins", "401 403 409 409 403",
     lambda w: {"person": w.c.chloe.pk}),
    ("post", lambda w: f"{A}/dates/{w.members_slot.pk}/walk-ins", "401 403 201 201 404",
     lambda w: {"person": w.c.chloe.pk}),
    # editing an event, and walk-ins without an account
    ("get", lambda w: f"/events/{w.workshop.pk}/edit/", "302 403 200 200 403", None),
    ("get", lambda w: f"/events/{w.members_meetup.pk}/edit/", "302 403 200 200 404", None),
    ("get", lambda w: f"/events/{w.draft.pk}/edit/", "302 404 200 200 404", None),
    ("post", lambda w: f"/events/{w.workshop.pk}/edit/", "302 403 302 302 403", _EDIT),
    ("patch", lambda w: f"{A}/{w.workshop.pk}", "401 403 200 200 403", {"place": "Parc"}),
    ("patch", lambda w: f"{A}/{w.members_meetup.pk}", "401 403 200 200 404", {"place": "Parc"}),
    ("patch", lambda w: f"{A}/{w.draft.pk}", "401 404 200 200 404", {"title": "Webinar"}),
    ("post", lambda w: f"/events/dates/{w.slot.pk}/walk-in-guests/", "302 403 302 302 403",
     {"name": "Zoë"}),
    ("post", lambda w: f"{A}/dates/{w.slot.pk}/walk-in-guests", "401 403 201 201 403",
     {"name": "Zoë"}),
    ("post", lambda w: f"{A}/dates/{w.members_slot.pk}/walk-in-guests", "401 403 201 201 404",
     {"name": "Zoë"}),
    ("get", lambda w: f"{A}/dates/{w.slot.pk}/walk-in-guests", "401 403 200 200 403", None),
]  # fmt: skip


@pytest.fixture
def world(agenda: Any) -> Any:
    c = agenda.c
    actions.occurrence_register(actor=c.chloe, occurrence=agenda.slot)
    agenda.dries_reg = actions.occurrence_register(actor=c.dries, occurrence=agenda.slot)
    return agenda


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client: Any, world: Any, persona: str) -> None:
    user = None if persona == "anonymous" else getattr(world.c, persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url_of, expected, data in ROWS:
        url = url_of(world)
        data = data(world) if callable(data) else data
        want = int(expected.split()[PERSONAS.index(persona)])
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            elif method == "delete":
                response = client.delete(url)
            elif method == "put":
                response = client.put(url, json.dumps(data), content_type="application/json")
            elif method == "patch":
                response = client.patch(url, json.dumps(data), content_type="application/json")
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(data or {}), content_type="application/json")
            else:
                response = client.post(url, data or {})
            transaction.set_rollback(True)
        if response.status_code != want:
            failures.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
        if url.startswith("/api/") and response.status_code >= 400:
            body = response.json()
            assert set(body) >= {"detail", "code"}, (url, body)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", ["anonymous", "eva"])
def test_members_event_never_reaches_a_stranger(client: Any, world: Any, persona: str) -> None:
    """Not in the list, the feed or the API; its page and file are 404."""
    if persona == "eva":
        client.force_login(world.c.eva)
    secret = "Members' brewing night"
    seen = [
        client.get(f"{L}/").content.decode(),
        client.get(f"{L}/calendar.ics").content.decode(),
        client.get(f"{A}/collective/brasserie-zinneke/events").content.decode(),
    ]
    assert all(secret not in text and "Members&#x27; brewing night" not in text for text in seen)
    assert all("Repair café" in text or "Repair caf" in text for text in seen)
    assert client.get(f"/events/{world.members_meetup.pk}/").status_code == 404


def test_members_event_reaches_a_member(client: Any, world: Any) -> None:
    client.force_login(world.c.chloe)
    assert "brewing night" in client.get(f"{L}/").content.decode()
    assert "brewing night" in client.get(f"{L}/calendar.ics").content.decode()
    api = client.get(f"{A}/collective/brasserie-zinneke/events").json()
    assert {row["event"]["title"] for row in api["items"]} == {
        "Repair café",
        "Members' brewing night",
    }
