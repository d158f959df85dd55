"""Money in through the actions: bank transfers, matching, postings, refunds, added funds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from stdnum.be import ogm_vcs

from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file, coda_file
from samen.funding import actions
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    BankLine,
    Contribution,
    ContributionStatus,
    Interval,
    LineStatus,
    Method,
    RecurringContribution,
    RecurringStatus,
    Tier,
)
from samen.funding.tests.factories import collective_balance, give_by_bank, host_fee_income
from samen.ledger.models import Entry, Transaction, TransactionKind
from samen.ledger.queries import counterparty_name, description

pytestmark = pytest.mark.django_db


def test_structured_communication_is_valid_and_unique(community) -> None:
    first = give_by_bank(community.collective)
    second = give_by_bank(community.collective)
    for contribution in (first, second):
        assert ogm_vcs.is_valid(contribution.structured_communication or "")
        assert contribution.formatted_communication.startswith("+++")
        # 1, 2 and 3 belong to invoices, credit notes and credit settlements
        assert (contribution.structured_communication or "0")[0] in "456789"
    assert first.structured_communication != second.structured_communication
    # Known example from the Febelfin standard, checked by our own arithmetic too.
    assert int("0108068171") % 97 == 83
    assert ogm_vcs.calc_check_digits("0108068171") == "83"


def test_payment_instructions_are_e_mailed_to_the_guest(
    community, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contribution = give_by_bank(community.collective, amount=1500)
    sent = [m for m in mail.outbox if "dries.guest@example.org" in m.to]
    assert len(sent) == 1
    assert contribution.formatted_communication in sent[0].body
    assert "BE68 5390 0754 7034" in sent[0].body


def test_guests_give_once_and_must_say_who_they_are(community) -> None:
    with pytest.raises(FundingError) as error:
        give_by_bank(community.collective, interval=Interval.MONTHLY)
    assert error.value.code == FundingErrorCode.GUEST_ONE_TIME
    with pytest.raises(FundingError) as error:
        actions.contribution_start(
            actor=None, collective=community.collective, method=Method.BANK_TRANSFER, amount=1000
        )
    assert error.value.code == FundingErrorCode.GUEST_DETAILS


def test_minimum_and_tiers(community) -> None:
    with pytest.raises(FundingError) as error:
        give_by_bank(community.collective, amount=50)
    assert error.value.code == FundingErrorCode.AMOUNT_TOO_LOW
    fixed = Tier.objects.create(collective=community.collective, name="Friend", amount=1000)
    assert give_by_bank(community.collective, amount=99999, tier=fixed).amount == 1000
    minimum = Tier.objects.create(
        collective=community.collective, name="Patron", amount=5000, amount_is_minimum=True
    )
    with pytest.raises(FundingError):
        give_by_bank(community.collective, amount=4000, tier=minimum)
    limited = Tier.objects.create(
        collective=community.collective, name="Ticket", amount=800, quantity=1
    )
    give_by_bank(community.collective, tier=limited)
    with pytest.raises(FundingError) as error:
        give_by_bank(community.collective, tier=limited)
    assert error.value.code == FundingErrorCode.SOLD_OUT


def test_unhosted_collective_cannot_receive(community) -> None:
    from samen.communities.actions import collective_create

    lonely = collective_create(actor=community.eva, name="Lonely", slug="lonely")
    with pytest.raises(FundingError) as error:
        give_by_bank(lonely)
    assert error.value.code == FundingErrorCode.NOT_HOSTED


def test_camt_import_matches_and_posts_one_balanced_transaction(community) -> None:
    contribution = give_by_bank(community.collective, amount=2500, is_incognito=True)
    data = camt053_file(
        [
            Line(
                2500,
                "Dries Peeters",
                "BE71096123456769",
                structured=contribution.structured_communication,
            )
        ]
    )
    result = bank.bank_import(actor=community.anna, host=community.host, data=data)
    assert result.matched == 1
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    assert contribution.host_fee == 125  # 5 % of 25 EUR
    assert contribution.refund_iban == "BE71096123456769"
    assert contribution.ledger_transaction_id is not None
    txn = Transaction.objects.get(pk=contribution.ledger_transaction_id)
    assert txn.kind == TransactionKind.CONTRIBUTION
    assert txn.counterparty_commitment == ""  # incognito: no name, not even a commitment
    amounts = sorted(Entry.objects.filter(transaction=txn).values_list("amount", flat=True))
    assert amounts == [-2500, -125, 125, 2500]
    assert collective_balance(community.collective) == 2375
    assert host_fee_income(community.host) == 125
    line = BankLine.objects.get()
    assert line.status == LineStatus.MATCHED
    assert line.matched_id == str(contribution.pk)
    # Importing the same file twice changes nothing; a re-export with the line again neither.
    again = bank.bank_import(actor=community.anna, host=community.host, data=data)
    assert again.already_imported
    reexport = (
        camt053_file(
            [
                Line(
                    2500,
                    "Dries Peeters",
                    "BE71096123456769",
                    structured=contribution.structured_communication,
                )
            ],
            statement_id="STMT-2026-11-20",
        )
        + b"\n"
    )
    assert (
        bank.bank_import(actor=community.anna, host=community.host, data=reexport).new_lines == []
    )
    assert Transaction.objects.filter(kind=TransactionKind.CONTRIBUTION).count() == 1
    assert collective_balance(community.collective) == 2375


def test_custom_fee_and_coda(community) -> None:
    community.collective.custom_fee_percent = Decimal("8.00")
    community.collective.save()
    contribution = give_by_bank(community.collective, amount=10000)
    data = coda_file(
        [Line(10000, "Brouwerij Zenne", structured=contribution.structured_communication)]
    )
    bank.bank_import(actor=None, host=community.host, data=data)
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    assert contribution.host_fee == 800


def test_overpayment_is_a_bigger_gift_underpayment_waits(community) -> None:
    over = give_by_bank(community.collective, amount=2000)
    under = give_by_bank(community.collective, amount=2000)
    data = camt053_file(
        [
            Line(2500, "A", structured=over.structured_communication),
            Line(1500, "Dries Peeters", structured=under.structured_communication),
        ]
    )
    result = bank.bank_import(actor=None, host=community.host, data=data)
    assert result.matched == 1
    over.refresh_from_db()
    assert over.amount == 2500
    assert over.status == ContributionStatus.PAID
    line = BankLine.objects.get(status=LineStatus.UNMATCHED)
    from samen.funding.queries import suggestions_for

    assert under in suggestions_for(line)
    paid = actions.contribution_confirm_bank_line(
        actor=community.anna, line=line, contribution=under
    )
    assert paid.status == ContributionStatus.PAID
    assert paid.amount == 1500
    with pytest.raises(FundingError):
        actions.contribution_confirm_bank_line(actor=community.anna, line=line, contribution=under)


def test_suggestions_by_amount_and_name_need_a_host_admin(community) -> None:
    contribution = give_by_bank(community.collective, amount=4200)
    typo = (contribution.structured_communication or "")[:-3] + "000"
    data = camt053_file([Line(4200, "PEETERS DRIES", text=f"gift {typo}")])
    bank.bank_import(actor=None, host=community.host, data=data)
    line = BankLine.objects.get()
    assert line.status == LineStatus.UNMATCHED
    from samen.funding.queries import suggestions_for

    assert suggestions_for(line) == [contribution]
    with pytest.raises(FundingError) as error:
        actions.contribution_confirm_bank_line(
            actor=community.bram, line=line, contribution=contribution
        )
    assert error.value.code == FundingErrorCode.NOT_ALLOWED


def test_outgoing_lines_are_left_to_other_matchers(community) -> None:
    data = camt053_file([Line(-5000, "Supplier", end_to_end="EXP-1")])
    bank.bank_import(actor=None, host=community.host, data=data)
    assert BankLine.objects.get().status == LineStatus.UNMATCHED


def test_added_funds_only_by_host_admins(community) -> None:
    with pytest.raises(FundingError):
        actions.added_funds_create(
            actor=community.bram,
            collective=community.collective,
            amount=10000,
            source_name="City",
            reason="Grant",
        )
    grant = actions.added_funds_create(
        actor=community.anna,
        collective=community.collective,
        amount=10000,
        source_name="City of Brussels",
        reason="Neighbourhood grant",
    )
    assert grant.status == ContributionStatus.PAID
    assert grant.host_fee == 500
    cash = actions.added_funds_create(
        actor=community.anna,
        collective=community.collective,
        amount=2000,
        source_name="Bar",
        reason="Cash at the bar",
        apply_host_fee=False,
    )
    assert cash.host_fee == 0
    assert collective_balance(community.collective) == 9500 + 2000


def _paid(community, amount: int = 3000) -> Contribution:
    contribution = give_by_bank(community.collective, amount=amount)
    return actions.contribution_mark_paid(actor=None, contribution=contribution)


def test_mark_paid_twice_posts_once(community) -> None:
    contribution = _paid(community)
    again = actions.contribution_mark_paid(actor=None, contribution=contribution)
    assert again.ledger_transaction_id == contribution.ledger_transaction_id
    assert Transaction.objects.count() == 1


def test_refund_rules(community) -> None:
    contribution = _paid(community)
    with pytest.raises(FundingError) as error:
        actions.contribution_refund(actor=community.chloe, contribution=contribution, reason="x")
    assert error.value.code == FundingErrorCode.NOT_ALLOWED
    with pytest.raises(FundingError) as error:
        actions.contribution_refund(actor=community.bram, contribution=contribution, reason="")
    assert error.value.code == FundingErrorCode.REASON_REQUIRED
    Contribution.objects.filter(pk=contribution.pk).update(
        paid_at=timezone.now() - timedelta(days=31)
    )
    with pytest.raises(FundingError) as error:
        actions.contribution_refund(
            actor=community.bram, contribution=contribution, reason="Asked by the donor"
        )
    assert error.value.code == FundingErrorCode.REFUND_TOO_LATE
    refunded = actions.contribution_refund(
        actor=community.anna, contribution=contribution, reason="Asked by the donor"
    )
    assert refunded.status == ContributionStatus.REFUNDED
    assert collective_balance(community.collective) == 0
    assert host_fee_income(community.host) == 0
    assert refunded.refund_transaction_id is not None
    reversal = Transaction.objects.get(pk=refunded.refund_transaction_id)
    assert reversal.reverses_id == contribution.ledger_transaction_id
    from samen.funding.queries import refunds_to_execute

    assert list(refunds_to_execute(community.host)) == [refunded]
    with pytest.raises(FundingError):
        actions.contribution_refund(actor=community.anna, contribution=refunded, reason="again")


def test_refund_below_zero_needs_the_host_to_cover(community) -> None:
    from samen.ledger.actions import account_for, ledger_post
    from samen.ledger.models import AccountPurpose, Unit

    contribution = _paid(community, amount=10000)  # 9500 net on the balance
    eur = Unit.eur()
    ledger_post(  # the collective spends most of it
        actor=None,
        kind=TransactionKind.EXPENSE,
        description="Hops",
        lines=[
            (
                account_for(
                    purpose=AccountPurpose.COLLECTIVE_BALANCE,
                    unit=eur,
                    collective=community.collective,
                ),
                -9000,
            ),
            (account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=eur), 9000),
        ],
        idempotency_key="test:hops",
    )
    with pytest.raises(FundingError) as error:
        actions.contribution_refund(actor=community.bram, contribution=contribution, reason="Oops")
    assert error.value.code == FundingErrorCode.INSUFFICIENT_BALANCE
    with pytest.raises(FundingError) as error:
        actions.contribution_refund(
            actor=community.bram, contribution=contribution, reason="Oops", cover=True
        )
    assert error.value.code == FundingErrorCode.NOT_ALLOWED
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    refunded = actions.contribution_refund(
        actor=community.anna, contribution=contribution, reason="Oops", cover=True
    )
    assert refunded.status == ContributionStatus.REFUNDED
    assert collective_balance(community.collective) == 0
    # The cover is sealed without the supporter's name; the name sits beside the row, where
    # erasure can reach it.
    cover = Transaction.objects.get(kind=TransactionKind.ADJUSTMENT)
    assert cover.description == "The host covers a refund"
    assert counterparty_name(cover) == "Dries Peeters"


def test_descriptions_are_sealed_in_english_and_shown_in_the_readers_language(
    client, community
) -> None:
    with translation.override("nl"):  # a Dutch-speaking host admin marks it paid
        contribution = _paid(community)
    txn = Transaction.objects.get(kind=TransactionKind.CONTRIBUTION)
    assert txn.pk == contribution.ledger_transaction_id
    assert txn.description == "Gift to Brasserie Zinneke"
    page = client.get(
        f"/collectives/{community.collective.slug}/transactions/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Don à Brasserie Zinneke" in page.content.decode()
    with translation.override("nl"):
        assert description(txn) == "Gift aan Brasserie Zinneke"


def test_cancel_frees_a_pending_contribution(community) -> None:
    contribution = give_by_bank(community.collective, actor=community.dries)
    with pytest.raises(FundingError):
        actions.contribution_cancel(actor=community.eva, contribution=contribution)
    cancelled = actions.contribution_cancel(actor=community.dries, contribution=contribution)
    assert cancelled.status == ContributionStatus.CANCELLED


def test_recurring_bank_transfer_creates_one_payment_per_period(community) -> None:
    first = give_by_bank(
        community.collective, actor=community.dries, amount=1000, interval=Interval.MONTHLY
    )
    recurring = first.recurring
    assert recurring is not None
    assert recurring.status == RecurringStatus.ACTIVE
    due = recurring.next_due
    assert actions.recurring_run_due(today=due - timedelta(days=1)) == 0
    assert actions.recurring_run_due(today=due) == 1
    assert actions.recurring_run_due(today=due) == 0  # idempotent
    payments = Contribution.objects.filter(recurring=recurring).order_by("pk")
    assert payments.count() == 2
    assert payments[1].structured_communication != first.structured_communication
    recurring.refresh_from_db()
    assert recurring.next_due > due


def test_recurring_pause_change_cancel(community) -> None:
    first = give_by_bank(
        community.collective, actor=community.dries, amount=1000, interval=Interval.YEARLY
    )
    recurring = first.recurring
    assert recurring is not None
    actions.recurring_update(
        actor=community.dries, recurring=recurring, amount=2000, status=RecurringStatus.PAUSED
    )
    recurring.refresh_from_db()
    assert (recurring.amount, recurring.status) == (2000, RecurringStatus.PAUSED)
    assert actions.recurring_run_due(today=recurring.next_due + timedelta(days=400)) == 0
    with pytest.raises(FundingError):
        actions.recurring_update(actor=community.bram, recurring=recurring, amount=5000)
    with pytest.raises(FundingError):
        actions.recurring_update(
            actor=community.eva, recurring=recurring, status=RecurringStatus.CANCELLED
        )
    actions.recurring_update(
        actor=community.bram, recurring=recurring, status=RecurringStatus.CANCELLED
    )
    assert RecurringContribution.objects.get().status == RecurringStatus.CANCELLED


def test_recurring_card_failures_pause_with_notice(
    community, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from samen.funding import providers

    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_local")
    monkeypatch.setattr(providers, "charge_off_session", lambda **kw: (False, ""))
    first = actions.contribution_start(
        actor=community.dries,
        collective=community.collective,
        method=Method.STRIPE,
        amount=1000,
        interval=Interval.MONTHLY,
    )
    recurring = first.recurring
    assert recurring is not None
    due = recurring.next_due
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            actions.recurring_run_due(today=due)
    recurring.refresh_from_db()
    assert recurring.status == RecurringStatus.PAUSED
    assert Contribution.objects.filter(recurring=recurring, period=due).count() == 1
    assert any("paused" in m.subject for m in mail.outbox)
    monkeypatch.setattr(providers, "charge_off_session", lambda **kw: (True, "pi_ok"))
    actions.recurring_update(
        actor=community.dries, recurring=recurring, status=RecurringStatus.ACTIVE
    )
    actions.recurring_run_due(today=due)
    assert (
        Contribution.objects.filter(recurring=recurring, status=ContributionStatus.PAID).count()
        == 1
    )


def test_receipt_is_e_mailed_with_a_pdf_in_the_supporters_language(
    community, django_capture_on_commit_callbacks
) -> None:
    community.dries.language = "nl"
    community.dries.save()
    contribution = give_by_bank(community.collective, actor=community.dries, amount=2000)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.contribution_mark_paid(actor=None, contribution=contribution)
    [message] = [m for m in mail.outbox if m.attachments]
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert message.subject == "Je ontvangstbewijs voor Brasserie Zinneke"
    assert "20,00 €" in message.body  # formatted for Dutch
