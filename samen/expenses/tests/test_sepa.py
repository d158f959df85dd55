"""SEPA batches: valid pain.001 files, scheduling, and reconciliation from the statement."""

from __future__ import annotations

import os
from datetime import date

import pytest
import sepaxml
import xmlschema

from samen.banking.sepa import end_to_end_ids
from samen.expenses import actions
from samen.expenses.errors import ExpenseError, ExpenseErrorCode
from samen.expenses.models import ExpenseStatus
from samen.expenses.tests.factories import (
    approved_expense,
    camt053_payouts,
    collective_balance,
    fund,
    make_expense,
)

pytestmark = pytest.mark.django_db

XSD_DIR = os.path.join(os.path.dirname(sepaxml.__file__), "schemas")


def _batch_of_two(community):
    first = approved_expense(community, amount=4250)
    fund(community.other_collective, 10_000)
    other = make_expense(community.gilles, community.other_collective, amount=9900, title="Spores")
    other = actions.expense_approve(actor=community.anna, expense=other)
    batch = actions.payout_batch_create(
        actor=community.anna,
        host=community.host,
        expense_ids=[first.pk, other.pk],
        execution_date=date(2026, 11, 23),
    )
    first.refresh_from_db()
    other.refresh_from_db()
    return batch, first, other


def test_batch_files_are_valid_against_sepaxml_xsd(community):
    batch, first, other = _batch_of_two(community)
    for schema, xml in (("pain.001.001.03", batch.xml_v03), ("pain.001.001.09", batch.xml_v09)):
        xmlschema.XMLSchema(os.path.join(XSD_DIR, f"{schema}.xsd")).validate(xml)
        assert f"urn:iso:std:iso:20022:tech:xsd:{schema}" in xml
        assert sorted(end_to_end_ids(xml)) == sorted([first.end_to_end_id, other.end_to_end_id])
        assert "<CtrlSum>141.50</CtrlSum>" in xml
        assert "BE68539007547034" in xml  # the host's account is the debtor
    assert batch.total == 14150
    for e in (first, other):
        e.refresh_from_db()
        assert e.status == ExpenseStatus.SCHEDULED
        assert e.batch == batch


def test_scheduled_expenses_still_reserve_the_balance(community):
    _batch, _first, _other = _batch_of_two(community)
    assert actions.available_balance(community.collective) == 0
    assert collective_balance(community.collective) == 4250


def test_batch_refuses_unapproved_foreign_or_empty(community, make_user):
    pending = make_expense(community.chloe, community.collective)
    with pytest.raises(ExpenseError) as err:
        actions.payout_batch_create(
            actor=community.anna,
            host=community.host,
            expense_ids=[pending.pk],
            execution_date=date(2026, 11, 23),
        )
    assert err.value.code == ExpenseErrorCode.INVALID_TRANSITION
    with pytest.raises(ExpenseError):
        actions.payout_batch_create(
            actor=community.bram,  # a collective admin does not pay
            host=community.host,
            expense_ids=[pending.pk],
            execution_date=date(2026, 11, 23),
        )
    with pytest.raises(ExpenseError) as err:
        actions.payout_batch_create(
            actor=community.anna, host=community.host, expense_ids=[], execution_date=date.today()
        )
    assert err.value.code == ExpenseErrorCode.EMPTY_BATCH


def test_statement_import_marks_scheduled_expenses_paid(community):
    from samen.banking.actions import bank_import
    from samen.funding.models import BankLine, LineStatus

    _batch, first, other = _batch_of_two(community)
    before = collective_balance(community.collective)
    statement = camt053_payouts(
        [
            (first.end_to_end_id, 4250, "Chloe"),
            (other.end_to_end_id, 9900, "Gilles"),
            ("SAMEN-EXP-999999", 100, "Nobody"),
        ]
    )
    result = bank_import(actor=community.anna, host=community.host, data=statement)
    assert result.matched == 2
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.status == other.status == ExpenseStatus.PAID
    assert first.paid_on == date(2026, 11, 24)
    assert collective_balance(community.collective) == before - 4250
    lines = BankLine.objects.filter(statement=result.statement).order_by("position")
    assert [line.status for line in lines] == [
        LineStatus.MATCHED,
        LineStatus.MATCHED,
        LineStatus.UNMATCHED,
    ]
    # The same file again changes nothing; paying by hand afterwards is refused.
    again = bank_import(actor=community.anna, host=community.host, data=statement)
    assert again.already_imported
    with pytest.raises(ExpenseError):
        actions.expense_pay(actor=community.anna, expense=first, paid_on=date(2026, 11, 25))


def test_a_line_with_the_wrong_amount_does_not_match(community):
    from samen.banking.actions import bank_import

    _batch, first, _other = _batch_of_two(community)
    result = bank_import(
        actor=community.anna,
        host=community.host,
        data=camt053_payouts([(first.end_to_end_id, 4000, "Chloe")]),
    )
    assert result.matched == 0
    first.refresh_from_db()
    assert first.status == ExpenseStatus.SCHEDULED


def test_unscheduled_expense_can_be_batched_again_and_a_late_line_still_matches(community):
    from samen.banking.actions import bank_import

    _batch, first, _other = _batch_of_two(community)
    with pytest.raises(ExpenseError):
        actions.expense_unschedule(actor=community.bram, expense=first)
    actions.expense_unschedule(actor=community.anna, expense=first)
    first.refresh_from_db()
    assert first.status == ExpenseStatus.APPROVED
    assert first.batch is None
    assert actions.available_balance(community.collective) == 0  # still reserved
    # The bank executed the refused-looking file after all: the line still pays it.
    result = bank_import(
        actor=community.anna,
        host=community.host,
        data=camt053_payouts([(first.end_to_end_id, 4250, "Chloe")]),
    )
    assert result.matched == 1
    first.refresh_from_db()
    assert first.status == ExpenseStatus.PAID
