"""The demo seed builds the learning network and can run twice."""

from __future__ import annotations

import pytest

from samen.accounts import demo as accounts_demo
from samen.communities import demo as communities_demo
from samen.knowledge import demo, queries
from samen.knowledge.models import Concept, IssueStatus, ItemStatus, LibraryItem, NewsletterIssue

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent() -> None:
    accounts_demo.seed()
    communities_demo.seed()
    demo.seed()
    demo.seed()
    assert Concept.objects.count() == 28
    assert set(Concept.objects.values_list("stage", flat=True)) == {
        "idea", "concept", "prototype", "pilot", "running", "scaling", "stopped"
    }  # fmt: skip
    assert not Concept.objects.filter(coaches__isnull=True).exists()
    assert LibraryItem.objects.filter(status=ItemStatus.PUBLISHED).count() == 15
    assert set(LibraryItem.objects.values_list("language", flat=True)) == {"en", "nl", "fr"}
    issue = NewsletterIssue.objects.get()
    assert issue.status == IssueStatus.SENT
    assert queries.issue_figures(issue)["sent"] == 6
