"""Who may take part (a role, a segment), surveys sent to a segment with results filtered by
segment, the yearly impact survey published on the host's page, and a campaign polling its
backers."""

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
from samen.decisions import actions, queries, segments
from samen.decisions.errors import DecisionError
from samen.decisions.models import Audience, Poll, PollKind, QuestionKind, Stance
from samen.decisions.tests.conftest import option, week
from samen.events import actions as event_actions
from samen.events.tests.conftest import make_event
from samen.funding import actions as funding_actions
from samen.funding.tests.factories import give_by_bank, make_campaign

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
    assert segments.parse(c.collective, "event-999999") is None
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
