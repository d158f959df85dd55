"""A host's learning network for the knowledge tests, built through the actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from samen.communities.testing import Community
from samen.knowledge import actions
from samen.knowledge.models import (
    Audience,
    Concept,
    ConceptVisibility,
    ItemKind,
    LibraryItem,
    MentoringPair,
    MentoringSeason,
    NewsletterIssue,
    Offer,
    Subscription,
)


@dataclass
class Network:
    """On ``c.host`` (admin anna): three concepts owned by gilles (admin of the other
    collective) and coached by femke (host accountant), one public, one for the community
    and one private; library items by gilles: published for everyone, published for the
    community, and one waiting for review; the host's newsletter with one confirmed
    subscriber and a draft issue by anna."""

    c: Community
    public: Concept
    community: Concept
    private: Concept
    published: LibraryItem
    members_item: LibraryItem
    in_review: LibraryItem
    subscription: Subscription
    issue: NewsletterIssue
    offer: Offer
    season: MentoringSeason
    pair: MentoringPair


def _concept(c: Community, title: str, visibility: str) -> Concept:
    concept = actions.concept_create(
        actor=c.gilles,
        host=c.host,
        title=title,
        pitch=f"{title}: the pitch.",
        visibility=visibility,
        needs_skills=["Carpentry"],
    )
    return actions.concept_coach_add(actor=c.anna, concept=concept, coach=c.femke)


def _item(c: Community, title: str, audience: str, *, publish: bool) -> LibraryItem:
    item = actions.item_create(
        actor=c.gilles,
        host=c.host,
        kind=ItemKind.ARTICLE,
        title=title,
        summary=f"{title} in short.",
        body="Sand the wood first.",
        language="en",
        audience=audience,
        tags=["Carpentry"],
    )
    item = actions.item_submit(actor=c.gilles, item=item)
    if publish:
        item = actions.item_review(actor=c.anna, item=item, publish=True)
    return item


@pytest.fixture
def network(community: Community) -> Network:
    c = community
    subscription = actions.subscription_request(
        owner=c.host, email="reader@example.org", language="nl"
    )
    subscription = actions.subscription_confirm(subscription=subscription)
    issue = actions.issue_create(actor=c.anna, owner=c.host, subject="December", body="Hello all.")
    offer = actions.offer_create(
        actor=c.gilles, host=c.host, title="Carpentry lessons", skills=["Carpentry"]
    )
    today = timezone.localdate()
    season = actions.season_create(
        actor=c.anna,
        host=c.host,
        name="Founders",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=170),
    )
    actions.application_create(actor=c.femke, season=season, role="mentor", goals="Give back")
    actions.application_create(actor=c.gilles, season=season, role="mentee", goals="Grow")
    pair = actions.pair_confirm(actor=c.anna, season=season, mentor=c.femke, mentee=c.gilles)
    return Network(
        offer=offer,
        season=season,
        pair=pair,
        c=c,
        public=_concept(c, "Repair café", ConceptVisibility.PUBLIC),
        community=_concept(c, "Tool library", ConceptVisibility.COMMUNITY),
        private=_concept(c, "Secret garden", ConceptVisibility.PRIVATE),
        published=_item(c, "Sanding guide", Audience.PUBLIC, publish=True),
        members_item=_item(c, "Members' workshop notes", Audience.COMMUNITY, publish=True),
        in_review=_item(c, "Draft on varnish", Audience.PUBLIC, publish=False),
        subscription=subscription,
        issue=issue,
    )
