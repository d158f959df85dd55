"""Every decision page and endpoint for anonymous, member (chloé), collective admin (bram),
host admin (anna) and a stranger (eva). Pages send anonymous visitors to log in (302), the
API answers 401; what a person may not know about answers 404. Each row runs in a
transaction that is rolled back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from samen.decisions import actions
from samen.decisions.tests.conftest import option, week
from samen.funding.actions import contribution_mark_paid
from samen.funding.tests.factories import give_by_bank, make_campaign

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva"]
D = "/decisions/collective/brasserie-zinneke"
A = "/api/v1/decisions"

# The body is a dict, or a function of the world when it needs its option ids.
Body = dict[str, Any] | Callable[[Any], dict[str, Any]] | None
Row = tuple[str, Callable[[Any], str], str, Body]


def _local(moment: Any) -> str:
    """A moment as a ``datetime-local`` field sends it."""
    return str(timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M"))


def _vote(poll: Any, key: str) -> dict[str, Any]:
    return {"choices": [{"option": option(poll, key), "score": 1}]}


ROWS: list[Row] = [
    ("get", lambda w: f"{D}/", "200 200 200 200 200", None),
    ("get", lambda w: f"{D}/?state=closed", "200 200 200 200 200", None),
    ("get", lambda w: f"{D}/new/", "302 200 200 403 403", None),
    ("get", lambda w: f"{D}/settings/", "302 403 200 403 403", None),
    ("post", lambda w: f"{D}/settings/", "302 403 302 403 403", {"starters": "admins"}),
    ("get", lambda w: f"{D}/register.csv", "200 200 200 200 200", None),
    ("post", lambda w: f"{D}/new/", "302 302 302 403 403",
     lambda w: {"kind": "proposal", "title": "Paint the door", "closes_at": _local(week()),
                "audience": "members", "max_score": 5, "dots": 10, "max_choices": 0}),
    ("get", lambda w: f"/decisions/polls/{w.proposal.pk}/", "404 200 200 200 404", None),
    ("get", lambda w: f"/decisions/polls/{w.open_poll.pk}/", "200 200 200 200 200", None),
    ("post", lambda w: f"/decisions/polls/{w.proposal.pk}/vote/", "302 302 302 403 404",
     lambda w: {"choice": option(w.proposal, "agree")}),
    ("post", lambda w: f"/decisions/polls/{w.open_poll.pk}/vote/", "302 302 302 302 302",
     lambda w: {"choice": option(w.open_poll, "Stout")}),
    ("post", lambda w: f"/decisions/polls/{w.proposal.pk}/close/", "302 403 302 403 404", None),
    ("post", lambda w: f"/decisions/polls/{w.proposal.pk}/amend/", "302 403 302 403 404",
     {"details": "Better"}),
    ("post", lambda w: f"/decisions/polls/{w.proposal.pk}/extend/", "302 403 302 403 404",
     lambda w: {"closes_at": _local(week())}),
    ("get", lambda w: f"/decisions/polls/{w.closed.pk}/outcome/", "302 403 200 403 404", None),
    ("post", lambda w: f"/decisions/polls/{w.closed.pk}/outcome/", "302 403 302 403 404",
     {"statement": "Done"}),
    ("get", lambda w: f"/decisions/polls/{w.proposal.pk}/export.csv", "404 200 200 200 404", None),
    # the API
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/polls", "200 200 200 200 200", None),
    ("post", lambda w: f"{A}/collective/brasserie-zinneke/polls", "401 201 201 403 403",
     lambda w: {"kind": "single", "title": "Colour?", "options": ["Red", "Blue"],
                "closes_at": week().isoformat()}),
    ("get", lambda w: f"{A}/polls/{w.proposal.pk}", "404 200 200 200 404", None),
    ("get", lambda w: f"{A}/polls/{w.open_poll.pk}", "200 200 200 200 200", None),
    ("post", lambda w: f"{A}/polls/{w.proposal.pk}/votes", "401 201 201 403 404",
     lambda w: _vote(w.proposal, "agree")),
    ("post", lambda w: f"{A}/polls/{w.open_poll.pk}/votes", "401 201 201 201 201",
     lambda w: _vote(w.open_poll, "Saison")),
    ("post", lambda w: f"{A}/polls/{w.proposal.pk}/close", "401 403 200 403 404", None),
    ("post", lambda w: f"{A}/polls/{w.closed.pk}/outcome", "401 403 201 403 404",
     {"statement": "Done"}),
    ("post", lambda w: f"{A}/polls/{w.proposal.pk}/amend", "401 403 200 403 404",
     {"details": "Better"}),
    ("post", lambda w: f"{A}/polls/{w.proposal.pk}/extend", "401 403 200 403 404",
     lambda w: {"closes_at": week().isoformat()}),
    ("get", lambda w: f"{A}/collective/brasserie-zinneke/register", "200 200 200 200 200", None),
    # results filtered by segment: whoever reads the results
    ("get", lambda w: f"/decisions/polls/{w.proposal.pk}/?segment=admins",
     "404 200 200 200 404", None),
    ("get", lambda w: f"{A}/polls/{w.proposal.pk}?segment=debtors", "404 200 200 200 404", None),
    ("get", lambda w: f"/decisions/polls/{w.proposal.pk}/export.csv?segment=role-coaches",
     "404 200 200 200 404", None),
    # who may take part: a campaign's backers (eva backed it), a survey to the members,
    # its results filtered by segment, the host's impact survey
    ("get", lambda w: f"/decisions/polls/{w.backers.pk}/", "404 200 200 200 200", None),
    ("post", lambda w: f"{A}/polls/{w.backers.pk}/votes", "401 403 403 403 201",
     lambda w: _vote(w.backers, "Red")),
    ("post", lambda w: f"{A}/surveys/{w.survey.pk}/answers", "401 201 201 403 404",
     lambda w: _answer(w.survey)),
    ("post", lambda w: f"/decisions/polls/{w.survey.pk}/answer/", "302 302 302 403 404",
     lambda w: {f"q{w.survey.questions.get().pk}": option(w.survey, "yes")}),
    ("get", lambda w: f"{A}/surveys/{w.survey.pk}?segment=admins", "404 200 200 200 404", None),
    ("get", lambda w: f"/decisions/polls/{w.survey.pk}/?segment=followers",
     "404 200 200 200 404", None),
    ("get", lambda w: f"/decisions/polls/{w.survey.pk}/export.csv?segment=admins",
     "404 200 200 200 404", None),
    ("post", lambda w: "/decisions/host/brussels-commons/surveys/impact/",
     "302 403 403 302 403", None),
    ("post", lambda w: f"{A}/host/brussels-commons/surveys/impact", "401 403 403 201 403", None),
    ("post", lambda w: f"{A}/surveys/{w.survey.pk}/publish", "401 422 422 422 404", None),
]  # fmt: skip


def _answer(survey: Any) -> dict[str, Any]:
    question = survey.questions.get()
    return {"answers": [{"question": question.pk, "options": [option(survey, "yes")]}]}


@pytest.fixture
def matrix_world(world: Any) -> Any:
    c = world.c
    world.closed = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                                       title="Old question", closes_at=week())  # fmt: skip
    actions.poll_close(actor=c.bram, poll=world.closed)
    campaign = make_campaign(c)
    backing = give_by_bank(c.collective, campaign=campaign, actor=c.eva)
    contribution_mark_paid(actor=None, contribution=backing)
    world.backers = actions.poll_create(actor=c.bram, owner=c.collective, kind="single",
                                        title="Which label?", options=["Red", "Blue"],
                                        closes_at=week(), audience="backers",
                                        campaign=campaign)  # fmt: skip
    world.survey = actions.survey_create(
        actor=c.bram, owner=c.collective, title="Brew more?", closes_at=week(),
        questions=[{"kind": "yes_no", "prompt": "More beer?", "required": True}],
    )  # fmt: skip
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client: Any, matrix_world: Any, persona: str) -> None:
    w = matrix_world
    user = None if persona == "anonymous" else getattr(w.c, persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url_of, expected, body in ROWS:
        url = url_of(w)
        data = body(w) if callable(body) else body
        want = int(expected.split()[PERSONAS.index(persona)])
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(data or {}), content_type="application/json")
            else:
                response = client.post(url, data or {})
            transaction.set_rollback(True)
        if response.status_code != want:
            failures.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


def test_members_poll_never_reaches_a_stranger(client: Any, world: Any) -> None:
    """Not in the list page, not in the API list, not on its page or endpoint."""
    client.force_login(world.c.eva)
    page = client.get(f"{D}/").content.decode()
    api = client.get(f"{A}/collective/brasserie-zinneke/polls").content.decode()
    for text in (page, api):
        assert "Brew a winter stout" not in text
        assert "Who pours on Friday?" not in text
        assert "Which beer next?" in text
    assert client.get(world.proposal.get_absolute_url()).status_code == 404
    assert client.get(f"{A}/polls/{world.proposal.pk}").status_code == 404
    client.logout()
    assert "Brew a winter stout" not in client.get(f"{D}/").content.decode()
    client.force_login(world.c.anna)  # the host's admin watches over its collectives
    assert "Brew a winter stout" in client.get(f"{D}/").content.decode()
