"""Ledger test factories: plain functions over the communities and ledger actions."""

from __future__ import annotations

from typing import Any

from samen.communities.actions import collective_create, host_create
from samen.communities.models import Collective, Host
from samen.ledger.actions import account_for, ledger_post
from samen.ledger.models import Account, AccountPurpose, Transaction, TransactionKind, Unit


def make_host(admin: Any, name: str = "Brussels Host", slug: str = "brussels") -> Host:
    return host_create(actor=admin, name=name, slug=slug)


def make_collective(admin: Any, host: Host | None, name: str, slug: str = "") -> Collective:
    collective = collective_create(actor=admin, name=name, slug=slug)
    if host is not None:
        # Hosting goes through the application flow of the communities app; tests of the
        # ledger only need the link.
        Collective.objects.filter(pk=collective.pk).update(host=host)
        collective.refresh_from_db()
    return collective


def collective_eur(collective: Collective) -> Account:
    return account_for(
        purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=Unit.eur(), collective=collective
    )


def outside_eur() -> Account:
    return account_for(purpose=AccountPurpose.OUTSIDE_WORLD, unit=Unit.eur())


def donate(
    collective: Collective,
    cents: int,
    key: str,
    *,
    name: str = "Dries",
    description: str = "Donation",
    is_public: bool = True,
) -> Transaction:
    return ledger_post(
        actor=None,
        kind=TransactionKind.CONTRIBUTION,
        description=description,
        lines=[(outside_eur(), -cents), (collective_eur(collective), cents)],
        idempotency_key=key,
        counterparty_name=name,
        is_public=is_public,
    )
