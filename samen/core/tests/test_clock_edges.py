"""Money dated at the edges of Brussels days: a payment, an invoice and the exports at the
moments where the UTC date differs from the local one (``BRUSSELS_EDGES``) carry the local
date, and an invoice issued at 00:30 on 1 January belongs to the new year's series."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from samen.funding import actions as funding
from samen.funding.tests.factories import give_by_bank
from samen.invoicing.exports import journal_rows
from samen.invoicing.tests.factories import issue, make_host
from samen.ledger import exports
from samen.ledger.models import Transaction
from samen.lib.testing import BRUSSELS_EDGES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("moment", "day"), BRUSSELS_EDGES)
def test_a_payment_is_booked_and_exported_on_the_brussels_day(client, community, moment, day):
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
        contribution = give_by_bank(community.collective, amount=1500)
        contribution = funding.contribution_mark_paid(
            actor=community.anna, contribution=contribution
        )
    assert contribution.ledger_transaction_id is not None
    txn = Transaction.objects.get(pk=contribution.ledger_transaction_id)
    assert txn.effective_date.isoformat() == day

    url = reverse("ledger:collective_csv", args=[community.collective.slug])
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(url).streaming_content).decode())))
    assert {row["date"] for row in rows if row["transaction_id"] == str(txn.pk)} == {day}

    books = "".join(exports.beancount_stream(community.host))
    assert f"{day} * " in books


@pytest.mark.parametrize(("moment", "day"), BRUSSELS_EDGES)
def test_an_invoice_is_dated_and_numbered_in_the_brussels_year(anna, moment, day):
    host = make_host()
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
        document = issue(host, anna)
    assert document.issue_date.isoformat() == day
    assert document.number == f"INV-{day[:4]}-000001"
    assert {row[0] for row in journal_rows([document])} == {day}
