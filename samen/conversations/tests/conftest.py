"""A busy collective for the conversations tests, built through the actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from samen.communities import actions as community_actions
from samen.communities.models import NewsAudience, NewsPost
from samen.communities.testing import Community
from samen.conversations import actions
from samen.conversations.models import Category, Topic, TopicKind, Visibility


@dataclass
class Talk:
    """On ``c.collective`` (admin bram, member chloe): a public "Questions" category with
    a question by chloe, a members-only "Ideas" category with a topic by chloe, a private
    "Team" category (group: bram), and a public and a members-only news post by bram."""

    c: Community
    questions: Category
    ideas: Category
    team: Category
    question: Topic
    members_topic: Topic
    news: NewsPost
    members_news: NewsPost


@pytest.fixture
def talk(community: Community) -> Talk:
    c = community
    questions = actions.category_create(
        actor=c.bram, owner=c.collective, name="Questions", visibility=Visibility.PUBLIC
    )
    ideas = actions.category_create(actor=c.bram, owner=c.collective, name="Ideas")
    team = actions.category_create(
        actor=c.bram, owner=c.collective, name="Team", visibility=Visibility.PRIVATE
    )
    question = actions.topic_create(
        actor=c.chloe,
        category=questions,
        title="Where do we store the kegs?",
        body="The cellar is full. Ideas?",
        kind=TopicKind.QUESTION,
    )
    members_topic = actions.topic_create(
        actor=c.chloe, category=ideas, title="Secret recipe", body="Hops from the garden."
    )
    news = community_actions.news_create(
        actor=c.bram, owner=c.collective, title="We open", body="Friday.", publish=True
    )
    members_news = community_actions.news_create(
        actor=c.bram,
        owner=c.collective,
        title="Members' drink",
        body="Saturday.",
        audience=NewsAudience.MEMBERS,
        publish=True,
    )
    return Talk(c, questions, ideas, team, question, members_topic, news, members_news)


@pytest.fixture
def user_of() -> Any:
    """Personas by name, with None for anonymous."""

    def pick(talk: Talk, name: str) -> Any:
        return None if name == "anonymous" else getattr(talk.c, name)

    return pick


@dataclass
class Moderated:
    """``talk`` with house rules (1. be kind, 2. no advertising) and three more people in
    the collective: mila, a moderator; mats, a member muted for a day; bert, removed and
    banned (rule 2)."""

    talk: Talk
    mila: Any
    mats: Any
    bert: Any


@pytest.fixture
def moderated(talk: Talk, make_user: Any) -> Moderated:
    c = talk.c
    community_actions.rules_publish(
        actor=c.bram, owner=c.collective, text="1. Be kind.\n2. No advertising."
    )
    people = []
    for email, name in [("mila@example.org", "Mila"), ("mats@example.org", "Mats"),
                        ("bert@example.org", "Bert")]:  # fmt: skip
        person = make_user(email, name)
        community_actions.member_add(actor=c.bram, owner=c.collective, user=person, role="member")
        people.append(person)
    mila, mats, bert = people
    actions.moderator_add(actor=c.bram, owner=c.collective, user=mila)
    actions.member_mute(
        actor=mila, owner=c.collective, person=mats, hours=24, reason="Shouting", rule_number=1
    )
    actions.member_ban(
        actor=mila, owner=c.collective, person=bert, reason="Sells bikes", rule_number=2
    )
    return Moderated(talk, mila, mats, bert)
