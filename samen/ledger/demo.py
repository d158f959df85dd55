"""Demo money: an opening balance and a few monthly transfers per hosted collective, so
the demo pages show a balance, a chart and a history before the funding and expenses apps
add real contributions. Idempotent: each posting has a stable idempotency key and is
skipped when it already exists."""

from __future__ import annotations

import zlib
from datetime import date

from django.utils import timezone

from samen.communities.models import Collective
from samen.ledger.actions import account_for, ledger_post, ledger_seal
from samen.ledger.models import AccountPurpose, Transaction, TransactionKind, Unit


def _month(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def seed() -> None:
    eur = Unit.eur()
    today = timezone.localdate()
    hosted = Collective.objects.filter(host__isnull=False).select_related("host").order_by("slug")
    for collective in hosted:
        host = collective.host
        assert host is not None
        balance = account_for(
            purpose=AccountPurpose.COLLECTIVE_BALANCE, unit=eur, collective=collective
        )
        adjustments = account_for(purpose=AccountPurpose.ADJUSTMENTS, unit=eur, host=host)
        host_balance = account_for(purpose=AccountPurpose.HOST_BALANCE, unit=eur, host=host)
        opening = 500_00 + zlib.crc32(collective.slug.encode()) % 2_000 * 100
        postings = [
            (
                f"demo:opening:{collective.slug}",
                TransactionKind.ADJUSTMENT,
                "Opening balance: funds added by the host",
                [(balance, opening), (adjustments, -opening)],
                _month(today, 5),
            )
        ]
        for back in (3, 2, 1):
            day = _month(today, back)
            postings.append(
                (
                    f"demo:rent:{collective.slug}:{day.isoformat()}",
                    TransactionKind.TRANSFER,
                    "Share of the shared workshop rent",
                    [(balance, -25_00), (host_balance, 25_00)],
                    day,
                )
            )
        for key, kind, description, lines, effective in postings:
            if Transaction.objects.filter(idempotency_key=key).exists():
                continue
            ledger_post(
                actor=None,
                kind=kind,
                description=description,
                lines=lines,
                idempotency_key=key,
                effective_date=effective,
                counterparty_name=host.name,
            )
    ledger_seal(actor=None)
