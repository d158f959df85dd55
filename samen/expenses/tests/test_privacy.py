"""What erasing a payee's account does to the public books."""

from __future__ import annotations

from datetime import date

import pytest

from samen.accounts.actions import user_erase
from samen.accounts.models import User
from samen.expenses import actions
from samen.expenses.models import ExpenseType, PayeeKind
from samen.expenses.tests.factories import approved_expense, fund, make_expense
from samen.ledger.actions import ledger_seal
from samen.ledger.models import CounterpartyName, Seal
from samen.ledger.tests.factories import check_json_names, public_ledger_texts
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

NAME = "Chloé Lambertyn"


def test_erasing_a_payee_removes_their_name_from_the_public_books(client, community) -> None:
    User.objects.filter(pk=community.chloe.pk).update(display_name=NAME)
    community.chloe.refresh_from_db()
    to_her = approved_expense(community, amount=4250)
    actions.expense_pay(actor=community.anna, expense=to_her, paid_on=date(2026, 11, 20))
    fund(community.collective, 12100)
    invoice = make_expense(
        community.chloe,
        community.collective,
        type=ExpenseType.INVOICE,
        amount=12100,
        vat_amount=2100,
        payee_kind=PayeeKind.ORGANISATION,
        payee_organisation="Drukkerij Zenne bv",
    )
    invoice = actions.expense_approve(actor=community.bram, expense=invoice)
    actions.expense_pay(actor=community.anna, expense=invoice, paid_on=date(2026, 11, 21))
    ledger_seal()
    digests = list(Seal.objects.values_list("digest", flat=True))
    slugs = {"collective": community.collective.slug, "host": community.host.slug}
    assert all(NAME in text for text in public_ledger_texts(client, **slugs).values())

    user_erase(actor=community.chloe, user=community.chloe)

    texts = public_ledger_texts(client, **slugs)
    for where, text in texts.items():
        assert NAME not in text, where
        assert "Former member" in text, where
        # The supplier paid on her invoice is not her: its name stays.
        assert "Drukkerij Zenne bv" in text, where
    check_json_names(texts["hosts/transactions.json"])
    to_her.refresh_from_db()
    assert to_her.ledger_transaction_id is not None
    row = CounterpartyName.objects.get(transaction_id=to_her.ledger_transaction_id)
    assert (row.name, row.salt) == ("", "")
    assert row.erased_at is not None
    assert list(Seal.objects.values_list("digest", flat=True)) == digests
    assert verify_ledger() == []
