from __future__ import annotations

from importlib import import_module

import pytest

from samen.conversations.models import Post, Reviewable, ReviewStatus, Topic
from samen.core.demo import SEED_ORDER

pytestmark = pytest.mark.django_db


def _seed() -> None:
    for app in [a for a in SEED_ORDER if a in {"accounts", "communities", "conversations"}]:
        import_module(f"samen.{app}.demo").seed()


def test_demo_discussions_are_seeded_once() -> None:
    assert "conversations" in SEED_ORDER
    _seed()
    counts = (Topic.objects.count(), Post.objects.count(), Reviewable.objects.count())
    assert counts[0] == 3
    assert Topic.objects.exclude(answer=None).count() == 1
    assert Post.objects.filter(helpful=True).count() == 1
    reported = Reviewable.objects.get(status=ReviewStatus.PENDING, kind="flagged")
    score = reported.scores.get()
    assert score.rule_number == 2
    _seed()
    assert (Topic.objects.count(), Post.objects.count(), Reviewable.objects.count()) == counts
