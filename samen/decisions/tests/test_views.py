"""Decision pages beyond access: the htmx ballot, errors that write nothing, the results
chart, query counts, anonymity on the page and in the CSV, and a consent proposal from
objection to outcome published as news."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samen.decisions import actions
from samen.decisions.errors import DecisionError
from samen.decisions.models import Poll, Stance
from samen.decisions.tests.conftest import option, week

pytestmark = pytest.mark.django_db

D = "/decisions/collective/brasserie-zinneke"


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(client, world):
    client.force_login(world.c.chloe)
    few = _count(client, f"{D}/")
    for i in range(8):
        actions.poll_create(actor=world.c.bram, owner=world.c.collective, kind="proposal",
                            title=f"P{i}", closes_at=week())  # fmt: skip
    assert _count(client, f"{D}/") == few


def test_poll_page_queries_do_not_grow_with_votes(client, world, add_members):
    client.force_login(world.c.chloe)
    poll = world.proposal
    url = poll.get_absolute_url()
    actions.stance_cast(actor=world.c.bram, poll=poll, choices=[(option(poll, "agree"), 1)])
    few = _count(client, url)
    for person in add_members(6):
        actions.stance_cast(actor=person, poll=poll, choices=[(option(poll, "abstain"), 1)])
    assert _count(client, url) == few


def test_htmx_vote_returns_the_ballot_and_results_in_place(client, world):
    client.force_login(world.c.chloe)
    poll = world.proposal
    response = client.post(
        f"/decisions/polls/{poll.pk}/vote/",
        {"choice": option(poll, "agree"), "reason": "Good idea"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="poll-body">')
    assert "Change your vote" in body
    assert 'style="width: 100%"' in body  # one agree of one: the full bar
    assert "Chloé" in body
    assert "Good idea" in body


def test_block_without_reason_is_a_form_error_and_writes_nothing(client, world):
    client.force_login(world.c.chloe)
    poll = world.proposal
    response = client.post(f"/decisions/polls/{poll.pk}/vote/", {"choice": option(poll, "block")})
    assert response.status_code == 400
    assert "a block or an objection needs one" in response.content.decode()
    assert not Stance.objects.filter(poll=poll).exists()


def test_new_poll_form_refuses_a_past_deadline(client, world):
    client.force_login(world.c.chloe)
    response = client.post(f"{D}/new/", {
        "kind": "single", "title": "Late", "options": "A\nB", "closes_at": "2020-01-01T10:00",
        "audience": "members", "max_score": 5, "dots": 10, "max_choices": 0,
    })  # fmt: skip
    assert response.status_code == 400
    assert "at least an hour from now" in response.content.decode()


def test_score_ballot_through_the_page(client, world):
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="ranked", title="Name",
                               options=["Zenne", "Senne", "Kanal"], closes_at=week())  # fmt: skip
    client.force_login(c.chloe)
    ids = [option(poll, n) for n in ("Zenne", "Senne", "Kanal")]
    repeated = client.post(f"/decisions/polls/{poll.pk}/vote/", {f"o{ids[0]}": 1, f"o{ids[1]}": 1})
    assert repeated.status_code == 400
    client.post(f"/decisions/polls/{poll.pk}/vote/", {f"o{ids[1]}": 1, f"o{ids[0]}": 2})
    stance = Stance.objects.get(poll=poll, latest=True)
    assert {ch.option_id: ch.score for ch in stance.choices.all()} == {ids[1]: 1, ids[0]: 2}
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Instant run-off, round by round" in page


def test_anonymous_poll_shows_no_names_on_the_page_or_in_the_csv(client, world):
    c, poll = world.c, world.secret
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "Late shift"), 1)],
                        reason="I like evenings")  # fmt: skip
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    body = page.split('<div id="poll-body">', 1)[1]
    assert "I like evenings" not in body
    assert "Bram" not in body
    rows = list(csv.reader(io.StringIO(client.get(f"/decisions/polls/{poll.pk}/export.csv")
                                       .content.decode())))  # fmt: skip
    assert rows == [["Early shift", "Late shift", "Reason"], ["", "1", "I like evenings"]]
    named = world.proposal
    actions.stance_cast(actor=c.bram, poll=named, choices=[(option(named, "agree"), 1)])
    rows = list(csv.reader(io.StringIO(client.get(f"/decisions/polls/{named.pk}/export.csv")
                                       .content.decode())))  # fmt: skip
    assert rows[1][0] == "Bram"


def test_the_csv_gives_vote_times_in_brussels_time(client, world):
    """A vote cast at 23:30 UTC on 31 December was cast on New Year's Day in Brussels."""
    c, named = world.c, world.proposal
    actions.stance_cast(actor=c.bram, poll=named, choices=[(option(named, "agree"), 1)])
    Stance.objects.filter(poll=named).update(
        created_at=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    )
    client.force_login(c.chloe)
    rows = list(csv.reader(io.StringIO(client.get(f"/decisions/polls/{named.pk}/export.csv")
                                       .content.decode())))  # fmt: skip
    assert rows[1][:2] == ["Bram", "2027-01-01T00:30:00+01:00"]


def test_hidden_results_until_the_close(client, world):
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="single", title="Hidden",
                               options=["A", "B"], hide_results=True, closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "A"), 1)])
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "The results are hidden until the close." in page
    assert client.get(f"/decisions/polls/{poll.pk}/export.csv").status_code == 403
    actions.poll_close(actor=c.bram, poll=poll)
    assert 'data-testid="results"' in client.get(poll.get_absolute_url()).content.decode()


def test_consent_from_objection_to_outcome_as_news(client, world):
    """The browser flow of the issue, through HTTP: an objection with a reason, the author
    amends, nobody objects by the close, the outcome is published as news."""
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="consent",
                               title="Sunday opening", details="Open 10-14h.",
                               closes_at=week())  # fmt: skip
    client.force_login(c.chloe)
    client.post(f"/decisions/polls/{poll.pk}/vote/",
                {"choice": option(poll, "object"), "reason": "Who staffs it?"})  # fmt: skip
    assert "Does not pass" in client.get(poll.get_absolute_url()).content.decode()
    client.force_login(c.bram)
    client.post(f"/decisions/polls/{poll.pk}/amend/", {"details": "Open 10-14h; Bram staffs."})
    client.post(f"/decisions/polls/{poll.pk}/close/")
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Passes" in page
    assert "Bram staffs" in page
    client.post(f"/decisions/polls/{poll.pk}/outcome/",
                {"statement": "We open on Sundays.", "publish_news": "on"})  # fmt: skip
    poll.outcome.refresh_from_db()
    assert poll.outcome.news is not None
    client.force_login(c.chloe)
    closed = client.get(f"{D}/?state=closed").content.decode()
    assert "We open on Sundays." in closed
    assert "Sunday opening" not in client.get(f"{D}/").content.decode()


def test_markdown_details_are_sanitised(client, world):
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal", title="XSS",
                               details='<script>alert(1)</script> *ok* <img src=x onerror="x()">',
                               closes_at=week())  # fmt: skip
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "<em>ok</em>" in page


def test_register_search_and_export(client, world):
    c = world.c
    actions.stance_cast(actor=c.chloe, poll=world.proposal,
                        choices=[(option(world.proposal, "agree"), 1)])  # fmt: skip
    for poll in (world.proposal, world.open_poll):
        actions.poll_close(actor=c.bram, poll=poll)
    actions.outcome_set(actor=c.bram, poll=world.proposal, statement="Stout in November.")
    client.force_login(c.chloe)
    found = client.get(f"{D}/?state=closed&q=november").content.decode()
    assert "Brew a winter stout" in found
    assert "Which beer next?" not in found
    rows = list(csv.DictReader(io.StringIO(client.get(f"{D}/register.csv").content.decode())))
    assert [(r["title"], r["result"], r["outcome"]) for r in rows] == [
        ("Which beer next?", "", ""),
        ("Brew a winter stout", "passed", "Stout in November."),
    ]
    data = client.get(f"{D}/register.json?q=stout").json()
    assert [d["participants"] for d in data["decisions"]] == [1]
    client.force_login(c.eva)  # a stranger's register has only the open network poll
    data = client.get(f"{D}/register.json").json()
    assert [d["title"] for d in data["decisions"]] == ["Which beer next?"]
    assert client.get(f"{D}/register.xml").status_code == 404


def test_a_chapter_decides_with_its_connector_and_members(client, community, make_user):
    from samen.communities.actions import chapter_create, chapter_join

    c = community
    c.anna.is_staff = True
    c.anna.save(update_fields=["is_staff"])
    chapter = chapter_create(actor=c.anna, name="Gent", slug="gent", connectors=[c.gilles])
    chapter_join(actor=c.chloe, chapter=chapter)
    poll = actions.poll_create(actor=c.gilles, owner=chapter, kind="consent",
                               title="Monthly meetup", closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "consent"), 1)])
    client.force_login(c.eva)
    assert client.get(poll.get_absolute_url()).status_code == 404
    client.force_login(c.chloe)
    page = client.get("/decisions/chapter/gent/").content.decode()
    assert "Monthly meetup" in page
    client.force_login(c.gilles)
    assert client.post(f"/decisions/polls/{poll.pk}/close/").status_code == 302


def test_a_decision_from_a_discussion_links_back_for_its_readers_only(client, world):
    from samen.conversations import actions as talk

    c = world.c
    ideas = talk.category_create(actor=c.bram, owner=c.collective, name="Ideas")  # members
    topic = talk.topic_create(actor=c.chloe, category=ideas, title="Secret recipe", body="Hops")
    other = talk.category_create(actor=c.gilles, owner=c.other_collective, name="Elsewhere")
    elsewhere = talk.topic_create(actor=c.gilles, category=other, title="Mushrooms", body="Yes")
    with pytest.raises(DecisionError):
        actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal", title="No",
                            closes_at=week(), topic=elsewhere)  # fmt: skip
    client.force_login(c.chloe)
    client.post(f"{D}/new/", {
        "kind": "single", "title": "Which hops?", "options": "Saaz\nCascade",
        "closes_at": week().strftime("%Y-%m-%dT%H:%M"), "audience": "signed_in",
        "max_score": 5, "dots": 10, "max_choices": 0, "topic": topic.pk,
    })  # fmt: skip
    poll = Poll.objects.get(title="Which hops?")
    assert poll.topic == topic
    assert "Secret recipe" in client.get(poll.get_absolute_url()).content.decode()
    client.force_login(c.eva)  # sees the open poll, not the members' topic
    assert "Secret recipe" not in client.get(poll.get_absolute_url()).content.decode()
    assert client.get(f"/api/v1/decisions/polls/{poll.pk}").json()["topic"] is None


def test_a_link_with_a_choice_preselects_it_without_voting(client, world):
    poll = world.proposal
    client.force_login(world.c.chloe)
    agree = option(poll, "agree")
    page = client.get(f"{poll.get_absolute_url()}?choice={agree}").content.decode()
    (checked,) = re.findall(r"<input[^>]*\bchecked\b[^>]*>", page)
    assert f'value="{agree}"' in checked
    assert not Stance.objects.filter(poll=poll).exists()


def test_the_timeline_from_start_to_outcome(client, world):
    """Start, the objection with its reason, the amendment, the close at the deadline and
    the outcome, in order, on the page and in the API; an anonymous poll's objections are
    not in it."""
    c = world.c
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="consent",
                               title="Open on Sundays", closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "object"), 1)],
                        reason="Who staffs it?")  # fmt: skip
    actions.poll_amend(actor=c.bram, poll=poll, details="Bram staffs it.")
    with time_machine.travel(poll.closes_at + timedelta(minutes=1)):
        actions.polls_close_due()
        actions.outcome_set(actor=c.bram, poll=poll, statement="Open from May.")
    expected = ["Started by Bram", "Chloé objects", "Bram amended the proposal",
                "Closed at the deadline", "Bram wrote the outcome"]  # fmt: skip
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    section = page.split('data-testid="timeline"', 1)[1].split("</section>", 1)[0]
    found = [text for text in expected if text in section]
    assert found == expected
    assert sorted(expected, key=section.index) == expected
    assert "Who staffs it?" in section
    api = client.get(f"/api/v1/decisions/polls/{poll.pk}").json()["timeline"]
    assert [m["text"] for m in api] == expected
    assert api[1]["detail"] == "Who staffs it?"
    secret = actions.poll_create(actor=c.bram, owner=c.collective, kind="consent",
                                 title="Quiet hours", anonymous=True, closes_at=week())  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=secret, choices=[(option(secret, "object"), 1)],
                        reason="Too early")  # fmt: skip
    body = client.get(secret.get_absolute_url()).content.decode()
    assert "Chloé objects" not in body
    assert [m["text"] for m in client.get(f"/api/v1/decisions/polls/{secret.pk}").json()[
        "timeline"]] == ["Started by Bram"]  # fmt: skip
