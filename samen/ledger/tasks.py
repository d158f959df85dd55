"""Background work of the ledger: the periodic seal."""

from __future__ import annotations

from django_tasks import task

from samen.core.schedule import hourly, register
from samen.ledger.actions import ledger_seal


@task()
def seal_ledger() -> int | None:
    """Seal every transaction since the previous seal; harmless to run twice."""
    seal = ledger_seal(actor=None)
    return seal.pk if seal else None


# Hourly keeps each seal small, so the short lock it takes on the transaction table stays
# short, and a rewritten history is caught within the hour.
register("ledger.seal", hourly(minute=5), seal_ledger)
