"""Who may take part (a role, a segment: the coaches, the members in debt), surveys sent to a
segment, poll and survey results filtered by segment, the yearly impact survey published on
the host's page, and a campaign polling its backers."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samen.conversations.actions import moderator_add
from samen.credits.actions import wallet
from samen.credits.tests.factories import chloe_owes_one_and_a_half, make_scheme
from samen.decisions import actions, queries, segments
from samen.decisions.errors import DecisionError
from samen.decisions.models import Audience, Poll, PollKind, QuestionKind, Stance
from samen.decisions.tests.conftest import option, week
from samen.events import actions as event_actions
from samen.events.tests.conftest import make_event
from samen.funding import actions as funding_actions
from samen.funding.tests.factories import give_by_bank, make_campaign
from samen.knowledge import actions as knowledge_actions
from samen.ledger.queries import balance
from samen.notifications.models import Notification

pytestmark = pytest.mark.django_db

A = "/api/v1/decisions"
YES_NO = [{"kind": QuestionKind.YES_NO, "prompt": "Was it worth it?", "required": True}]


def _backer(c: Any, campaign: Any, person: Any) -> None:
    contribution = give_by_bank(c.collective, campaign=campaign, actor=person)
    funding_actions.contribution_mark_paid(actor=None, contribution=contribution)


def _yes(person: Any, poll: Poll) -> Stance:
    question = poll.questions.get()
    return actions.survey_answer(
        actor=person, poll=poll, answers={question.pk: [option(poll, "yes")]}
    )


# --- who may take part -----------------------------------------------------------------------


def test_a_role_takes_part_and_the_others_read(community):
    c = community
    moderator_add(actor=c.bram, owner=c.collective, user=c.chloe)
    poll = actions.poll_create(
        actor=c.bram, owner=c.collective, kind="proposal", title="New moderation rules",
        closes_at=week(), audience="role", role="moderators",
    )  # fmt: skip
    assert list(queries.eligible_people(poll)) == [c.chloe]
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    with pytest.raises(PermissionDenied):  # an admin, but not a moderator
        actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "agree"), 1)])
    assert segments.of_poll(poll).label == "The moderators"
    with pytest.raises(DecisionError) as error:
        actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal", title="X",
                            closes_at=week(), audience="role", role="kings")  # fmt: skip
    assert error.value.code == "role_missing"


def test_only_admins_choose_a_segment_and_it_must_be_the_communitys(community):
    c = community
    with pytest.raises(DecisionError) as error:
        actions.poll_create(actor=c.chloe, owner=c.collective, kind="proposal", title="X",
                            closes_at=week(), audience="followers")  # fmt: skip
    assert error.value.code == "segment_admins"
    other = funding_actions.campaign_create(
        actor=c.gilles, collective=c.other_collective, title="Theirs", slug="theirs",
        goal_amount=1000, model="keep_it_all", deadline=week(),
    )  # fmt: skip
    with pytest.raises(DecisionError) as error:
        actions.poll_create(actor=c.bram, owner=c.collective, kind="proposal", title="X",
                            closes_at=week(), audience="backers", campaign=other)  # fmt: skip
    assert error.value.code == "campaign_missing"
    with pytest.raises(DecisionError) as error:
        actions.survey_create(actor=c.bram, owner=c.collective, title="X", closes_at=week(),
                              questions=YES_NO, audience="attendees")  # fmt: skip
    assert error.value.code == "event_missing"
    assert Poll.objects.count() == 0


def test_a_campaign_polls_its_backers(client, community):
    """Eva backed the campaign (no role anywhere): she reads and votes; Chloé, a member who
    did not back it, reads but may not vote; an unpaid promise does not count."""
    c = community
    campaign = make_campaign(c)
    _backer(c, campaign, c.eva)
    give_by_bank(c.collective, campaign=campaign, actor=c.dries)  # never paid
    client.force_login(c.bram)
    response = client.post(
        f"{A}/collective/{c.collective.slug}/polls",
        json.dumps({"kind": "single", "title": "Which label?", "options": ["Red", "Blue"],
                    "closes_at": week().isoformat(), "audience": "backers",
                    "campaign": campaign.pk}),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["audience"] == "backers"
    assert body["campaign"] == campaign.pk
    assert body["segment"] == "The backers of “First brew”"
    assert body["results"]["eligible"] == 1
    poll = Poll.objects.get(pk=body["id"])
    vote = {"choices": [{"option": option(poll, "Red"), "score": 1}]}
    client.force_login(c.eva)
    assert client.get(poll.get_absolute_url()).status_code == 200
    url = f"{A}/polls/{poll.pk}/votes"
    assert client.post(url, vote, content_type="application/json").status_code == 201
    for outsider, status in ((c.chloe, 403), (c.dries, 404)):
        client.force_login(outsider)
        assert client.post(url, vote, content_type="application/json").status_code == status
    assert Stance.objects.filter(poll=poll).count() == 1
    client.force_login(c.bram)  # the campaign page offers the poll to its admins
    page = client.get(f"/collectives/{c.collective.slug}/campaigns/{campaign.slug}/")
    assert "Poll the backers" in page.content.decode()


# --- surveys to a segment --------------------------------------------------------------------


def test_an_answer_from_outside_the_segment_is_refused_and_nothing_is_stored(client, community):
    c = community
    event = make_event(c)
    event_actions.occurrence_register(actor=c.chloe, occurrence=event.occurrences.get())
    survey = actions.survey_create(
        actor=c.bram, owner=c.collective, title="How was the repair café?", closes_at=week(),
        questions=YES_NO, audience="attendees", event=event,
    )  # fmt: skip
    assert list(queries.eligible_people(survey)) == [c.chloe]
    _yes(c.chloe, survey)
    with pytest.raises(DecisionError) as error:
        _yes(c.bram, survey)  # an admin of the collective, not an attendee
    assert error.value.code == "outside_segment"
    assert "The attendees of “Repair café”" in error.value.message
    client.force_login(c.bram)
    question = survey.questions.get()
    answers = {"answers": [{"question": question.pk, "options": [option(survey, "yes")]}]}
    response = client.post(f"{A}/surveys/{survey.pk}/answers", answers,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    assert response.json()["code"] == "outside_segment"
    page = client.post(f"/decisions/polls/{survey.pk}/answer/", {f"q{question.pk}": "x"})
    assert page.status_code == 403
    assert "You are not among them" in page.content.decode()
    assert Stance.objects.filter(poll=survey).count() == 1


def test_results_and_csv_filtered_by_segment(client, community, add_members):
    """A survey to the members; filtered to the admins only Bram's answer counts, to the
    followers nobody's; the CSV follows the filter."""
    c = community
    survey = actions.survey_create(actor=c.bram, owner=c.collective, title="Brew more?",
                                   closes_at=week(), questions=YES_NO)  # fmt: skip
    for person in (c.bram, c.chloe, *add_members(2)):
        _yes(person, survey)
    admins = segments.parse(c.collective, "admins")
    assert admins is not None
    assert queries.survey_results(survey).participants == 4
    filtered = queries.survey_results(survey, segment=admins)
    assert filtered.participants == 1
    assert filtered.eligible == 1
    assert filtered.questions[0].options[0].count == 1
    followers = queries.survey_results(survey, segment=segments.parse(c.collective, "followers"))
    assert followers.participants == 0
    for key in ("event-999999", "event-²", "campaign-99999999999999999999", "role-kings", ""):
        assert segments.parse(c.collective, key) is None, key
    client.force_login(c.bram)
    page = client.get(f"/decisions/polls/{survey.pk}/?segment=admins").content.decode()
    assert "Only the answers of: The community&#x27;s admins" in page
    assert 'value="role-moderators"' in page
    rows = list(csv.reader(io.StringIO(
        client.get(f"/decisions/polls/{survey.pk}/export.csv?segment=admins").content.decode()
    )))  # fmt: skip
    assert len(rows) == 2
    assert rows[1][0] == "Bram"
    api = client.get(f"{A}/surveys/{survey.pk}?segment=admins").json()
    assert api["results"]["participants"] == 1
    assert api["results"]["segment"] == "admins"
    assert client.get(f"{A}/surveys/{survey.pk}?segment=nobody").status_code == 422


def test_an_anonymous_surveys_small_segment_shows_nothing(community, add_members):
    c = community
    survey = actions.survey_create(actor=c.bram, owner=c.collective, title="Brew more?",
                                   closes_at=week(), questions=YES_NO, anonymous=True)  # fmt: skip
    for person in (c.bram, c.chloe, *add_members(4)):
        _yes(person, survey)
    small = queries.survey_results(survey, segment=segments.parse(c.collective, "admins"))
    assert small.too_few
    assert small.questions == []
    everyone = queries.survey_results(survey, segment=segments.parse(c.collective, "members"))
    assert not everyone.too_few
    assert everyone.participants == 6


# --- the yearly impact survey ----------------------------------------------------------------


def test_impact_survey_in_one_click_then_published_on_the_hosts_page(client, community):
    c = community
    client.force_login(c.bram)  # not the host's admin
    assert client.post(f"/decisions/host/{c.host.slug}/surveys/impact/").status_code == 403
    client.force_login(c.anna)
    response = client.post(f"/decisions/host/{c.host.slug}/surveys/impact/")
    survey = Poll.objects.get(kind=PollKind.SURVEY, host=c.host)
    assert response.status_code == 302
    assert response["Location"] == survey.get_absolute_url()
    prompts = [q.prompt for q in survey.questions.all()]
    assert prompts[0] == "Did the network make your innovation go faster?"
    assert "Which contacts helped?" in prompts
    assert survey.anonymous
    assert survey.audience == Audience.MEMBERS
    publish = f"{A}/surveys/{survey.pk}/publish"
    early = client.post(publish, {"published": True}, content_type="application/json")
    assert early.status_code == 409
    first = survey.questions.order_by("position").first()
    assert first is not None
    actions.survey_answer(actor=c.anna, poll=survey,
                          answers={first.pk: [option(survey, "Much faster")]})  # fmt: skip
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        client.force_login(c.bram)  # not a member of the host: the survey is not his to see
        assert client.post(publish, {}, content_type="application/json").status_code == 404
        client.force_login(c.anna)
        response = client.post(f"/decisions/polls/{survey.pk}/publish/")
        assert response.status_code == 302
        client.logout()
        page = client.get(f"/hosts/{c.host.slug}/").content.decode()
    assert "What our members told us" in page
    assert "Did the network make your innovation go faster?" in page
    assert "Download as CSV" not in page


def test_only_a_hosts_survey_is_published(community):
    c = community
    survey = actions.survey_create(actor=c.bram, owner=c.collective, title="Brew more?",
                                   closes_at=week(), questions=YES_NO)  # fmt: skip
    with pytest.raises(DecisionError) as error:
        actions.survey_publish(actor=c.bram, poll=survey)
    assert error.value.code == "not_host_survey"


# --- the members in debt and the coaches -----------------------------------------------------


def test_the_members_in_debt_take_part_and_filter_the_results(client, community):
    """Chloé follows a workshop and receives a session through the credits app (-1.5 SIF);
    Bram, who gave the session, is in credit. A poll for the members in debt is hers
    alone; a survey of all members filtered to them counts her answer only."""
    c = community
    scheme = make_scheme(c)
    chloe_owes_one_and_a_half(c, scheme)
    assert balance(wallet(scheme, c.chloe)) < 0 < balance(wallet(scheme, c.bram))
    poll = actions.poll_create(
        actor=c.bram, owner=c.collective, kind="proposal", title="Settle debts in euros?",
        closes_at=week(), audience="debtors",
    )  # fmt: skip
    assert list(queries.eligible_people(poll)) == [c.chloe]
    assert segments.of_poll(poll).label == "The members in debt (credit balance below zero)"
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "agree"), 1)])
    with pytest.raises(PermissionDenied):  # a member, but not in debt
        actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "agree"), 1)])
    assert queries.poll_results(poll).eligible == 1
    survey = actions.survey_create(actor=c.bram, owner=c.collective, title="Brew more?",
                                   closes_at=week(), questions=YES_NO)  # fmt: skip
    _yes(c.bram, survey)
    _yes(c.chloe, survey)
    debtors = segments.parse(c.collective, "debtors")
    assert debtors is not None
    assert queries.survey_results(survey, segment=debtors).participants == 1
    client.force_login(c.bram)
    api = client.get(f"{A}/surveys/{survey.pk}?segment=debtors").json()
    assert api["results"]["participants"] == 1
    rows = list(csv.reader(io.StringIO(
        client.get(f"/decisions/polls/{survey.pk}/export.csv?segment=debtors").content.decode()
    )))  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["Chloé"]


def test_the_coaches_of_the_hosts_concepts_take_part(client, community):
    """Femke (the host's accountant) coaches a concept of the host: a collective's poll for
    its coaches reaches her although she is no member of it; she reads and votes, the
    collective's member Chloé reads but may not vote, Eva sees nothing."""
    c = community
    concept = knowledge_actions.concept_create(actor=c.gilles, host=c.host, title="Tool library",
                                               pitch="Lend tools.")  # fmt: skip
    knowledge_actions.concept_coach_add(actor=c.anna, concept=concept, coach=c.femke)
    poll = actions.poll_create(
        actor=c.bram, owner=c.collective, kind="single", title="Which workshop first?",
        options=["Brewing", "Repair"], closes_at=week(), audience="role", role="coaches",
    )  # fmt: skip
    assert list(queries.eligible_people(poll)) == [c.femke]
    assert segments.of_poll(poll).label == "The coaches"
    assert Notification.objects.filter(recipient=c.femke, target_id=poll.pk,
                                       kind="decisions.new_poll").exists()  # fmt: skip
    vote = {"choices": [{"option": option(poll, "Repair"), "score": 1}]}
    url = f"{A}/polls/{poll.pk}/votes"
    for person, page, status in ((c.femke, 200, 201), (c.chloe, 200, 403), (c.eva, 404, 404)):
        client.force_login(person)
        assert client.get(poll.get_absolute_url()).status_code == page
        assert client.post(url, vote, content_type="application/json").status_code == status
    assert [s.participant for s in Stance.objects.filter(poll=poll)] == [c.femke]
    survey = actions.survey_create(actor=c.bram, owner=c.collective, title="Brew more?",
                                   closes_at=week(), questions=YES_NO)  # fmt: skip
    _yes(c.bram, survey)
    coaches = segments.parse(c.collective, "role-coaches")
    assert coaches is not None
    assert queries.survey_results(survey, segment=coaches).participants == 0


# --- polls filtered by segment ---------------------------------------------------------------


def test_a_polls_results_stances_and_csv_filtered_by_segment(client, world):
    """Bram (admin) agrees, Chloé disagrees: filtered to the admins the page, the CSV and
    the API count and name Bram alone."""
    c, poll = world.c, world.proposal
    actions.stance_cast(actor=c.bram, poll=poll, choices=[(option(poll, "agree"), 1)])
    actions.stance_cast(actor=c.chloe, poll=poll, choices=[(option(poll, "disagree"), 1)],
                        reason="Too much")  # fmt: skip
    admins = segments.parse(c.collective, "admins")
    results = queries.segment_results(poll, segment=admins)
    assert (results.participants, results.eligible) == (1, 1)
    assert {r.option.key: r.count for r in results.options}["disagree"] == 0
    client.force_login(c.bram)
    page = client.get(f"/decisions/polls/{poll.pk}/?segment=admins").content.decode()
    assert "Only the answers of: The community&#x27;s admins" in page
    assert 'value="debtors"' in page
    assert "Too much" not in page
    assert "export.csv?segment=admins" in page
    rows = list(csv.reader(io.StringIO(
        client.get(f"/decisions/polls/{poll.pk}/export.csv?segment=admins").content.decode()
    )))  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["Bram"]
    api = client.get(f"{A}/polls/{poll.pk}?segment=admins").json()
    assert api["results"]["participants"] == 1
    assert api["results"]["segment"] == "admins"
    assert [s["participant"] for s in api["stances"]] == ["Bram"]
    everyone = client.get(f"{A}/polls/{poll.pk}").json()
    assert everyone["results"]["participants"] == 2
    assert everyone["results"]["segment"] is None
    wrong = client.get(f"{A}/polls/{poll.pk}?segment=nobody")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "bad_setting")


def test_an_anonymous_polls_small_segment_shows_nothing(client, world, add_members):
    c, poll = world.c, world.secret
    for person in (c.bram, c.chloe):
        actions.stance_cast(actor=person, poll=poll, choices=[(option(poll, "Late shift"), 1)])
    small = queries.segment_results(poll, segment=segments.parse(c.collective, "members"))
    assert small.too_few
    assert small.options == []
    client.force_login(c.chloe)
    page = client.get(f"/decisions/polls/{poll.pk}/?segment=members").content.decode()
    assert 'data-testid="too-few"' in page
    rows = list(csv.reader(io.StringIO(
        client.get(f"/decisions/polls/{poll.pk}/export.csv?segment=members").content.decode()
    )))  # fmt: skip
    assert rows == [["Early shift", "Late shift", "Reason"]]
    api = client.get(f"{A}/polls/{poll.pk}?segment=members").json()["results"]
    assert (api["too_few"], api["options"], api["participants"]) == (True, [], 2)
    for person in add_members(3):
        actions.stance_cast(actor=person, poll=poll, choices=[(option(poll, "Early shift"), 1)])
    enough = queries.segment_results(poll, segment=segments.parse(c.collective, "members"))
    assert not enough.too_few
    assert [r.count for r in enough.options] == [3, 2]
