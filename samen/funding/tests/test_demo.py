"""The demo seed: idempotent, and the ledger verifies afterwards."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.core.management import call_command

from samen.funding.models import (
    Campaign,
    CampaignStatus,
    Contribution,
    ContributionStatus,
    RecurringContribution,
)
from samen.funding.queries import campaign_progress, rewards_with_remaining

pytestmark = pytest.mark.django_db


def _seed() -> None:
    # The seeds this one builds on, in seed_demo's order (later apps' seeds are theirs to test).
    for app in ("accounts", "communities", "ledger", "funding"):
        import_module(f"samen.{app}.demo").seed()


def test_seed_twice_then_ledger_verify() -> None:
    _seed()
    counts = (Contribution.objects.count(), Campaign.objects.count())
    _seed()
    assert (Contribution.objects.count(), Campaign.objects.count()) == counts
    presale = Campaign.objects.get(slug="first-saison")
    assert presale.status == CampaignStatus.RUNNING
    assert 0 < campaign_progress(presale).percent < 100
    assert any(
        r.remaining is not None and r.remaining < r.quantity
        for r in rewards_with_remaining(presale)
    )
    assert Campaign.objects.get(slug="second-cellar").status == CampaignStatus.SUCCEEDED
    assert RecurringContribution.objects.filter(interval="monthly").count() == 3
    assert Contribution.objects.filter(status=ContributionStatus.PENDING).count() == 1
    call_command("ledger_verify")
