import pytest
from django.core.management import call_command

from samen.ledger import demo
from samen.ledger.models import Seal, Transaction
from samen.ledger.queries import balances_for
from samen.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def test_ledger_seed_is_idempotent_and_verifies(books):
    demo.seed()
    count = Transaction.objects.count()
    assert count == 8  # two hosted collectives: an opening balance and three rents each
    assert balances_for(collective=books.garden)["EUR"].amount > 0
    demo.seed()
    assert Transaction.objects.count() == count
    assert Seal.objects.count() == 1
    assert verify_ledger() == []


def test_seed_demo_then_ledger_verify(capsys):
    call_command("seed_demo")
    call_command("ledger_verify")
    assert "every invariant holds" in capsys.readouterr().out
