"""Crowdfunding end to end: pledges, success, failure and refunds, holds, matchfunding.

Every scenario finishes with ``manage.py ledger_verify``; the suite runs on SQLite and on
PostgreSQL, where the oversell test races real connections.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from samen.banking import actions as bank
from samen.banking.tests.bankfiles import Line, camt053_file
from samen.funding import actions
from samen.funding.errors import FundingError, FundingErrorCode
from samen.funding.models import (
    CampaignModel,
    CampaignStatus,
    Contribution,
    ContributionStatus,
    GoalType,
    Method,
)
from samen.funding.queries import campaign_progress, refunds_to_execute, rewards_with_remaining
from samen.funding.tests.factories import (
    collective_balance,
    collective_pledges,
    end_campaign,
    give_by_bank,
    host_fee_income,
    make_campaign,
    make_reward,
)
from samen.ledger.models import Transaction, TransactionKind


def _verify() -> None:
    call_command("ledger_verify")  # raises CommandError on any broken invariant


def _pay_by_bank(community, contributions: list[Contribution], iban: str = "BE71096123456769"):
    data = camt053_file(
        [
            Line(c.amount, c.private_name, iban, structured=c.structured_communication)
            for c in contributions
        ],
        statement_id=f"S-{contributions[0].pk}",
    )
    return bank.bank_import(actor=community.anna, host=community.host, data=data)


@pytest.mark.django_db
def test_all_or_nothing_success_releases_pledges_and_matchfunding(community) -> None:
    campaign = make_campaign(community, goal=10_000)
    reward = make_reward(community, campaign, price=4000, quantity=10)
    actions.matching_pledge_add(
        actor=community.anna,
        campaign=campaign,
        sponsor_name="Fondation Roi Baudouin",
        factor=Decimal("0.50"),
        cap_per_donation=1000,
        total_cap=1500,
    )
    pledges = [
        give_by_bank(community.collective, campaign=campaign, reward=reward),
        give_by_bank(community.collective, campaign=campaign, reward=reward, actor=community.dries),
        give_by_bank(
            community.collective,
            campaign=campaign,
            amount=2500,
            actor=community.chloe,
            is_incognito=True,
        ),
    ]
    assert _pay_by_bank(community, pledges).matched == 3
    # Kept apart: nothing spendable yet, the host fee is already taken.
    assert collective_balance(community.collective) == 0
    assert collective_pledges(community.collective) == 10_500 - 525
    assert campaign_progress(campaign).percent == 105
    with pytest.raises(FundingError):
        actions.campaign_settle(actor=None, campaign=campaign)  # still running
    end_campaign(campaign)
    settled = actions.campaign_settle(actor=None, campaign=campaign)
    assert settled.status == CampaignStatus.SUCCEEDED
    assert collective_pledges(community.collective) == 0
    matched = Contribution.objects.get(method=Method.MATCHING)
    assert matched.amount == 1500  # 1000 + 1000 capped per donation, then 1500 in total
    assert collective_balance(community.collective) == 10_500 - 525 + 1500 - 75
    assert host_fee_income(community.host) == 600
    assert actions.campaign_settle(actor=None, campaign=campaign).status == CampaignStatus.SUCCEEDED
    assert Transaction.objects.filter(kind=TransactionKind.TRANSFER).count() == 1
    # A late payment of a pledge made before the deadline goes straight to the balance.
    _verify()


@pytest.mark.django_db
def test_all_or_nothing_failure_refunds_every_pledge(community) -> None:
    campaign = make_campaign(community, goal=50_000)
    reward = make_reward(community, campaign, price=3000, quantity=5)
    paid = [
        give_by_bank(community.collective, campaign=campaign, reward=reward),
        give_by_bank(community.collective, campaign=campaign, amount=2000, actor=community.dries),
    ]
    _pay_by_bank(community, paid)
    unpaid = give_by_bank(community.collective, campaign=campaign, reward=reward)
    end_campaign(campaign)
    settled = actions.campaign_settle(actor=None, campaign=campaign)
    assert settled.status == CampaignStatus.FAILED
    for contribution in paid:
        contribution.refresh_from_db()
        assert contribution.status == ContributionStatus.REFUNDED
        assert contribution.refund_transaction_id is not None
    unpaid.refresh_from_db()
    assert unpaid.status == ContributionStatus.CANCELLED
    assert collective_pledges(community.collective) == 0
    assert collective_balance(community.collective) == 0
    assert host_fee_income(community.host) == 0
    refunds = list(refunds_to_execute(community.host))
    assert {r.pk for r in refunds} == {c.pk for c in paid}
    assert all(r.refund_iban == "BE71096123456769" for r in refunds)
    assert Transaction.objects.filter(kind=TransactionKind.REVERSAL).count() == 2
    # The unpaid pledge's money arrives after the failure: taken in and refunded at once.
    Contribution.objects.filter(pk=unpaid.pk).update(status=ContributionStatus.PENDING)
    _pay_by_bank(community, [unpaid], iban="BE62510007547061")
    unpaid.refresh_from_db()
    assert unpaid.status == ContributionStatus.REFUNDED
    assert collective_pledges(community.collective) == 0
    _verify()


@pytest.mark.django_db
def test_keep_what_you_raise_posts_to_the_balance_at_once(community) -> None:
    campaign = make_campaign(community, goal=100_000, model=CampaignModel.KEEP_IT_ALL)
    contribution = give_by_bank(community.collective, campaign=campaign, amount=4000)
    _pay_by_bank(community, [contribution])
    assert collective_balance(community.collective) == 3800
    end_campaign(campaign)
    assert actions.campaign_settle(actor=None, campaign=campaign).status == CampaignStatus.FAILED
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PAID
    assert collective_balance(community.collective) == 3800
    _verify()


@pytest.mark.django_db
def test_preorder_goal_counts_rewards(community) -> None:
    campaign = actions.campaign_create(
        actor=community.bram,
        collective=community.collective,
        title="Pre-sale",
        slug="pre",
        goal_type=GoalType.PREORDERS,
        goal_count=2,
        deadline=timezone.now() + timedelta(days=3),
    )
    reward = make_reward(community, campaign, price=1500)
    pledges = [
        give_by_bank(community.collective, campaign=campaign, reward=reward) for _ in range(2)
    ]
    _pay_by_bank(community, pledges)
    progress = campaign_progress(campaign)
    assert (progress.raised, progress.goal, progress.percent) == (2, 2, 100)
    end_campaign(campaign)
    assert actions.campaign_settle(actor=None, campaign=campaign).status == CampaignStatus.SUCCEEDED
    _verify()


@pytest.mark.django_db
def test_closed_campaign_takes_no_pledges(community) -> None:
    campaign = make_campaign(community)
    end_campaign(campaign)
    with pytest.raises(FundingError) as error:
        give_by_bank(community.collective, campaign=campaign)
    assert error.value.code == FundingErrorCode.CAMPAIGN_CLOSED


@pytest.mark.django_db
def test_card_checkout_holds_a_limited_reward_for_fifteen_minutes(community, monkeypatch) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_local")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_local")
    campaign = make_campaign(community)
    reward = make_reward(community, campaign, price=2000, quantity=1)
    held = actions.contribution_start(
        actor=community.dries,
        collective=community.collective,
        campaign=campaign,
        reward=reward,
        method=Method.STRIPE,
    )
    assert held.hold_until is not None
    with pytest.raises(FundingError) as error:
        give_by_bank(community.collective, campaign=campaign, reward=reward)
    assert error.value.code == FundingErrorCode.SOLD_OUT
    assert rewards_with_remaining(campaign)[0].remaining == 0
    Contribution.objects.filter(pk=held.pk).update(hold_until=timezone.now() - timedelta(seconds=1))
    assert rewards_with_remaining(campaign)[0].remaining == 1
    assert actions.holds_release_expired() == 1
    give_by_bank(community.collective, campaign=campaign, reward=reward)
    assert rewards_with_remaining(campaign)[0].remaining == 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_limited_reward_never_oversells_under_concurrency(community) -> None:
    campaign = make_campaign(community)
    reward = make_reward(community, campaign, price=1000, quantity=3)
    collective = community.collective
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def back(n: int) -> None:
        try:
            barrier.wait()
            give_by_bank(
                collective,
                campaign=campaign,
                reward=reward,
                guest_email=f"g{n}@example.org",
                guest_name=f"Guest {n}",
            )
            result = "ok"
        except FundingError as error:
            result = error.code.value
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=back, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["sold_out"] * 5
    assert Contribution.objects.filter(reward=reward).count() == 3


@pytest.mark.django_db
def test_updates_and_the_outcome_are_e_mailed_to_backers_in_their_language(
    community, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    community.dries.language = "fr"
    community.dries.save()
    campaign = make_campaign(community, goal=2500)
    backer = give_by_bank(community.collective, campaign=campaign, actor=community.dries)
    actions.contribution_mark_paid(actor=None, contribution=backer)
    give_by_bank(community.collective, campaign=campaign, actor=community.chloe)  # unpaid
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.campaign_update_publish(
            actor=community.bram,
            campaign=campaign,
            title="Hops arrived",
            body="The **Saaz** is here.",
        )
    assert [m.to for m in mail.outbox] == [["dries@example.org"]]
    assert mail.outbox[0].subject == "First brew: Hops arrived"
    mail.outbox.clear()
    end_campaign(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        actions.campaign_settle(actor=None, campaign=campaign)
    assert [m.subject for m in mail.outbox] == ["First brew est financée !"]


@pytest.mark.django_db
def test_matching_caps_are_bounded(community) -> None:
    from samen.lib.money import AmountError

    campaign = make_campaign(community, goal=10_000)
    with pytest.raises(AmountError):
        actions.matching_pledge_add(
            actor=community.anna,
            campaign=campaign,
            sponsor_name="Too generous",
            factor=Decimal("1"),
            total_cap=10**20,
        )
    assert not campaign.matching.exists()
