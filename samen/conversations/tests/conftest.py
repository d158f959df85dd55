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
