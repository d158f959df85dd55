from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from samen.ledger.actions import ledger_seal


class Command(BaseCommand):
    help = "Seal every ledger transaction since the previous seal (SHA-256, chained)."

    def handle(self, *args: Any, **options: Any) -> None:
        seal = ledger_seal(actor=None)
        if seal is None:
            self.stdout.write("Nothing to seal: no transaction since the previous seal.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Seal #{seal.pk}: transactions {seal.first_transaction_id}.."
                f"{seal.last_transaction_id} ({seal.transaction_count}), digest {seal.digest}"
            )
        )
