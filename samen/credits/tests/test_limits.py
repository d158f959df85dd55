"""The credit limits, rule by rule: whose own limit counts (this member's, in this scheme),
the floor a new wallet gets, what a member may still spend (only their own deliveries
waiting in this scheme count), the refusals' exact words, and the wallet lock. Written
against the survivors of ``make mutation`` on ``credits/actions/schemes.py`` and the limit
check of ``credits/actions/deliveries.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.communities import actions as communities
from samen.communities.models import HostRole
from samen.credits.actions import (
    credit_limit_set,
    credits_spendable,
    delivery_confirm,
    delivery_record,
    lock_wallets,
    rate_card_publish,
    scheme_create,
    wallet,
)
from samen.credits.actions.schemes import limit_for
from samen.credits.errors import CreditsError, CreditsErrorCode
from samen.credits.tests.factories import SERVICES, make_scheme
from samen.ledger.models import Account

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _session(scheme: Any, giver: Any, receiver: Any) -> Any:
    return delivery_record(
        actor=giver, scheme=scheme, service_code="session", on=TODAY(), member=receiver
    )


def _elsewhere(community: Any) -> Any:
    """A second host (eva's, in Ghent) with its own credit and rate card; bram and chloe
    are members there too, without limits of their own."""
    other = communities.host_create(actor=community.eva, name="Gent Commons", country="BE")
    for person in (community.bram, community.chloe):
        communities.member_add(actor=community.eva, owner=other, user=person, role=HostRole.MEMBER)
    scheme = scheme_create(
        actor=community.eva, host=other, code="GNT", name="Gent credit", vat_rate=None,
        vat_exemption_reason="Article 44", default_credit_limit=5000,
    )  # fmt: skip
    rate_card_publish(
        actor=community.eva, scheme=scheme, valid_from=dt.date(2020, 1, 1), services=SERVICES
    )
    return scheme


def test_only_this_members_own_limit_in_this_scheme_counts(community: Any) -> None:
    """bram's own limit is not chloe's; chloe's own limit at another host is not hers here."""
    scheme = make_scheme(community, limit=2000)
    credit_limit_set(actor=community.anna, scheme=scheme, user=community.bram, limit=5000)
    assert (limit_for(scheme, community.bram), limit_for(scheme, community.chloe)) == (5000, 2000)
    elsewhere = _elsewhere(community)
    credit_limit_set(actor=community.eva, scheme=elsewhere, user=community.chloe, limit=9000)
    assert limit_for(elsewhere, community.chloe) == 9000
    assert limit_for(scheme, community.chloe) == 2000


def test_a_new_wallet_gets_the_floor_of_the_members_limit(community: Any) -> None:
    scheme = make_scheme(community, limit=2000)
    assert wallet(scheme, community.chloe).floor == -2000


def test_what_a_member_may_spend_counts_only_their_own_waiting_deliveries(
    community: Any,
) -> None:
    """chloe may spend her limit (3 credits) less what waits for her confirmation; a
    session waiting for bram, and one she confirmed (in her balance now), do not count
    twice or for her."""
    scheme = make_scheme(community, limit=3000)
    bram, chloe = community.bram, community.chloe
    assert credits_spendable(scheme, chloe) == 3000
    waiting = _session(scheme, bram, chloe)
    assert credits_spendable(scheme, chloe) == 2000
    _session(scheme, chloe, bram)  # waits for bram: not chloe's spending
    assert credits_spendable(scheme, chloe) == 2000
    delivery_confirm(actor=chloe, delivery=waiting)  # from waiting to her balance
    assert credits_spendable(scheme, chloe) == 2000
    _session(_elsewhere(community), bram, chloe)  # waits for her at another host
    assert credits_spendable(scheme, chloe) == 2000


def test_a_delivery_beyond_the_limit_is_refused_with_the_numbers(community: Any) -> None:
    """chloe's own limit (1 credit, the default being 2) and what is left (nothing) are
    in the refusal, word for word."""
    scheme = make_scheme(community, limit=2000)
    credit_limit_set(actor=community.anna, scheme=scheme, user=community.chloe, limit=1000)
    _session(scheme, community.bram, community.chloe)
    with pytest.raises(CreditsError) as refused:
        _session(scheme, community.bram, community.chloe)
    assert refused.value.code == CreditsErrorCode.LIMIT_EXCEEDED
    assert refused.value.message == (
        "Chloé cannot spend 1.000 SIF: with a credit limit of 1.000 SIF only 0.000 SIF are "
        "available."
    )


def test_a_limit_below_the_balance_is_refused_by_name_and_the_floor_moves_by_the_admin(
    community: Any,
) -> None:
    scheme = make_scheme(community, limit=2000)
    chloe = community.chloe
    delivery_confirm(actor=chloe, delivery=_session(scheme, community.bram, chloe))
    with pytest.raises(CreditsError) as refused:
        credit_limit_set(actor=community.anna, scheme=scheme, user=chloe, limit=0)
    assert refused.value.code == CreditsErrorCode.LIMIT_EXCEEDED
    assert refused.value.message == "Chloé is already further below zero than this limit allows."
    assert wallet(scheme, chloe).floor == -2000  # unchanged
    credit_limit_set(actor=community.anna, scheme=scheme, user=chloe, limit=1500)
    moved = AuditEntry.objects.get(action="ledger.set_floor", data__new=-1500)
    assert moved.actor == community.anna


def test_lock_wallets_reads_every_wallet_once_in_one_order(community: Any) -> None:
    scheme = make_scheme(community)
    accounts = [wallet(scheme, community.chloe), wallet(scheme, community.bram)]
    with CaptureQueriesContext(connection) as queries:
        lock_wallets([*accounts, accounts[0]])
    (query,) = queries.captured_queries
    assert '"ledger_account"' in query["sql"]
    assert "ORDER BY" in query["sql"]
    for account in accounts:
        assert str(account.pk) in query["sql"]
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in query["sql"]
    with CaptureQueriesContext(connection) as queries:
        lock_wallets([])
    assert not queries.captured_queries
    assert Account.objects.filter(pk__in=[a.pk for a in accounts]).count() == 2
