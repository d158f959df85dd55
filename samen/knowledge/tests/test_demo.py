"""The demo seed builds the learning network and can run twice."""

from __future__ import annotations

import pytest

from samen.accounts import demo as accounts_demo
from samen.communities import demo as communities_demo
from samen.credits import demo as credits_demo
from samen.credits.models import DeliveryStatus
from samen.invoicing.models import Document, DocumentKind
from samen.knowledge import demo, queries
from samen.knowledge.files import FILE_LIMITS
from samen.knowledge.models import (
    CheckIn,
    Concept,
    IssueStatus,
    ItemCredit,
    ItemStatus,
    LibraryItem,
    MentoringPair,
    MentoringSeason,
    NewsletterIssue,
    Offer,
    Organisation,
    PairStatus,
    SeasonStatus,
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
    organisations = Organisation.objects.filter(host__slug=demo.HOST_SLUG)
    assert organisations.count() == 2  # the second seed added none
    for organisation in organisations:
        assert organisation.people.count() == 2
        assert organisation.concepts.count() == 2
    brussels = LibraryItem.objects.filter(host__slug=demo.HOST_SLUG)
    assert brussels.count() == 20
    assert brussels.filter(status=ItemStatus.PUBLISHED).count() == 15
    assert set(brussels.values_list("language", flat=True)) == {"en", "nl", "fr"}
    with_files = LibraryItem.objects.filter(kind__in=list(FILE_LIMITS))
    assert with_files.exists()
    assert not with_files.filter(file="").exists()
    assert set(with_files.values_list("file_type", flat=True)) == {"application/pdf", "audio/wav"}
    issue = NewsletterIssue.objects.get()
    assert issue.status == IssueStatus.SENT
    assert queries.issue_figures(issue) == {
        "sent": 6, "delivered": 5, "bounced": 1, "unsubscribed": 1
    }  # fmt: skip

    season = MentoringSeason.objects.get()
    assert season.status == SeasonStatus.RUNNING
    pairs = MentoringPair.objects.filter(season=season, status=PairStatus.CONFIRMED)
    assert pairs.count() == 6
    assert len({pair.mentee_id for pair in pairs}) == 6
    assert CheckIn.objects.filter(pair__season=season).count() == 6
    offers = Offer.objects.all()
    assert offers.count() >= 2
    assert any(queries.requests_for_offer(offer).exists() for offer in offers)


def test_articles_and_cases_of_the_network_earned_credits_with_their_credit_notes() -> None:
    accounts_demo.seed()
    communities_demo.seed()
    credits_demo.seed()
    demo.seed()
    demo.seed()
    network = LibraryItem.objects.filter(host__slug=demo.CREDIT_HOST_SLUG)
    assert network.count() == len(demo.NETWORK_ITEMS)
    assert set(network.values_list("language", flat=True)) == {"en", "nl", "fr"}
    credits = ItemCredit.objects.filter(item__in=network).select_related("delivery__service")
    assert credits.count() == len(demo.NETWORK_ITEMS)
    for credit in credits:
        delivery = credit.delivery
        assert delivery.status == DeliveryStatus.CONFIRMED
        assert delivery.provider_id == credit.author_id
        assert delivery.service.code in {"article", "case-research"}
        assert Document.objects.filter(
            kind=DocumentKind.CREDIT_NOTE,
            customer=credit.author,
            idempotency_key=f"credits-delivery-{delivery.pk}-earner",
        ).exists()
