"""A supporter's data in their export, and what erasure keeps and drops."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from samen.accounts.actions import user_erase, user_export
from samen.funding import actions
from samen.funding.models import Contribution, Interval, RecurringContribution
from samen.funding.tests.factories import give_by_bank

pytestmark = pytest.mark.django_db


def test_export_and_erasure(community) -> None:
    paid = give_by_bank(
        community.collective,
        actor=community.dries,
        amount=2000,
        message="Proud neighbour",
        interval=Interval.MONTHLY,
    )
    actions.contribution_mark_paid(actor=None, contribution=paid)
    pending = give_by_bank(community.collective, actor=community.dries, amount=1000)
    archive = zipfile.ZipFile(io.BytesIO(user_export(actor=community.dries)))
    data = json.loads(archive.read("apps/funding.json"))
    assert {c["amount_cents"] for c in data["contributions"]} == {2000, 1000}
    assert data["recurring"][0]["interval"] == "monthly"

    user_erase(actor=community.dries, user=community.dries)
    paid.refresh_from_db()
    pending.refresh_from_db()
    assert paid.status == "paid"  # the accounting record stays
    assert paid.is_incognito
    assert paid.message == ""
    assert pending.status == "cancelled"
    assert RecurringContribution.objects.get().status == "cancelled"
    assert Contribution.objects.count() == 2
