"""The demo seed builds the learning network and can run twice."""

from __future__ import annotations

import pytest

from samen.accounts import demo as accounts_demo
from samen.communities import demo as communities_demo
from samen.credits import demo as credits_demo
from samen.knowledge import demo, queries
from samen.knowledge.files import FILE_LIMITS
from samen.knowledge.models import (
    Concept,
    IssueStatus,
    ItemStatus,
    LibraryItem,
    MentoringPair,
    MentoringSeason,
    NewsletterIssue,
    Offer,
    PairStatus,
)

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent() -> None:
    accounts_demo.seed()
    communities_demo.seed()
    credits_demo.seed()
    demo.seed()
    demo.seed()
    assert Concept.objects.count() == 30
    assert Concept.objects.values("title").distinct().count() == 30
    assert set(Concept.objects.values_list("stage", flat=True)) == {
        "idea", "concept", "prototype", "pilot", "running", "scaling", "stopped"
    }  # fmt: skip
    assert not Concept.objects.filter(coaches__isnull=True).exists()
    assert LibraryItem.objects.filter(status=ItemStatus.PUBLISHED).count() == 15
    assert set(LibraryItem.objects.values_list("language", flat=True)) == {"en", "nl", "fr"}
    with_files = LibraryItem.objects.filter(kind__in=list(FILE_LIMITS))
    assert with_files.exists()
    assert not with_files.filter(file="").exists()
    assert set(with_files.values_list("file_type", flat=True)) == {"application/pdf", "audio/wav"}
    issue = NewsletterIssue.objects.get()
    assert issue.status == IssueStatus.SENT
    assert queries.issue_figures(issue)["sent"] == 6

    season = MentoringSeason.objects.get()
    pairs = MentoringPair.objects.filter(season=season, status=PairStatus.CONFIRMED)
    assert 1 <= pairs.count() <= 6
    offers = Offer.objects.all()
    assert offers.count() >= 2
    assert any(queries.requests_for_offer(offer).exists() for offer in offers)
