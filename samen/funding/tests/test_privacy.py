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
from samen.ledger.actions import ledger_seal
from samen.ledger.models import CounterpartyName, Seal, Transaction
from samen.ledger.tests.factories import check_json_names, public_ledger_texts
from samen.ledger.verify import verify_ledger

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


def test_erasing_a_public_giver_removes_their_name_from_the_public_books(
    client, community, make_user
) -> None:
    giver = make_user("zoe@example.org", "Zoë Vandersteen")
    gift = give_by_bank(community.collective, actor=giver, amount=2000)
    actions.contribution_mark_paid(actor=None, contribution=gift)
    refunded = give_by_bank(community.collective, actor=giver, amount=1000)
    actions.contribution_mark_paid(actor=None, contribution=refunded)
    actions.contribution_refund(actor=community.anna, contribution=refunded, reason="Twice")
    other = give_by_bank(community.collective, guest_name="Marie Dupont", amount=500)
    actions.contribution_mark_paid(actor=None, contribution=other)
    ledger_seal()
    digests = list(Seal.objects.values_list("digest", flat=True))
    slugs = {"collective": community.collective.slug, "host": community.host.slug}
    before = public_ledger_texts(client, **slugs)
    assert all("Zoë Vandersteen" in text for text in before.values())

    user_erase(actor=giver, user=giver)

    texts = public_ledger_texts(client, **slugs)
    for where, text in texts.items():
        assert "Zoë Vandersteen" not in text, where
        assert "Former member" in text, where
        assert "Marie Dupont" in text, where  # other givers keep their names
    check_json_names(texts["collectives/transactions.json"])
    # The gift, the refunded gift and its reversal: three rows, none with a name left.
    gift.refresh_from_db()
    refunded.refresh_from_db()
    ids = [gift.ledger_transaction_id, refunded.ledger_transaction_id]
    ids.append(refunded.refund_transaction_id)
    rows = CounterpartyName.objects.filter(transaction_id__in=ids)
    assert [(r.name, r.salt) for r in rows] == [("", "")] * 3
    assert all(t.counterparty_commitment for t in Transaction.objects.filter(pk__in=ids))
    assert list(Seal.objects.values_list("digest", flat=True)) == digests
    assert verify_ledger() == []
