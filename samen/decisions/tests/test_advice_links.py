"""The advice process, polls for listed people, signed vote links from e-mails, the
navigation to decisions and the demo data."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samen.core.demo import SEED_ORDER
from samen.decisions import actions, queries
from samen.decisions.errors import DecisionError
from samen.decisions.links import LINK_DAYS, vote_path, vote_token
from samen.decisions.models import NamedPerson, Outcome, Poll, Stance
from samen.decisions.privacy import erase_data, export_data
from samen.decisions.tests.conftest import option, week

pytestmark = pytest.mark.django_db

D = "/decisions/collective/brasserie-zinneke"
A = "/api/v1/decisions"


def _advice(c: Any, **extra: Any) -> Poll:
    return actions.poll_create(
        actor=c.bram, owner=c.collective, kind="advice", title="Buy a second fermenter",
        closes_at=week(), affected=[c.chloe], experts=[c.bram], **extra,
    )  # fmt: skip


def _post(client: Any, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


# --- the advice process ----------------------------------------------------------------------


def test_advice_needs_advisors_members_and_names(community, add_members):
    c = community
    base: dict[str, Any] = {"actor": c.bram, "owner": c.collective, "kind": "advice", "title": "T",
            "closes_at": week()}  # fmt: skip
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({}, "advisors_missing", "affected"),
        ({"affected": [c.eva]}, "not_member", "affected"),
        ({"experts": [c.gilles]}, "not_member", "experts"),
        ({"affected": [c.chloe], "anonymous": True}, "anonymous_advice", "anonymous"),
    ]
    for extra, code, field in cases:
        with pytest.raises(DecisionError) as refused:
            actions.poll_create(**base, **extra)
        assert (refused.value.code, refused.value.field) == (code, field)
    assert not Poll.objects.filter(title="T").exists()


def test_advice_asks_the_advisors_and_the_author_records_the_decision(community, add_members):
    c = community
    other = add_members(1)[0]
    poll = _advice(c)
    assert {(n.person, n.role) for n in NamedPerson.objects.filter(poll=poll)} == {
        (c.chloe, "affected"), (c.bram, "expert"),
    }  # fmt: skip
    # The advisor is asked for advice; the other members hear of a new decision.
    from samen.notifications.models import Notification

    kinds = dict(Notification.objects.filter(target_id=poll.pk).values_list("recipient", "kind"))
    assert kinds[c.chloe.pk] == "decisions.advice_asked"
    assert kinds[other.pk] == "decisions.new_poll"
    with pytest.raises(DecisionError) as refused:
        actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "support"), 1)])
    assert refused.value.code == "advice_missing"
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "concern"), 1)],
                        reason="Buy it second-hand.")  # fmt: skip
    advisors = queries.advisors(poll)
    assert [(a.name, a.stance is not None) for a in advisors] == [("Chloé", True), ("Bram", False)]
    assert list(queries.waiting_people(poll)) == [c.bram]  # the reminder goes to advisors
    results = queries.poll_results(poll)
    assert (results.passed, results.winner) == (None, None)  # the author decides, not a count
    actions.poll_close(actor=c.bram, poll=poll)
    outcome = actions.outcome_set(actor=c.bram, poll=poll, statement="We buy one second-hand.")
    assert outcome.statement == "We buy one second-hand."


def test_advice_page_shows_advisors_and_the_decision_form(client, community):
    c = community
    poll = _advice(c)
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Give my advice" in page
    assert "Your advice" in page
    response = client.post(f"/decisions/polls/{poll.pk}/vote/",
                           {"choice": option(poll, "support")})  # fmt: skip
    assert response.status_code == 400
    assert "Write your advice" in response.content.decode()
    client.post(f"/decisions/polls/{poll.pk}/vote/",
                {"choice": option(poll, "support"), "reason": "Go for it"})  # fmt: skip
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Advice from 1 of 2 advisors" in page
    assert "Go for it" in page
    assert "Affected" in page
    assert "no advice yet" in page
    client.force_login(c.bram)
    client.post(f"/decisions/polls/{poll.pk}/close/")
    form = client.get(f"/decisions/polls/{poll.pk}/outcome/").content.decode()
    assert "The decision you took" in form


def test_advice_form_on_the_new_decision_page(client, community):
    c = community
    client.force_login(c.bram)
    closes = week().strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "advice", "title": "Hire a brewer", "closes_at": closes,
            "audience": "members", "max_score": 5, "dots": 10, "max_choices": 0}  # fmt: skip
    response = client.post(f"{D}/new/", data)
    assert response.status_code == 400
    assert "Name at least one person" in response.content.decode()
    page = client.get(f"{D}/new/").content.decode()
    assert "Chloé" in page
    assert c.chloe.email not in page
    response = client.post(f"{D}/new/", {**data, "affected": [c.chloe.pk]})
    assert response.status_code == 302
    assert Poll.objects.get(title="Hire a brewer").named.get().person == c.chloe


def test_advice_through_the_api(client, community):
    c = community
    client.force_login(c.bram)
    payload = {"kind": "advice", "title": "Hire a brewer", "closes_at": week().isoformat(),
               "affected": [c.chloe.pk], "experts": [c.bram.pk]}  # fmt: skip
    refused = _post(client, f"{A}/collective/brasserie-zinneke/polls",
                    {**payload, "affected": [c.eva.pk]})  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (422, "not_member")
    body = _post(client, f"{A}/collective/brasserie-zinneke/polls", payload).json()
    assert [(a["name"], a["advice"]) for a in body["advisors"]] == [("Chloé", None), ("Bram", None)]
    client.force_login(c.chloe)
    vote = _post(
        client,
        f"{A}/polls/{body['id']}/votes",
        {"choices": [{"option": option(Poll.objects.get(pk=body["id"]), "support")}]},
    )
    assert (vote.status_code, vote.json()["code"]) == (422, "advice_missing")
    poll = Poll.objects.get(pk=body["id"])
    ok = _post(client, f"{A}/polls/{poll.pk}/votes",
               {"choices": [{"option": option(poll, "support")}], "reason": "Yes"})  # fmt: skip
    assert ok.json()["advisors"][0]["advice"]["reason"] == "Yes"


def test_named_people_in_export_and_erasure(community):
    c = community
    poll = _advice(c)
    assert export_data(c.chloe)["named"] == [{"poll": poll.title, "role": "affected"}]
    erase_data(c.chloe)
    assert [a.name for a in queries.advisors(poll)] == ["Former member", "Bram"]


# --- listed people ---------------------------------------------------------------------------


def test_a_poll_for_listed_people_only(client, community, add_members):
    c = community
    with pytest.raises(DecisionError) as refused:
        actions.poll_create(actor=c.bram, owner=c.collective, kind="single", title="Who?",
                            options=["A", "B"], audience="listed", closes_at=week())  # fmt: skip
    assert refused.value.code == "people_missing"
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="single", title="Who?",
                               options=["A", "B"], audience="listed", listed=[c.chloe],
                               closes_at=week())  # fmt: skip
    other = add_members(1)[0]
    assert list(queries.eligible_people(poll)) == [c.chloe]
    with pytest.raises(PermissionDenied):
        actions.stance_cast(actor=other, poll=poll, choices=[(option(poll, "A"), 1)])
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "A"), 1)])
    assert queries.poll_results(poll).eligible == 1
    client.force_login(other)
    assert client.get(poll.get_absolute_url()).status_code == 200  # members still read it
    assert "Your vote" not in client.get(poll.get_absolute_url()).content.decode()


# --- signed vote links -----------------------------------------------------------------------


def test_invitation_email_carries_signed_links_for_its_recipient(
    community, add_members, django_capture_on_commit_callbacks
):
    c = community
    with django_capture_on_commit_callbacks(execute=True):
        poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                                   title="Brew a stout", closes_at=week())  # fmt: skip
    to_chloe = next(m for m in mail.outbox if m.to == [c.chloe.email])
    links = re.findall(r"http\S+/decisions/vote/(\S+)/", str(to_chloe.body))
    assert len(links) == 4  # agree, abstain, disagree, block
    assert "Agree: http" in to_chloe.body
    token = signing.loads(links[0], salt="samen.decisions.vote-link")
    assert token == {"p": poll.pk, "u": c.chloe.pk, "o": option(poll, "agree")}


def test_invitation_and_reminder_in_each_recipients_language(
    community, add_members, django_capture_on_commit_callbacks
):
    """Chloé reads Dutch, m0 French: the invitation comes in Dutch with her vote links; a
    day before the close those who have not voted (m0, and Bram who started it) are
    reminded, m0 in French with his own links; Chloé, who voted, is not."""
    from samen.accounts.actions import user_set_language
    from samen.decisions import tasks

    c = community
    (m0,) = add_members(1)
    user_set_language(actor=c.chloe, language="nl")
    user_set_language(actor=m0, language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                                   title="Brew a stout", closes_at=week())  # fmt: skip
    to_chloe = next(m for m in mail.outbox if m.to == [c.chloe.email])
    assert "Bram vraagt je deel te nemen aan “Brew a stout”" in f"{to_chloe.subject}{to_chloe.body}"
    assert "Neem deel vanuit deze e-mail" in to_chloe.body
    assert "Akkoord: http" in to_chloe.body
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    mail.outbox.clear()
    with (
        time_machine.travel(poll.closes_at - timedelta(hours=23)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.remind_closing_polls.enqueue()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([c.bram.email, m0.email])
    to_m0 = next(m for m in mail.outbox if m.to == [m0.email])
    reminder = str(to_m0.body)
    assert "« Brew a stout » se clôture dans moins d\u2019un jour" in f"{to_m0.subject}{reminder}"
    links = re.findall(r"http\S+/decisions/vote/(\S+)/", reminder)
    assert len(links) == 4
    assert signing.loads(links[0], salt="samen.decisions.vote-link")["u"] == m0.pk


def test_link_opens_a_confirmation_and_votes_only_on_post(client, community):
    c = community
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                               title="Brew a stout", closes_at=week())  # fmt: skip
    url = vote_path(poll, c.chloe, option(poll, "agree"))
    page = client.get(url)  # not logged in: the link is the person's own
    assert page.status_code == 200
    body = page.content.decode()
    assert "Confirm my vote" in body
    assert "You take part as Chloé" in body
    assert f'value="{option(poll, "agree")}"' in body.split("checked")[0][-200:]
    assert not Stance.objects.filter(poll=poll).exists()  # a GET never votes
    block = client.post(url, {"choice": option(poll, "block")})
    assert block.status_code == 400
    assert "needs one" in block.content.decode()
    assert not Stance.objects.filter(poll=poll).exists()
    done = client.post(url, {"choice": option(poll, "agree"), "reason": "Yes"})
    assert done.status_code == 200
    assert "your vote is recorded" in done.content.decode()
    stance = Stance.objects.get(poll=poll)
    assert (stance.participant, stance.reason) == (c.chloe, "Yes")


def test_bad_links_get_a_clear_page_and_change_nothing(client, community):
    c = community
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                               title="Brew a stout", closes_at=week())  # fmt: skip
    agree = option(poll, "agree")
    token = vote_token(poll, c.chloe, agree)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.get(f"/decisions/vote/{tampered}/").status_code == 400
    response = client.post(f"/decisions/vote/{tampered}/", {"choice": agree})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    forged = signing.dumps({"p": poll.pk, "u": c.chloe.pk, "o": agree}, salt="other")
    assert client.get(f"/decisions/vote/{forged}/").status_code == 400
    stranger = vote_path(poll, c.eva, agree)  # signed, but for someone who may not vote
    assert client.get(stranger).status_code == 403
    with time_machine.travel(timezone.now() + timedelta(days=LINK_DAYS, hours=1)):
        expired = client.post(f"/decisions/vote/{token}/", {"choice": agree})
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    client.force_login(c.bram)  # someone else's link while logged in
    other = client.post(f"/decisions/vote/{token}/", {"choice": agree})
    assert other.status_code == 403
    assert "someone else" in other.content.decode()
    client.logout()
    actions.poll_close(actor=c.bram, poll=poll)
    closed = client.post(f"/decisions/vote/{token}/", {"choice": agree})
    assert closed.status_code == 409
    assert "closed" in closed.content.decode()
    assert not Stance.objects.filter(poll=poll).exists()


def test_link_to_a_ballot_of_several_fields(client, community):
    c = community
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="score", title="Rate",
                               options=["A", "B"], closes_at=week())  # fmt: skip
    url = vote_path(poll, c.chloe)
    a, b = option(poll, "A"), option(poll, "B")
    assert client.post(url, {f"o{a}": 9, f"o{b}": 1}).status_code == 400  # 9 > 5
    assert client.post(url, {f"o{a}": 4, f"o{b}": 1}).status_code == 200
    assert queries.poll_results(poll).options[0].total == 4


# --- navigation and demo ---------------------------------------------------------------------


def test_nav_and_community_pages_link_to_decisions(client, community):
    c = community
    poll = _advice(c)
    client.force_login(c.chloe)
    home = client.get("/decisions/").content.decode()
    assert 'href="/decisions/"' in home
    assert poll.title in home
    assert "Waiting for you" in home
    page = client.get("/collectives/brasserie-zinneke/").content.decode()
    assert f'href="{D}/"' in page
    client.force_login(c.eva)
    assert poll.title not in client.get("/decisions/").content.decode()


def test_demo_decisions_are_seeded_once():
    for app in [a for a in SEED_ORDER if a in {"accounts", "communities", "decisions"}]:
        import_module(f"samen.{app}.demo").seed()
    count = Poll.objects.count()
    kinds = set(Poll.objects.values_list("kind", flat=True))
    assert {"consent", "proposal", "ranked", "advice", "meeting", "dots"} <= kinds
    picnic = Poll.objects.get(kind="ranked")
    assert len(queries.poll_results(picnic).rounds) == 3
    meetup = Poll.objects.get(kind="consent", title="Move our monthly meetup to another day")
    assert meetup.chapter is not None  # a chapter's consent in progress
    assert meetup.is_open()
    assert meetup.amended_at is not None
    assert meetup.quorum_percent == 50
    assert Poll.objects.get(kind="meeting").chapter is not None
    stout = Outcome.objects.get(poll__title="Brew a winter stout")
    assert stout.news is not None
    assert Poll.objects.filter(closed_at__isnull=True).count() >= 3
    assert Outcome.objects.get(poll__title="House rules: clean the kettle").rules is not None
    impact = Poll.objects.get(kind="survey", published_at__isnull=False)
    results = queries.survey_results(impact)
    assert results.participants == 30
    faster = results.questions[0].options[:2]  # "much" and "somewhat" faster
    assert sum(r.count for r in faster) * 2 > 30
    import_module("samen.decisions.demo").seed()
    assert Poll.objects.count() == count


# --- house rules by decision -----------------------------------------------------------------


def test_house_rules_change_passed_by_decision_becomes_the_new_version(client, community):
    c = community
    with pytest.raises(DecisionError) as refused:  # a member may not, nor in a single poll
        actions.poll_create(actor=c.chloe, owner=c.collective, kind="proposal", title="Rules",
                            closes_at=week(), rules_text="Be kind.")  # fmt: skip
    assert refused.value.code == "rules_admins"
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                               title="New house rules", closes_at=week(),
                               rules_text="Be kind.\n\nClean the kettle.")  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    actions.poll_close(actor=c.bram, poll=poll)
    outcome = actions.outcome_set(actor=c.bram, poll=poll, statement="Adopted.")
    assert outcome.rules is not None
    assert outcome.rules.text.startswith("Be kind.")
    assert poll.get_absolute_url() in outcome.rules.text  # the version links its decision
    version = outcome.rules.version
    actions.outcome_set(actor=c.bram, poll=poll, statement="Adopted, again.")  # once only
    from samen.communities.queries import current_rules

    current = current_rules(c.collective)
    assert current is not None
    assert current.version == version
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    assert f"Adopted as house rules version {version}" in page
    body = client.get(f"{A}/polls/{poll.pk}").json()
    assert body["outcome"]["rules_version"] == version
    assert body["rules_text"].startswith("Be kind.")


def test_a_rejected_rules_change_changes_no_rules(community):
    c = community
    poll = actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal",
                               title="New rules", closes_at=week(), rules_text="No.")  # fmt: skip
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "block"), 1)],
                        reason="Too strict")  # fmt: skip
    actions.poll_close(actor=c.bram, poll=poll)
    assert actions.outcome_set(actor=c.bram, poll=poll, statement="Blocked.").rules is None
