"""Ledger test factories: plain functions over the communities and ledger actions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.test import Client

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


def _body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def public_ledger_texts(client: Client, *, collective: str, host: str) -> dict[str, str]:
    """Everything a visitor can read about a collective's and its host's books: pages, CSV,
    JSON, Beancount and the API, by name, as text."""
    texts = {}
    for owner, slug in (("collectives", collective), ("hosts", host)):
        for kind in ("transactions/", "transactions.csv", "transactions.json"):
            texts[f"{owner}/{kind}"] = _body(client.get(f"/{owner}/{slug}/{kind}"))
        query = {owner[:-1]: slug}
        api = json.loads(_body(client.get("/api/v1/ledger/transactions", query)))
        texts[f"api {owner}"] = json.dumps(api, ensure_ascii=False)
    texts["beancount"] = _body(client.get(f"/hosts/{host}/books.beancount"))
    return texts


def check_json_names(text: str) -> list[dict[str, Any]]:
    """Check every name in a public JSON export against its sealed commitment, as an
    outsider would (docs/ledger.md); returns the public records."""
    records = [r for r in json.loads(text)["transactions"] if r["public"]]
    for record in records:
        salt = record["counterparty_salt"]
        if salt is not None:
            digest = hashlib.sha256((salt + record["counterparty_name"]).encode()).hexdigest()
            assert digest == record["counterparty"], record["id"]
    return records
