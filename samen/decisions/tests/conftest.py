"""A collective deciding things, for the decisions tests, built through the actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from samen.communities import actions as community_actions
from samen.communities.testing import Community
from samen.decisions import actions
from samen.decisions.models import Poll


@dataclass
class Decisions:
    """On ``c.collective`` (admin bram, member chloe): a named members-only proposal by
    bram, an anonymous members-only single-choice poll by chloe, and an open network poll
    (everyone signed in) by bram."""

    c: Community
    proposal: Poll
    secret: Poll
    open_poll: Poll


def week() -> Any:
    return timezone.now() + timedelta(days=7)


@pytest.fixture
def world(community: Community) -> Decisions:
    c = community
    proposal = actions.poll_create(
        actor=c.bram, owner=c.collective, kind="proposal", title="Brew a winter stout",
        details="We brew **200 l** in November.", closes_at=week(),
    )  # fmt: skip
    secret = actions.poll_create(
        actor=c.chloe, owner=c.collective, kind="single", title="Who pours on Friday?",
        options=["Early shift", "Late shift"], anonymous=True, closes_at=week(),
    )  # fmt: skip
    open_poll = actions.poll_create(
        actor=c.bram, owner=c.collective, kind="single", title="Which beer next?",
        options=["Saison", "Stout"], audience="signed_in", closes_at=week(),
    )  # fmt: skip
    return Decisions(c, proposal, secret, open_poll)


@pytest.fixture
def add_members(community: Community, make_user: Any) -> Any:
    """``add_members(n)``: n more members of the collective, named m0, m1, ..."""

    def add(n: int, start: int = 0) -> list[Any]:
        people = []
        for i in range(start, start + n):
            person = make_user(f"m{i}@example.org", f"M{i}")
            community_actions.member_add(
                actor=community.bram, owner=community.collective, user=person, role="member"
            )
            people.append(person)
        return people

    return add


def option(poll: Poll, label: str) -> int:
    """The id of ``poll``'s option shown as ``label`` (or with that key)."""
    for item in poll.options.all():
        if label in (item.label, item.key):
            return int(item.pk)
    raise LookupError(label)
